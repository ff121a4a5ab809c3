package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Pool;
import dev.graft.autograd.ops.Reshape;
import dev.graft.tensor.Shape;
import dev.graft.tensor.conv.ConvGeometry;
import dev.graft.tensor.conv.Pool2d;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code MaxPooling1D} and {@code AveragePooling1D} on {@code (N, T, C)}: pool size
 * (default 2), strides (default = pool size), {@code valid} (default) or {@code same} padding. Runs
 * as 2-D pooling of {@code (N, 1, T, C)} with {@code (1, pool)} windows.
 */
public final class Pooling1D extends SingleInput {
  private final boolean max;
  private final int pool;
  private int strides;
  private ConvGeometry.Padding padding = ConvGeometry.Padding.VALID;

  /**
   * A max ({@code max}) or average pooling layer with windows of {@code pool} steps.
   *
   * @param max true for max pooling, false for average pooling
   * @param pool the window's length in steps
   * @throws IllegalArgumentException for a non-positive size
   */
  public Pooling1D(boolean max, int pool) {
    checkArgument(pool > 0, max ? "MaxPooling1D" : "AveragePooling1D", "pool_size", pool);
    this.max = max;
    this.pool = pool;
    this.strides = pool;
  }

  @Override
  public String className() {
    return max ? "MaxPooling1D" : "AveragePooling1D";
  }

  /**
   * Strides (default: the pool size); returns this.
   *
   * @param s the step between windows, at least 1
   * @return this layer, for chaining
   */
  public Pooling1D strides(int s) {
    checkArgument(s > 0, className(), "strides", s);
    this.strides = s;
    return this;
  }

  /**
   * {@code "valid"} (default) or {@code "same"}; returns this.
   *
   * @param p {@code "valid"} (no padding) or {@code "same"} (output size {@code ceil(input /
   *     stride)}), case-insensitive
   * @return this layer, for chaining
   */
  public Pooling1D padding(String p) {
    this.padding = ConvGeometry.Padding.parse(p);
    return this;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    outputShape(in.get(0));
  }

  @Override
  protected Shape outputShape(Shape x) {
    if (x.rank() != 3) {
      throw incompatible(0, "rank 3 (batch, steps, features)", x);
    }
    ConvGeometry g;
    try {
      g = Pool2d.geometry(as2d(UnknownDims.assumeKnown(x)), 1, pool, 1, strides, padding);
    } catch (IllegalArgumentException e) {
      throw incompatible(0, "a sequence at least as long as the pool (" + e.getMessage() + ")", x);
    }
    return UnknownDims.keepUnknown(x, Shape.of(x.dim(0), g.outW(), x.dim(2)));
  }

  static Shape as2d(Shape x) {
    return Shape.of(x.dim(0), 1, x.dim(1), x.dim(2));
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Node y =
        Pool.of(
            max ? Pool.Kind.MAX : Pool.Kind.AVG,
            Reshape.of(x, as2d(x.shape())),
            new int[] {1, pool},
            new int[] {1, strides},
            padding);
    return Reshape.of(y, outputShape(x.shape()));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("pool_size", pool);
    c.put("padding", padding.name().toLowerCase(java.util.Locale.ROOT));
    c.put("strides", strides);
    c.put("data_format", "channels_last");
    return c;
  }
}
