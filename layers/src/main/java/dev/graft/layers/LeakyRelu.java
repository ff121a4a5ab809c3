package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.ReluVariant;
import dev.graft.tensor.Shape;
import java.util.Map;

/**
 * Keras's {@code LeakyReLU}: {@code x > 0 ? x : negative_slope * x}, slope 0.3 by default (Keras
 * 3's {@code negative_slope}, tf.keras 2's and TensorFlow.js's {@code alpha}).
 */
public final class LeakyRelu extends PassesMask {
  private final double negativeSlope;

  /** Keras's default slope, 0.3. */
  public LeakyRelu() {
    this(0.3);
  }

  /**
   * A leaky relu with slope {@code negativeSlope} below 0.
   *
   * @param negativeSlope the slope for negative inputs (Keras: 0.3)
   * @throws IllegalArgumentException if {@code negativeSlope < 0} (or NaN)
   */
  public LeakyRelu(double negativeSlope) {
    checkArgument(negativeSlope >= 0, "LeakyReLU", "negative_slope", negativeSlope);
    this.negativeSlope = negativeSlope;
  }

  @Override
  public String className() {
    return "LeakyReLU";
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return ReluVariant.of(x, (float) negativeSlope, 0f, Float.POSITIVE_INFINITY);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("negative_slope", negativeSlope);
    return c;
  }
}
