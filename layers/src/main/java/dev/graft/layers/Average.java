package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Scale;

/** Keras's {@code Average}: the element-wise mean of its inputs (an averaging ensemble). */
public final class Average extends Merge {
  @Override
  protected Node merge(Node a, Node b) {
    return dev.graft.autograd.ops.Add.of(a, b);
  }

  @Override
  protected Node finish(Node folded, int count) {
    return count == 1 ? folded : Scale.of(folded, 1f / count);
  }
}
