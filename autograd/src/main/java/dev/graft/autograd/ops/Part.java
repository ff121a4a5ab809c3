package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.Shape;
import java.util.List;

/**
 * A copy of {@code shape.size()} consecutive elements of a packed tensor from {@code offset}: how
 * one output of a multi-output kernel (an RNN's gradients) becomes a node of its own.
 */
public final class Part extends BackwardOp {
  private final int offset;
  private final Shape shape;

  private Part(int offset, Shape shape) {
    this.offset = offset;
    this.shape = shape;
  }

  /**
   * Elements {@code [offset, offset + size)} of {@code packed}, as {@code shape}.
   *
   * @param packed a node whose elements hold several results one after another
   * @param offset the index of the first element taken
   * @param shape the part's shape (its size is the number of elements taken)
   * @return a node of shape {@code shape}
   */
  public static Node of(Node packed, int offset, Shape shape) {
    return packed.graph().apply(new Part(offset, shape), packed);
  }

  @Override
  public String kind() {
    return "part";
  }

  @Override
  public String attributes() {
    return offset + ", " + shape;
  }

  @Override
  public Shape outputShape(List<Shape> in) {
    return shape;
  }

  @Override
  public void forward(Args a) {
    if (offset + a.output().size() > a.input(0).size()) {
      throw new IllegalStateException(
          "part: [" + offset + ", +" + a.output().size() + ") outside " + a.input(0).shape());
    }
    System.arraycopy(
        a.input(0).array(),
        a.input(0).offset() + offset,
        a.output().array(),
        a.output().offset(),
        a.output().size());
  }
}
