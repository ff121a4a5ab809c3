package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.reduce.Reduce;
import java.util.List;

/**
 * Sums a broadcast gradient back to an operand's shape (the gradient of broadcasting). Unknown
 * target dimensions take the input's, since the batch is never broadcast.
 */
public final class SumTo extends Op {
  private final Shape target;

  private SumTo(Shape target) {
    this.target = target;
  }

  /**
   * {@code x} summed to {@code target}; {@code x} itself when nothing needs summing.
   *
   * @param x the input, whose shape broadcasts to {@code target}
   * @param target the shape to sum down to
   * @return a node of shape {@code target}
   */
  public static Node of(Node x, Shape target) {
    if (x.shape().equals(target)) {
      return x;
    }
    return x.graph().apply(new SumTo(target), x);
  }

  @Override
  public String kind() {
    return "sum_to";
  }

  @Override
  public String attributes() {
    return target.toString();
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 1);
    Shape in = inputs.get(0);
    Shape t = Shapes.resolveAgainst(target, in);
    Shapes.broadcast(kind(), in, t);
    if (t.rank() > in.rank()) {
      throw shapeError("cannot sum " + in + " to the larger rank of " + target);
    }
    return t;
  }

  @Override
  public void forward(Args a) {
    Reduce.sumToShape(a.input(0), a.output().shape(), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(BroadcastTo.of(g, self.input(0).shape()));
  }
}
