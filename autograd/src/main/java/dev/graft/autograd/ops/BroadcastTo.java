package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.elementwise.Binary;
import java.util.List;

/**
 * Repeats {@code x} along broadcast axes up to {@code target}; unknown target dimensions are
 * resolved in a plan from the input (a batch is never broadcast).
 */
public class BroadcastTo extends Op {
  private final Shape target;

  BroadcastTo(Shape target) {
    this.target = target;
  }

  /**
   * {@code x} broadcast to {@code target}.
   *
   * @param x the input, whose shape broadcasts to {@code target}
   * @param target the output shape
   * @return a node of shape {@code target}
   */
  public static Node of(Node x, Shape target) {
    if (x.shape().equals(target) && target.isFullyDefined()) {
      return x;
    }
    return x.graph().apply(new BroadcastTo(target), x);
  }

  @Override
  public String kind() {
    return "broadcast_to";
  }

  @Override
  public String attributes() {
    return target.toString();
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 1);
    Shape in = inputs.get(0);
    if (in.rank() > target.rank()) {
      throw shapeError("cannot broadcast " + in + " to the smaller rank of " + target);
    }
    return Shapes.broadcast(kind(), in, target);
  }

  @Override
  public void forward(Args a) {
    a.output().fill(0f);
    Binary.add(a.output(), a.input(0), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(SumTo.of(g, self.input(0).shape()));
  }
}
