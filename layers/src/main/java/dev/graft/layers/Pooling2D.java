package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Pool;
import dev.graft.tensor.Shape;
import dev.graft.tensor.conv.ConvGeometry;
import dev.graft.tensor.conv.Pool2d;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code MaxPooling2D} and {@code AveragePooling2D}: pool size (default 2), strides
 * (default = pool size), {@code valid} (default) or {@code same} padding.
 */
public final class Pooling2D extends SingleInput {
  private final boolean max;
  private final int[] pool;
  private int[] strides;
  private ConvGeometry.Padding padding = ConvGeometry.Padding.VALID;

  /**
   * A max ({@code max}) or average pooling layer with {@code (ph, pw)} windows.
   *
   * @param max true for max pooling, false for average pooling
   * @param ph the window's height
   * @param pw the window's width
   * @throws IllegalArgumentException for non-positive sizes
   */
  public Pooling2D(boolean max, int ph, int pw) {
    checkArgument(ph > 0 && pw > 0, className0(max), "pool_size", "(" + ph + ", " + pw + ")");
    this.max = max;
    this.pool = new int[] {ph, pw};
    this.strides = pool.clone();
  }

  private static String className0(boolean max) {
    return max ? "MaxPooling2D" : "AveragePooling2D";
  }

  @Override
  public String className() {
    return className0(max);
  }

  /**
   * Strides (default: the pool size); returns this.
   *
   * @param sh the row stride, at least 1
   * @param sw the column stride, at least 1
   * @return this layer, for chaining
   */
  public Pooling2D strides(int sh, int sw) {
    checkArgument(sh > 0 && sw > 0, className(), "strides", "(" + sh + ", " + sw + ")");
    this.strides = new int[] {sh, sw};
    return this;
  }

  /**
   * Equal strides; returns this.
   *
   * @param s the row and column stride, at least 1
   * @return this layer, for chaining
   */
  public Pooling2D strides(int s) {
    return strides(s, s);
  }

  /**
   * {@code "valid"} (default) or {@code "same"}; returns this.
   *
   * @param p {@code "valid"} (no padding) or {@code "same"} (output size {@code ceil(input /
   *     stride)}), case-insensitive
   * @return this layer, for chaining
   */
  public Pooling2D padding(String p) {
    this.padding = ConvGeometry.Padding.parse(p);
    return this;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    if (in.get(0).rank() != 4) {
      throw incompatible(0, "rank 4 (batch, height, width, channels)", in.get(0));
    }
  }

  @Override
  protected Shape outputShape(Shape x) {
    if (x.rank() != 4) {
      throw incompatible(0, "rank 4 (batch, height, width, channels)", x);
    }
    ConvGeometry g;
    try {
      g =
          Pool2d.geometry(
              UnknownDims.assumeKnown(x), pool[0], pool[1], strides[0], strides[1], padding);
    } catch (IllegalArgumentException e) {
      throw incompatible(0, "an image at least as large as the pool (" + e.getMessage() + ")", x);
    }
    return UnknownDims.keepUnknown(x, Shape.of(x.dim(0), g.outH(), g.outW(), x.dim(3)));
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return Pool.of(max ? Pool.Kind.MAX : Pool.Kind.AVG, x, pool, strides, padding);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("pool_size", pool.clone());
    c.put("padding", padding.name().toLowerCase(java.util.Locale.ROOT));
    c.put("strides", strides.clone());
    c.put("data_format", "channels_last");
    return c;
  }
}
