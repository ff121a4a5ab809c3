package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.ReluVariant;
import dev.graft.tensor.Shape;
import java.util.Map;

/**
 * Keras's {@code ReLU} layer: {@code min(x, max_value)} where {@code x > threshold}, else {@code
 * negative_slope * (x - threshold)}. The defaults (no clip, slope 0, threshold 0) give the plain
 * relu; {@code maxValue(6)} gives ReLU6.
 */
public final class Relu extends PassesMask {
  private Double maxValue;
  private double negativeSlope;
  private double threshold;

  /** A plain relu layer: no upper clip, slope 0, threshold 0. */
  public Relu() {}

  /**
   * Clips the output at {@code value} (Keras's {@code max_value}; none by default); returns this.
   *
   * @param value the largest output, 0 or more
   * @return this layer, for chaining
   * @throws IllegalArgumentException if {@code value < 0}
   */
  public Relu maxValue(double value) {
    checkArgument(value >= 0, "ReLU", "max_value", value);
    requireUnbuilt("max_value");
    this.maxValue = value;
    return this;
  }

  /**
   * The slope below the threshold (Keras's {@code negative_slope}, default 0); returns this.
   *
   * @param value the slope below the threshold, 0 or more
   * @return this layer, for chaining
   * @throws IllegalArgumentException if {@code value < 0}
   */
  public Relu negativeSlope(double value) {
    checkArgument(value >= 0, "ReLU", "negative_slope", value);
    requireUnbuilt("negative_slope");
    this.negativeSlope = value;
    return this;
  }

  /**
   * The value above which inputs pass (Keras's {@code threshold}, default 0); returns this.
   *
   * @param value the threshold, 0 or more
   * @return this layer, for chaining
   * @throws IllegalArgumentException if {@code value < 0}
   */
  public Relu threshold(double value) {
    checkArgument(value >= 0, "ReLU", "threshold", value);
    requireUnbuilt("threshold");
    this.threshold = value;
    return this;
  }

  @Override
  public String className() {
    return "ReLU";
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    float max = maxValue == null ? Float.POSITIVE_INFINITY : maxValue.floatValue();
    return ReluVariant.of(x, (float) negativeSlope, (float) threshold, max);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("max_value", maxValue);
    c.put("negative_slope", negativeSlope);
    c.put("threshold", threshold);
    return c;
  }
}
