package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.elementwise.Pointwise;
import java.util.List;

/**
 * Keras's {@code relu(x, negative_slope, max_value, threshold)}: {@code min(x, maxValue)} above
 * {@code threshold}, {@code negativeSlope * (x - threshold)} at or below it. One op for Keras's
 * ReLU (and ReLU6), LeakyReLU and ThresholdedReLU layers.
 */
public final class ReluVariant extends Elementwise {
  private final float negativeSlope;
  private final float threshold;
  private final float maxValue;

  private ReluVariant(float negativeSlope, float threshold, float maxValue) {
    this.negativeSlope = negativeSlope;
    this.threshold = threshold;
    this.maxValue = maxValue;
  }

  /**
   * The relu of {@code x} with Keras's arguments.
   *
   * @param maxValue the upper clip, {@link Float#POSITIVE_INFINITY} for none
   * @param x the input, any shape
   * @param negativeSlope the slope below {@code threshold} (0 for a plain ReLU)
   * @param threshold the value below which the slope applies
   * @return a node shaped like {@code x}
   * @throws IllegalArgumentException for a NaN argument or {@code maxValue < 0}
   */
  public static Node of(Node x, float negativeSlope, float threshold, float maxValue) {
    if (Float.isNaN(negativeSlope) || Float.isNaN(threshold) || !(maxValue >= 0f)) {
      throw new IllegalArgumentException(
          "relu_variant: bad arguments negative_slope="
              + negativeSlope
              + ", threshold="
              + threshold
              + ", max_value="
              + maxValue);
    }
    return x.graph().apply(new ReluVariant(negativeSlope, threshold, maxValue), x);
  }

  @Override
  public String kind() {
    return "relu_variant";
  }

  @Override
  public String attributes() {
    return "negative_slope=" + negativeSlope + ", threshold=" + threshold + ", max=" + maxValue;
  }

  @Override
  public boolean canRunInPlace(int input) {
    // the gradient reads x
    return false;
  }

  @Override
  public void forward(Args a) {
    Pointwise.relu(a.input(0), negativeSlope, threshold, maxValue, a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(self.graph().apply(new Grad(this), self.input(0), g));
  }

  /** {@code dy * relu'(x)}. Backward-only. */
  static final class Grad extends Op {
    private final ReluVariant f;

    Grad(ReluVariant f) {
      this.f = f;
    }

    @Override
    public String kind() {
      return "relu_variant_grad";
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
      return inputs.get(1);
    }

    @Override
    public boolean canRunInPlace(int input) {
      return input == 1;
    }

    @Override
    public void forward(Args a) {
      Pointwise.reluGradient(
          a.input(0), a.input(1), f.negativeSlope, f.threshold, f.maxValue, a.output());
    }

    @Override
    public boolean isDifferentiable() {
      return false;
    }

    @Override
    public List<Node> gradients(Node self, Node g) {
      throw new UnsupportedOperationException(kind() + " is a backward op");
    }
  }
}
