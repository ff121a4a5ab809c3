package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Div;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Reshape;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code GlobalAveragePooling1D}: the mean over time, {@code (N, T, C)} to {@code (N, C)},
 * or {@code (N, 1, C)} with {@code keepdims}; with a mask, the mean of the unmasked steps (a row
 * with every step masked gives NaN, as Keras).
 */
public final class GlobalAveragePooling1D extends SingleInput {
  private boolean keepdims;

  /** Keeps the time axis with length 1 (Keras's {@code keepdims}); returns this. */
  public GlobalAveragePooling1D keepdims(boolean value) {
    requireUnbuilt("keepdims");
    this.keepdims = value;
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
    return keepdims ? Shape.of(x.dim(0), 1, x.dim(2)) : Shape.of(x.dim(0), x.dim(2));
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return Reduction.mean(x, keepdims, 1);
  }

  /**
   * Keras's masked mean: the sum of the kept steps over their count ({@code x * m} summed over
   * time, divided by {@code sum(m)}).
   */
  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs, List<Node> masks) {
    Node x = inputs.get(0);
    Node m = masks.get(0);
    if (m == null) {
      return List.of(call(ctx, x));
    }
    Node m3 = Reshape.of(m, Shape.of(Shape.UNKNOWN, x.shape().dim(1), 1));
    return List.of(
        Div.of(Reduction.sum(Mul.of(x, m3), keepdims, 1), Reduction.sum(m3, keepdims, 1)));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("data_format", "channels_last");
    c.put("keepdims", keepdims);
    return c;
  }
}
