package dev.graft.autograd.ops;

import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import java.util.List;

/** Base of two-input element-wise ops with NumPy broadcasting. */
public abstract class Broadcasting extends Op {
  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 2);
    return Shapes.broadcast(kind(), inputs.get(0), inputs.get(1));
  }

  @Override
  public boolean canRunInPlace(int input) {
    return true;
  }

  /**
   * The gradients for both inputs, each summed back to its input's shape.
   *
   * @param self the binary op's node
   * @param ga the gradient for the first input at the output's shape
   * @param gb the gradient for the second input at the output's shape
   * @return two nodes, shaped like the op's first and second input
   */
  protected static List<Node> reduced(Node self, Node ga, Node gb) {
    return List.of(SumTo.of(ga, self.input(0).shape()), SumTo.of(gb, self.input(1).shape()));
  }
}
