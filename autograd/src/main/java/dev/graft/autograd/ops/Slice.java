package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import java.util.List;

/** Elements {@code [start, start + length)} along one axis. */
public final class Slice extends Op {
  private final int axis;
  private final int start;
  private final int length;

  private Slice(int axis, int start, int length) {
    this.axis = axis;
    this.start = start;
    this.length = length;
  }

  /**
   * {@code x[..., start:start+length, ...]} along {@code axis}.
   *
   * @param x the input
   * @param axis the sliced axis, negative counting from the end
   * @param start the first index kept
   * @param length the number of indices kept
   * @return a node shaped like {@code x} but {@code length} along {@code axis}
   */
  public static Node of(Node x, int axis, int start, int length) {
    int a = x.shape().normalizeAxis(axis);
    return x.graph().apply(new Slice(a, start, length), x);
  }

  @Override
  public String kind() {
    return "slice";
  }

  @Override
  public String attributes() {
    return "axis=" + axis + ", " + start + ":" + (start + length);
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 1);
    Shape in = inputs.get(0);
    int d = in.dim(axis);
    if (start < 0 || length < 0 || (d != Shape.UNKNOWN && start + length > d)) {
      throw shapeError(
          "range [" + start + ", " + (start + length) + ") is outside axis " + axis + " of " + in);
    }
    return in.withDim(axis, length);
  }

  @Override
  public void forward(Args a) {
    dev.graft.tensor.layout.Concat.slice(a.input(0), axis, start, a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(self.graph().apply(new Pad(axis, start, self.input(0).shape()), g));
  }

  /** Places a slice's gradient back into zeros of the input's shape. Backward-only. */
  static final class Pad extends Op {
    private final int axis;
    private final int start;
    private final Shape target;

    Pad(int axis, int start, Shape target) {
      this.axis = axis;
      this.start = start;
      this.target = target;
    }

    @Override
    public String kind() {
      return "slice_grad";
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
      return inputs.get(0).withDim(axis, target.dim(axis));
    }

    @Override
    public void forward(Args a) {
      a.output().fill(0f);
      dev.graft.tensor.layout.Concat.unslice(a.input(0), axis, start, a.output());
    }

    @Override
    public boolean isDifferentiable() {
      return false;
    }

    @Override
    public List<Node> gradients(Node self, Node g) {
      throw new UnsupportedOperationException("slice_grad is a backward op");
    }
  }
}
