package dev.graft.layers;

import dev.graft.autograd.Node;

/** Keras's {@code Add}: the element-wise sum of its inputs. */
public final class Add extends Merge {
  @Override
  protected Node merge(Node a, Node b) {
    return dev.graft.autograd.ops.Add.of(a, b);
  }
}
