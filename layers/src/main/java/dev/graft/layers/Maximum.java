package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Extremum;

/** Keras's {@code Maximum}: the element-wise maximum of its inputs. */
public final class Maximum extends Merge {
  @Override
  protected Node merge(Node a, Node b) {
    Node[] ab = broadcastPair(a, b);
    return Extremum.maximum(ab[0], ab[1]);
  }
}
