package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/** Joins tensors along one axis; every other dimension must agree. */
public final class Concat extends Op {
  private final int axis;
  private final Tensors scratch = new Tensors();

  private Concat(int axis) {
    this.axis = axis;
  }

  /**
   * The inputs joined along {@code axis} (negative counts from the end).
   *
   * @param axis the joining axis
   * @param inputs at least one node, equal in every other axis
   * @return a node whose {@code axis} is the sum of the inputs' sizes along it
   */
  public static Node of(int axis, List<Node> inputs) {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("concat: needs at least one input");
    }
    int a = inputs.get(0).shape().normalizeAxis(axis);
    return inputs.get(0).graph().apply(new Concat(a), inputs.toArray(new Node[0]));
  }

  @Override
  public String kind() {
    return "concat";
  }

  @Override
  public String attributes() {
    return "axis=" + axis;
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shape first = inputs.get(0);
    int total = 0;
    for (Shape s : inputs) {
      boolean ok = s.rank() == first.rank();
      for (int d = 0; ok && d < s.rank(); d++) {
        ok = d == axis || s.dim(d) == first.dim(d);
      }
      if (!ok) {
        throw shapeError(
            "inputs must agree on every axis but "
                + axis
                + "; got "
                + inputs.stream().map(Shape::toString).reduce((x, y) -> x + ", " + y).orElse(""));
      }
      total =
          total == Shape.UNKNOWN || s.dim(axis) == Shape.UNKNOWN
              ? Shape.UNKNOWN
              : total + s.dim(axis);
    }
    return first.withDim(axis, total);
  }

  @Override
  public void forward(Args a) {
    dev.graft.tensor.layout.Concat.concat(scratch.inputs(a), axis, a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    List<Node> grads = new ArrayList<>();
    int start = 0;
    for (Node in : self.inputs()) {
      int len = in.shape().dim(axis);
      grads.add(Slice.of(g, axis, start, len));
      start += len;
    }
    return grads;
  }
}
