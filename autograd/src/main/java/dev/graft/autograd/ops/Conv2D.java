package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.conv.Conv2d;
import dev.graft.tensor.conv.ConvGeometry;
import java.util.ArrayList;
import java.util.List;

/**
 * 2-D convolution of NHWC images {@code x (N, H, W, C)} with an HWIO kernel {@code (kh, kw, C, F)}
 * and an optional bias {@code (F)}, Keras semantics (strides, dilation, valid/same padding).
 */
public final class Conv2D extends Op {
  private final ConvGeometry geometry;
  private final int filters;

  private Conv2D(ConvGeometry geometry, int filters) {
    this.geometry = geometry;
    this.filters = filters;
  }

  /**
   * {@code conv(x, kernel) + bias} ({@code bias} may be null).
   *
   * @param x the input {@code (N, H, W, Cin)}
   * @param kernel the filters {@code (kh, kw, Cin, Cout)}
   * @param bias the per-filter bias {@code (Cout)}, or {@code null}
   * @param strides the row and column strides, both at least 1
   * @param dilation the row and column dilation rates, both at least 1
   * @param padding {@code VALID} or {@code SAME} as in Keras
   * @return the output {@code (N, H', W', Cout)}
   * @throws IllegalArgumentException if the shapes do not fit (named with both shapes)
   */
  public static Node of(
      Node x, Node kernel, Node bias, int[] strides, int[] dilation, ConvGeometry.Padding padding) {
    Shape xs = x.shape();
    Shape ks = kernel.shape();
    if (xs.rank() != 4 || ks.rank() != 4 || xs.dim(3) != ks.dim(2)) {
      throw new IllegalArgumentException(
          "conv2d: input "
              + xs
              + " (N, H, W, C) and kernel "
              + ks
              + " (kh, kw, C, filters) do not fit");
    }
    ConvGeometry g =
        ConvGeometry.forInput(
            xs, ks.dim(0), ks.dim(1), strides[0], strides[1], dilation[0], dilation[1], padding);
    Conv2D op = new Conv2D(g, ks.dim(3));
    return bias == null ? x.graph().apply(op, x, kernel) : x.graph().apply(op, x, kernel, bias);
  }

  ConvGeometry geometry() {
    return geometry;
  }

  @Override
  public String kind() {
    return "conv2d";
  }

  @Override
  public String attributes() {
    return geometry.toString();
  }

  @Override
  public Shape outputShape(List<Shape> in) {
    Shape x = in.get(0);
    if (x.rank() != 4
        || x.dim(1) != geometry.inH()
        || x.dim(2) != geometry.inW()
        || x.dim(3) != geometry.channels()) {
      throw shapeError("input " + x + " does not match the geometry " + geometry);
    }
    if (in.size() == 3 && !in.get(2).equals(Shape.of(filters))) {
      throw shapeError("bias " + in.get(2) + " does not match " + filters + " filters");
    }
    return Shape.of(x.dim(0), geometry.outH(), geometry.outW(), filters);
  }

  /**
   * When the plan runs the kernel gradient, the im2col matrix the forward pass builds (if this
   * convolution builds one: see {@link Conv2d#columnsShape}) is kept for it.
   */
  @Override
  public Shape workspaceShape(List<Shape> in, Shape out, boolean backwardReads) {
    return backwardReads
        ? Conv2d.columnsShape(geometry, out.dim(0), out.dim(3), in.size() == 3)
        : null;
  }

  @Override
  public void forward(Args a) {
    Conv2d.forward(
        a.input(0),
        a.input(1),
        a.inputCount() == 3 ? a.input(2) : null,
        geometry,
        a.output(),
        a.workspace());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Node x = self.input(0);
    Node k = self.input(1);
    List<Node> grads = new ArrayList<>();
    grads.add(self.graph().apply(new InputGrad(geometry, x.shape()), g, k));
    if (self.inputs().size() == 3) {
      // Kernel and bias gradients in one pass over g, as rows of one packed (K + 1, F) matrix.
      int kernelSize = k.shape().size();
      Node packed =
          self.graph()
              .apply(
                  new KernelGrad(geometry, Shape.of(kernelSize / filters + 1, filters)),
                  self,
                  x,
                  g);
      grads.add(Part.of(packed, 0, k.shape()));
      grads.add(Part.of(packed, kernelSize, Shape.of(filters)));
    } else {
      grads.add(self.graph().apply(new KernelGrad(geometry, k.shape()), self, x, g));
    }
    return grads;
  }

  /** {@code dx} from {@code (dy, kernel)}. */
  static final class InputGrad extends BackwardOp {
    private final ConvGeometry geometry;
    private final Shape xShape;

    InputGrad(ConvGeometry geometry, Shape xShape) {
      this.geometry = geometry;
      this.xShape = xShape;
    }

    @Override
    public String kind() {
      return "conv2d_input_grad";
    }

    @Override
    public Shape outputShape(List<Shape> in) {
      return xShape.withBatch(in.get(0).dim(0));
    }

    @Override
    public void forward(Args a) {
      Conv2d.backwardInput(a.input(0), a.input(1), geometry, a.output());
    }
  }

  /**
   * {@code dKernel} from {@code (forward node, x, dy)}, or, when its shape is the packed {@code (K
   * + 1, F)}, the kernel gradient's K rows followed by the bias gradient. The forward node's
   * workspace, when it has one, holds the im2col matrix of x.
   */
  static final class KernelGrad extends BackwardOp {
    private final ConvGeometry geometry;
    private final Shape kShape;

    KernelGrad(ConvGeometry geometry, Shape kShape) {
      this.geometry = geometry;
      this.kShape = kShape;
    }

    @Override
    public String kind() {
      return "conv2d_kernel_grad";
    }

    @Override
    public Shape outputShape(List<Shape> in) {
      return kShape;
    }

    @Override
    public void forward(Args a) {
      Tensor columns = a.inputWorkspace(0);
      if (kShape.rank() == 2) {
        Conv2d.backwardKernelAndBias(a.input(1), a.input(2), geometry, a.output(), columns);
      } else {
        Conv2d.backwardKernel(a.input(1), a.input(2), geometry, a.output(), columns);
      }
    }
  }
}
