package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Sub;

/** Keras's {@code Subtract}: {@code inputs[0] - inputs[1]}. */
public final class Subtract extends Merge {
  @Override
  protected Node merge(Node a, Node b) {
    return Sub.of(a, b);
  }

  @Override
  protected int minInputs() {
    return 2;
  }

  @Override
  protected int maxInputs() {
    return 2;
  }
}
