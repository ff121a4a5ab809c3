package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.conv.ConvGeometry;
import dev.graft.tensor.conv.Pool2d;
import java.util.List;

/**
 * 2-D max or average pooling over NHWC images (Keras semantics: max pads with -inf, average divides
 * by the in-range count), or global pooling over H and W to {@code (N, C)}.
 */
public final class Pool extends Op {
  /** The pooling kinds. */
  public enum Kind {
    /** Windowed maximum. */
    MAX,
    /** Windowed mean. */
    AVG,
    /** Maximum over H and W. */
    GLOBAL_MAX,
    /** Mean over H and W. */
    GLOBAL_AVG
  }

  private final Kind kind;
  private final ConvGeometry geometry;

  private Pool(Kind kind, ConvGeometry geometry) {
    this.kind = kind;
    this.geometry = geometry;
  }

  /**
   * Windowed pooling of {@code x} with the given pool size, strides and padding.
   *
   * <p>Max-pooling a ReLU's output is built as ReLU of the max-pooled input: {@code max(relu(v)) =
   * relu(max(v))} for every window, and the gradients agree too (both are zero unless the window's
   * maximum is positive, and then both go to the same first maximum), but the ReLU and its gradient
   * then run on the pooled tensor, a quarter of the data for 2x2 windows. The unpooled ReLU stays
   * in the graph and is computed only if something else reads it.
   *
   * <p>Max pooling that tiles a convolution's output is built as one {@link ConvMaxPool} op, which
   * never stores the convolution's output.
   *
   * @param kind max or average
   * @param x the input {@code (N, H, W, C)}
   * @param pool the window's height and width
   * @param strides the row and column strides
   * @param padding {@code VALID} or {@code SAME} (average pooling counts only the real values)
   * @return the pooled {@code (N, H', W', C)}
   */
  public static Node of(
      Kind kind, Node x, int[] pool, int[] strides, ConvGeometry.Padding padding) {
    if (kind == Kind.GLOBAL_MAX || kind == Kind.GLOBAL_AVG) {
      return global(kind, x);
    }
    if (kind == Kind.MAX && x.op() instanceof Relu) {
      return Relu.of(of(kind, x.input(0), pool, strides, padding));
    }
    requireImage(x);
    ConvGeometry g = Pool2d.geometry(x.shape(), pool[0], pool[1], strides[0], strides[1], padding);
    if (kind == Kind.MAX && ConvMaxPool.fuses(x, g)) {
      return ConvMaxPool.of(x, g);
    }
    return x.graph().apply(new Pool(kind, g), x);
  }

  /**
   * Global pooling of {@code x} to {@code (N, C)} (global max after a ReLU as in {@link #of}).
   *
   * @param kind max or average
   * @param x the input {@code (N, H, W, C)}
   * @return a node {@code (N, C)}
   */
  public static Node global(Kind kind, Node x) {
    if (kind == Kind.GLOBAL_MAX && x.op() instanceof Relu) {
      return Relu.of(global(kind, x.input(0)));
    }
    requireImage(x);
    return x.graph().apply(new Pool(kind, null), x);
  }

  private static void requireImage(Node x) {
    if (x.shape().rank() != 4) {
      throw new IllegalArgumentException(
          "pool2d: input " + x.shape() + " must be rank 4 (batch, height, width, channels)");
    }
  }

  @Override
  public String kind() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + "_pool2d";
  }

  @Override
  public String attributes() {
    return geometry == null ? "" : geometry.toString();
  }

  @Override
  public Shape outputShape(List<Shape> in) {
    Shapes.arity(kind(), in, 1);
    Shape x = in.get(0);
    if (geometry == null) {
      return Shape.of(x.dim(0), x.dim(3));
    }
    if (x.rank() != 4
        || x.dim(1) != geometry.inH()
        || x.dim(2) != geometry.inW()
        || x.dim(3) != geometry.channels()) {
      throw shapeError("input " + x + " does not match the geometry " + geometry);
    }
    return Shape.of(x.dim(0), geometry.outH(), geometry.outW(), x.dim(3));
  }

  /**
   * Windowed max pooling keeps the window tap of each maximum for its gradient in training, when
   * the plan runs that gradient.
   */
  @Override
  public Shape workspaceShape(List<Shape> in, Shape out, boolean backwardReads) {
    return kind == Kind.MAX && backwardReads ? out : null;
  }

  @Override
  public void forward(Args a) {
    switch (kind) {
      case MAX -> {
        if (a.training() && a.workspace() != null) {
          Pool2d.maxForwardWithTaps(a.input(0), geometry, a.output(), a.workspace());
        } else {
          Pool2d.maxForward(a.input(0), geometry, a.output(), (int[]) null);
        }
      }
      case AVG -> Pool2d.avgForward(a.input(0), geometry, a.output());
      case GLOBAL_MAX -> Pool2d.globalMaxForward(a.input(0), a.output());
      case GLOBAL_AVG -> Pool2d.globalAvgForward(a.input(0), a.output());
    }
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(self.graph().apply(new Grad(this), self, self.input(0), g));
  }

  /**
   * The pooling gradient from {@code (forward node, x, dy)}. Windowed max pooling reads the taps
   * its forward node recorded in a training run (a scatter, no second search for the maxima);
   * outside training it searches x again.
   */
  static final class Grad extends BackwardOp {
    private final Pool pool;

    Grad(Pool pool) {
      this.pool = pool;
    }

    @Override
    public String kind() {
      return pool.kind() + "_grad";
    }

    @Override
    public Shape outputShape(List<Shape> in) {
      return in.get(1);
    }

    @Override
    public void forward(Args a) {
      Tensor x = a.input(1);
      Tensor dy = a.input(2);
      switch (pool.kind) {
        case MAX -> {
          if (a.training()) {
            Pool2d.maxBackwardFromTaps(dy, a.inputWorkspace(0), pool.geometry, a.output());
          } else {
            Pool2d.maxBackward(x, dy, pool.geometry, a.output());
          }
        }
        case AVG -> Pool2d.avgBackward(dy, pool.geometry, a.output());
        case GLOBAL_MAX -> Pool2d.globalMaxBackward(x, dy, a.output());
        case GLOBAL_AVG -> Pool2d.globalAvgBackward(dy, a.output());
      }
    }
  }
}
