package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.tensor.Shape;

/** Keras's {@code Identity} layer: returns its input unchanged (a placeholder in a model). */
public final class Identity extends PassesMask {
  /** An identity layer. */
  public Identity() {}

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return x;
  }
}
