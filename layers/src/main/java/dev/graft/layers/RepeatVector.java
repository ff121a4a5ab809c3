package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.BroadcastTo;
import dev.graft.tensor.Shape;
import java.util.Map;

/** Keras's {@code RepeatVector}: {@code (N, d)} to {@code (N, n, d)}. */
public final class RepeatVector extends SingleInput {
  private final int n;

  /**
   * Repeats each sample {@code n} times.
   *
   * @param n the number of copies, giving {@code (batch, n, features)}
   * @throws IllegalArgumentException if {@code n <= 0}
   */
  public RepeatVector(int n) {
    checkArgument(n > 0, "RepeatVector", "n", n);
    this.n = n;
  }

  @Override
  protected Shape outputShape(Shape in) {
    if (in.rank() != 2) {
      throw incompatible(0, "rank 2 (batch, features)", in);
    }
    return Shape.of(in.dim(0), n, in.dim(1));
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Shape in = x.shape();
    Node expanded = dev.graft.autograd.ops.Reshape.of(x, Shape.of(in.dim(0), 1, in.dim(1)));
    return BroadcastTo.of(expanded, outputShape(in));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("n", n);
    return c;
  }
}
