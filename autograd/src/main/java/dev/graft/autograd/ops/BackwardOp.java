package dev.graft.autograd.ops;

import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import java.util.List;

/**
 * Base of backward-only ops (emitted by gradient rules): not differentiable again, checked through
 * the gradient checks of the forward ops that emit them.
 */
public abstract class BackwardOp extends Op {
  @Override
  public final boolean isDifferentiable() {
    return false;
  }

  @Override
  public final List<Node> gradients(Node self, Node g) {
    throw new UnsupportedOperationException(kind() + " is a backward op: no second derivative");
  }
}
