package dev.graft.autograd.optim;

import java.util.Map;

/**
 * RMSprop as Keras 3 applies it (not centred): {@code a = rho · a + (1 - rho) · g²}, then {@code w
 * -= lr · g / (sqrt(a) + eps)}, through a momentum buffer when {@code momentum > 0}.
 */
public final class RmsProp extends Optimizer {
  private final float rho;
  private final float momentum;
  private final float epsilon;

  /** Keras's defaults: lr 0.001, rho 0.9, no momentum, epsilon 1e-7. */
  public RmsProp() {
    this(0.001f, 0.9f, 0f, 1e-7f);
  }

  /**
   * RMSprop with the given settings.
   *
   * @param learningRate the base learning rate
   * @param rho the decay of the moving average of squared gradients (Keras: 0.9)
   * @param momentum the momentum (Keras: 0)
   * @param epsilon added to the root of the average (Keras: 1e-7)
   * @throws IllegalArgumentException if rho or momentum is outside {@code [0, 1)}
   */
  public RmsProp(float learningRate, float rho, float momentum, float epsilon) {
    super(learningRate);
    if (!(rho >= 0f && rho < 1f) || !(momentum >= 0f && momentum < 1f)) {
      throw new IllegalArgumentException(
          "RMSprop: rho and momentum must be in [0, 1); got rho=" + rho + ", momentum=" + momentum);
    }
    this.rho = rho;
    this.momentum = momentum;
    this.epsilon = epsilon;
  }

  @Override
  public String name() {
    return "RMSprop";
  }

  @Override
  protected int slotCount() {
    return momentum > 0 ? 2 : 1;
  }

  @Override
  protected void apply(
      float[] w, int wo, float[] g, int go, float[][] s, int so, int n, float lr, long step) {
    float[] a = s[0];
    for (int i = 0; i < n; i++) {
      float gi = g[go + i];
      float ai = withoutSubnormals(rho * a[so + i] + (1f - rho) * gi * gi);
      a[so + i] = ai;
      float inc = lr * gi / ((float) Math.sqrt(ai) + epsilon);
      if (momentum > 0f) {
        float mi = withoutSubnormals(momentum * s[1][so + i] + inc);
        s[1][so + i] = mi;
        w[wo + i] -= mi;
      } else {
        w[wo + i] -= inc;
      }
    }
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("rho", rho);
    c.put("momentum", momentum);
    c.put("epsilon", epsilon);
    return c;
  }
}
