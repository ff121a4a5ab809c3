package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Pool;
import dev.graft.autograd.ops.Reshape;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code GlobalMaxPooling2D} and {@code GlobalAveragePooling2D}: {@code (N, H, W, C)} to
 * {@code (N, C)}, or {@code (N, 1, 1, C)} with {@code keepdims}.
 */
public final class GlobalPooling2D extends SingleInput {
  private final boolean max;
  private boolean keepdims;

  /**
   * A global max ({@code max}) or average pooling layer.
   *
   * @param max true for max pooling, false for average pooling
   */
  public GlobalPooling2D(boolean max) {
    this.max = max;
  }

  /**
   * Whether to keep the height and width axes as 1s (default false); returns this.
   *
   * @param value true to keep the spatial axes
   * @return this layer, for chaining
   */
  public GlobalPooling2D keepdims(boolean value) {
    requireUnbuilt("keepdims");
    this.keepdims = value;
    return this;
  }

  @Override
  public String className() {
    return max ? "GlobalMaxPooling2D" : "GlobalAveragePooling2D";
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    outputShape(in.get(0));
  }

  @Override
  protected Shape outputShape(Shape x) {
    if (x.rank() != 4) {
      throw incompatible(0, "rank 4 (batch, height, width, channels)", x);
    }
    return keepdims ? Shape.of(x.dim(0), 1, 1, x.dim(3)) : Shape.of(x.dim(0), x.dim(3));
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Node pooled = Pool.global(max ? Pool.Kind.GLOBAL_MAX : Pool.Kind.GLOBAL_AVG, x);
    return keepdims ? Reshape.of(pooled, outputShape(x.shape())) : pooled;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("data_format", "channels_last");
    c.put("keepdims", keepdims);
    return c;
  }
}
