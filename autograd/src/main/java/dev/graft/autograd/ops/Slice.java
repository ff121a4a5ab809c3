package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import java.util.ArrayList;
import java.util.Comparator;
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

  /**
   * One node's gradient contributions with the slices' gradients stitched together: where several
   * contributions each place a slice's gradient into zeros of the whole input (the gradients of
   * {@link Slice}s of one node along one axis, without overlap), one op writes them all into the
   * whole. Adding them one by one instead costs the whole input's size per slice: a SimpleRNN over
   * T steps slices its projected input T times, so its backward grew as T² (T = 400: 0.42-0.5 s a
   * training step, 58% of it in these additions). The other contributions are returned unchanged,
   * for the caller to add.
   *
   * @param contributions the gradients flowing into one node, at least one
   * @return the contributions to add, with the stitchable slices' gradients merged into one
   */
  public static List<Node> stitchSliceGradients(List<Node> contributions) {
    List<Node> pads = new ArrayList<>();
    for (Node c : contributions) {
      if (c.op() instanceof Pad) {
        pads.add(c);
      }
    }
    if (pads.size() < 2) {
      return contributions;
    }
    int axis = ((Pad) pads.get(0).op()).axis;
    pads.removeIf(p -> ((Pad) p.op()).axis != axis);
    pads.sort(Comparator.comparingInt(p -> ((Pad) p.op()).start));
    List<Node> stitched = new ArrayList<>();
    int end = 0;
    for (Node p : pads) {
      Pad pad = (Pad) p.op();
      if (pad.start >= end) {
        stitched.add(p);
        end = pad.start + p.input(0).shape().dim(axis);
      }
    }
    if (stitched.size() < 2) {
      return contributions;
    }
    int[] starts = new int[stitched.size()];
    Node[] parts = new Node[stitched.size()];
    for (int i = 0; i < parts.length; i++) {
      starts[i] = ((Pad) stitched.get(i).op()).start;
      parts[i] = stitched.get(i).input(0);
    }
    Shape target = ((Pad) stitched.get(0).op()).target;
    List<Node> out = new ArrayList<>();
    out.add(parts[0].graph().apply(new Stitch(axis, starts, target), parts));
    for (Node c : contributions) {
      if (!stitched.contains(c)) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Places several slices' gradients (inputs in order of their starts, without overlap) into zeros
   * of the input's shape. Backward-only; see {@link #stitchSliceGradients}.
   */
  static final class Stitch extends Op {
    private final int axis;
    private final int[] starts;
    private final Shape target;

    Stitch(int axis, int[] starts, Shape target) {
      this.axis = axis;
      this.starts = starts.clone();
      this.target = target;
    }

    @Override
    public String kind() {
      return "slices_grad";
    }

    @Override
    public String attributes() {
      return "axis=" + axis + ", " + starts.length + " slices";
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
      return inputs.get(0).withDim(axis, target.dim(axis));
    }

    @Override
    public void forward(Args a) {
      // Zeros are needed only where no slice lands: not when the slices tile the axis.
      int covered = 0;
      for (int i = 0; i < starts.length && starts[i] == covered; i++) {
        covered += a.input(i).shape().dim(axis);
      }
      if (covered != a.output().shape().dim(axis)) {
        a.output().fill(0f);
      }
      for (int i = 0; i < starts.length; i++) {
        dev.graft.tensor.layout.Concat.unslice(a.input(i), axis, starts[i], a.output());
      }
    }

    @Override
    public boolean isDifferentiable() {
      return false;
    }

    @Override
    public List<Node> gradients(Node self, Node g) {
      throw new UnsupportedOperationException("slices_grad is a backward op");
    }
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
