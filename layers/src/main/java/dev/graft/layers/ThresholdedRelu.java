package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.ReluVariant;
import dev.graft.tensor.Shape;
import java.util.Map;

/**
 * tf.keras 2's (and TensorFlow.js's) {@code ThresholdedReLU}: {@code x > theta ? x : 0}, theta 1 by
 * default. Keras 3 dropped the class; its {@code ReLU(threshold=theta)} computes the same.
 */
public final class ThresholdedRelu extends PassesMask {
  private final double theta;

  /** Keras's default threshold, 1. */
  public ThresholdedRelu() {
    this(1.0);
  }

  /**
   * Passes inputs above {@code theta}, zeroes the rest.
   *
   * @param theta the threshold, 0 or more
   * @throws IllegalArgumentException if {@code theta < 0} (or NaN)
   */
  public ThresholdedRelu(double theta) {
    checkArgument(theta >= 0, "ThresholdedReLU", "theta", theta);
    this.theta = theta;
  }

  @Override
  public String className() {
    return "ThresholdedReLU";
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return ReluVariant.of(x, 0f, (float) theta, Float.POSITIVE_INFINITY);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("theta", theta);
    return c;
  }
}
