package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Mul;

/** Keras's {@code Multiply}: the element-wise product of its inputs. */
public final class Multiply extends Merge {
  @Override
  protected Node merge(Node a, Node b) {
    return Mul.of(a, b);
  }
}
