package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Pool;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code GlobalMaxPooling2D} and {@code GlobalAveragePooling2D}: {@code (N, H, W, C)} to
 * {@code (N, C)}.
 */
public final class GlobalPooling2D extends SingleInput {
  private final boolean max;

  /** A global max ({@code max}) or average pooling layer. */
  public GlobalPooling2D(boolean max) {
    this.max = max;
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
    return Shape.of(x.dim(0), x.dim(3));
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return Pool.global(max ? Pool.Kind.GLOBAL_MAX : Pool.Kind.GLOBAL_AVG, x);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("data_format", "channels_last");
    c.put("keepdims", false);
    return c;
  }
}
