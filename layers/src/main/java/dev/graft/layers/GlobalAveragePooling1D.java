package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Div;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Reshape;
import dev.graft.tensor.Shape;
import java.util.List;

/**
 * Keras's {@code GlobalAveragePooling1D}: the mean over time, {@code (N, T, C)} to {@code (N, C)},
 * or {@code (N, 1, C)} with {@code keepdims}; with a mask, the mean of the unmasked steps (a row
 * with every step masked gives NaN, as Keras).
 */
public final class GlobalAveragePooling1D extends GlobalPooling1D {
  @Override
  protected Node call(CallContext ctx, Node x) {
    return Reduction.mean(x, keepdims(), 1);
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
        Div.of(Reduction.sum(Mul.of(x, m3), keepdims(), 1), Reduction.sum(m3, keepdims(), 1)));
  }
}
