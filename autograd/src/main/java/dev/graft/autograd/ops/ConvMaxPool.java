package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.conv.ConvGeometry;
import dev.graft.tensor.conv.ConvPool;
import dev.graft.tensor.conv.Pool2d;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Conv2D} followed by max pooling whose windows tile its output, as one op: the
 * convolution's output is pooled chunk by chunk while in cache and never stored (see {@link
 * ConvPool}). {@link Pool#of} builds it when it pools a convolution's output and the BLAS back-end
 * multiplies im2col matrices; the convolution node stays in the graph and runs only if something
 * else reads it. A ReLU of its output joins it too ({@link Relu#of}). Values and gradients are
 * those of the separate ops.
 */
public final class ConvMaxPool extends Op {
  private final ConvGeometry conv;
  private final ConvGeometry pool;
  private final int filters;
  private final boolean relu;

  private ConvMaxPool(ConvGeometry conv, ConvGeometry pool, int filters, boolean relu) {
    this.conv = conv;
    this.pool = pool;
    this.filters = filters;
    this.relu = relu;
  }

  /**
   * Whether max pooling with geometry {@code pool} of the output of {@code convolution} (a {@link
   * Conv2D} node) can run as this op.
   */
  static boolean fuses(Node convolution, ConvGeometry pool) {
    return convolution.op() instanceof Conv2D c
        && ConvPool.tiles(pool)
        && ConvPool.supports(c.geometry(), convolution.shape().dim(3));
  }

  /** Max pooling with geometry {@code pool} of {@code convolution}'s output; see {@link #fuses}. */
  static Node of(Node convolution, ConvGeometry pool) {
    Conv2D c = (Conv2D) convolution.op();
    int filters = convolution.shape().dim(3);
    return convolution
        .graph()
        .apply(
            new ConvMaxPool(c.geometry(), pool, filters, false),
            convolution.inputs().toArray(new Node[0]));
  }

  /**
   * {@code relu(pooled)} for a node of this op without a ReLU, as one op: the ReLU runs on each
   * chunk of pooled rows while in cache ({@link Relu#of} builds it). Null for any other node.
   */
  static Node withRelu(Node pooled) {
    if (!(pooled.op() instanceof ConvMaxPool p) || p.relu) {
      return null;
    }
    return pooled
        .graph()
        .apply(
            new ConvMaxPool(p.conv, p.pool, p.filters, true), pooled.inputs().toArray(new Node[0]));
  }

  @Override
  public String kind() {
    return "conv2d_max_pool2d";
  }

  @Override
  public String attributes() {
    return conv + ", pool " + pool + (relu ? ", relu" : "");
  }

  @Override
  public Shape outputShape(List<Shape> in) {
    Shape x = in.get(0);
    if (x.rank() != 4
        || x.dim(1) != conv.inH()
        || x.dim(2) != conv.inW()
        || x.dim(3) != conv.channels()) {
      throw shapeError("input " + x + " does not match the geometry " + conv);
    }
    return Shape.of(x.dim(0), pool.outH(), pool.outW(), filters);
  }

  /**
   * When the plan runs a gradient: the window tap of each maximum (shaped as the output), then the
   * im2col matrix.
   */
  @Override
  public Shape workspaceShape(List<Shape> in, Shape out, boolean backwardReads) {
    if (!backwardReads) {
      return null;
    }
    Shape columns = columns(out.dim(0), in.size() == 3);
    return Shape.of(out.size() + (columns == null ? 0 : columns.size()));
  }

  private Shape columns(int batch, boolean bias) {
    return ConvPool.columnsShape(conv, pool, batch, bias);
  }

  @Override
  public void forward(Args a) {
    boolean bias = a.inputCount() == 3;
    Saved s =
        a.workspace() == null ? null : Saved.of(a, a.workspace(), a.output().shape(), this, bias);
    ConvPool.forward(
        a.input(0),
        a.input(1),
        bias ? a.input(2) : null,
        conv,
        pool,
        a.output(),
        s == null ? null : s.taps,
        s == null ? null : s.columns,
        relu);
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    // With a ReLU, the forward pass recorded ConvPool.noTap where it passes no gradient: the
    // gradients from the taps below are the ReLU's and the pooling's together.
    Node x = self.input(0);
    Node k = self.input(1);
    List<Node> grads = new ArrayList<>();
    Shape convShape = Shape.of(x.shape().dim(0), conv.outH(), conv.outW(), filters);
    Node dConv = self.graph().apply(new OutputGrad(this, convShape), self, g);
    grads.add(self.graph().apply(new Conv2D.InputGrad(conv, x.shape()), dConv, k));
    if (self.inputs().size() == 3) {
      int kernelSize = k.shape().size();
      Node packed =
          self.graph()
              .apply(new KernelGrad(this, Shape.of(kernelSize / filters + 1, filters)), self, x, g);
      grads.add(Part.of(packed, 0, k.shape()));
      grads.add(Part.of(packed, kernelSize, Shape.of(filters)));
    } else {
      grads.add(self.graph().apply(new KernelGrad(this, k.shape()), self, x, g));
    }
    return grads;
  }

  /**
   * Views of a forward node's workspace (taps shaped as its output {@code out}, then the im2col
   * matrix), made on a node's first run and kept in its {@link Args#memo}.
   */
  private record Saved(Tensor taps, Tensor columns) {
    static Saved of(Args a, Tensor workspace, Shape out, ConvMaxPool op, boolean bias) {
      if (a.memo() instanceof Saved s) {
        return s;
      }
      Shape columns = op.columns(out.dim(0), bias);
      Saved s =
          new Saved(
              Tensor.wrap(workspace.array(), workspace.offset(), out),
              columns == null
                  ? null
                  : Tensor.wrap(workspace.array(), workspace.offset() + out.size(), columns));
      a.memo(s);
      return s;
    }
  }

  /** The convolution's output gradient from {@code (forward node, dOut)}: dOut put at the taps. */
  static final class OutputGrad extends BackwardOp {
    private final ConvMaxPool op;
    private final Shape convShape;

    OutputGrad(ConvMaxPool op, Shape convShape) {
      this.op = op;
      this.convShape = convShape;
    }

    @Override
    public String kind() {
      return "conv2d_max_pool2d_output_grad";
    }

    @Override
    public Shape outputShape(List<Shape> in) {
      return convShape.withBatch(in.get(1).dim(0));
    }

    @Override
    public void forward(Args a) {
      // The taps open the forward node's workspace; the view is made once per node.
      Tensor taps = (Tensor) a.memo();
      if (taps == null) {
        Tensor ws = a.inputWorkspace(0);
        taps = Tensor.wrap(ws.array(), ws.offset(), a.input(0).shape());
        a.memo(taps);
      }
      Pool2d.maxBackwardFromTaps(a.input(1), taps, op.pool, a.output());
    }
  }

  /**
   * {@code dKernel} from {@code (forward node, x, dOut)}, or, when its shape is the packed {@code
   * (K + 1, F)}, the kernel gradient's K rows followed by the bias gradient.
   */
  static final class KernelGrad extends BackwardOp {
    private final ConvMaxPool op;
    private final Shape kShape;

    KernelGrad(ConvMaxPool op, Shape kShape) {
      this.op = op;
      this.kShape = kShape;
    }

    @Override
    public String kind() {
      return "conv2d_max_pool2d_kernel_grad";
    }

    @Override
    public Shape outputShape(List<Shape> in) {
      return kShape;
    }

    @Override
    public void forward(Args a) {
      Saved s = Saved.of(a, a.inputWorkspace(0), a.input(0).shape(), op, kShape.rank() == 2);
      ConvPool.backwardKernel(
          a.input(1), a.input(2), s.taps, op.conv, op.pool, a.output(), s.columns);
    }
  }
}
