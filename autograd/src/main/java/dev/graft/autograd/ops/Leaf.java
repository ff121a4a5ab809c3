package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import java.util.List;

/**
 * Base of the ops with no inputs (placeholders, variable reads, constants): the plan binds their
 * tensors directly, so they compute nothing.
 */
public abstract class Leaf extends Op {
  private final Shape shape;

  Leaf(Shape shape) {
    this.shape = shape;
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    if (!inputs.isEmpty()) {
      throw shapeError("takes no inputs; got " + inputs.size());
    }
    return shape;
  }

  @Override
  public void forward(Args args) {
    // Bound by the plan: nothing to compute.
  }

  @Override
  public List<Node> gradients(Node self, Node gradOutput) {
    return List.of();
  }
}
