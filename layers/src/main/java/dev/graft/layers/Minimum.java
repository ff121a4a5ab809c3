package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Extremum;

/** Keras's {@code Minimum}: the element-wise minimum of its inputs. */
public final class Minimum extends Merge {
  @Override
  protected Node merge(Node a, Node b) {
    Node[] ab = broadcastPair(a, b);
    return Extremum.minimum(ab[0], ab[1]);
  }
}
