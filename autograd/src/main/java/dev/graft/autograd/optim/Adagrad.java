package dev.graft.autograd.optim;

import java.util.Map;

/**
 * Adagrad as Keras 3 applies it: {@code acc += g²}, {@code w -= lr · g / sqrt(acc + eps)}, with the
 * accumulator starting at {@code initialAccumulatorValue}.
 */
public final class Adagrad extends Optimizer {
  private final float initialAccumulator;
  private final float epsilon;

  /** Keras's defaults: lr 0.001, initial accumulator 0.1, epsilon 1e-7. */
  public Adagrad() {
    this(0.001f, 0.1f, 1e-7f);
  }

  /**
   * Adagrad with the given settings.
   *
   * @param learningRate the base learning rate
   * @param initialAccumulatorValue the starting value of every squared-gradient accumulator (Keras:
   *     0.1)
   * @param epsilon added to the accumulator's square root before dividing (Keras: 1e-7)
   * @throws IllegalArgumentException if the initial accumulator is negative
   */
  public Adagrad(float learningRate, float initialAccumulatorValue, float epsilon) {
    super(learningRate);
    if (!(initialAccumulatorValue >= 0f)) {
      throw new IllegalArgumentException(
          "Adagrad: initial_accumulator_value must be >= 0; got " + initialAccumulatorValue);
    }
    this.initialAccumulator = initialAccumulatorValue;
    this.epsilon = epsilon;
  }

  @Override
  public String name() {
    return "Adagrad";
  }

  @Override
  protected int slotCount() {
    return 1;
  }

  @Override
  protected float initialSlotValue() {
    return initialAccumulator;
  }

  @Override
  protected void apply(
      float[] w, int wo, float[] g, int go, float[][] s, int so, int n, float lr, long step) {
    float[] acc = s[0];
    for (int i = 0; i < n; i++) {
      float gi = g[go + i];
      float ai = acc[so + i] + gi * gi;
      acc[so + i] = ai;
      w[wo + i] -= lr * gi / (float) Math.sqrt(ai + epsilon);
    }
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("initial_accumulator_value", initialAccumulator);
    c.put("epsilon", epsilon);
    return c;
  }
}
