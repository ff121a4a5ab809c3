package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import java.util.List;

/**
 * Zeros added before and after the elements along one axis ({@code ZeroPadding1D/2D}, causal
 * convolutions). Its gradient is the {@link Slice} of the upstream gradient that the input filled.
 */
public final class ZeroPad extends Op {
  private final int axis;
  private final int before;
  private final int after;

  private ZeroPad(int axis, int before, int after) {
    this.axis = axis;
    this.before = before;
    this.after = after;
  }

  /**
   * {@code x} with {@code before} zeros ahead of and {@code after} zeros behind its elements along
   * {@code axis} (negative counts from the end).
   *
   * @param x the input
   * @param axis the padded axis
   * @param before zeros ahead, 0 or more
   * @param after zeros behind, 0 or more
   * @return a node shaped like {@code x} but longer by {@code before + after} along {@code axis}
   * @throws IllegalArgumentException for a negative amount
   */
  public static Node of(Node x, int axis, int before, int after) {
    if (before < 0 || after < 0) {
      throw new IllegalArgumentException(
          "zero_pad: padding must be >= 0; got (" + before + ", " + after + ")");
    }
    if (before == 0 && after == 0) {
      return x;
    }
    int a = x.shape().normalizeAxis(axis);
    return x.graph().apply(new ZeroPad(a, before, after), x);
  }

  @Override
  public String kind() {
    return "zero_pad";
  }

  @Override
  public String attributes() {
    return "axis=" + axis + ", (" + before + ", " + after + ")";
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 1);
    Shape in = inputs.get(0);
    if (axis >= in.rank()) {
      throw shapeError("axis " + axis + " is outside " + in);
    }
    int d = in.dim(axis);
    return in.withDim(axis, d == Shape.UNKNOWN ? d : d + before + after);
  }

  @Override
  public void forward(Args a) {
    a.output().fill(0f);
    dev.graft.tensor.layout.Concat.unslice(a.input(0), axis, before, a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(Slice.of(g, axis, before, self.input(0).shape().dim(axis)));
  }
}
