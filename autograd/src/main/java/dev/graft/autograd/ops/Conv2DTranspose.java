package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.conv.Conv2dTranspose;
import dev.graft.tensor.conv.ConvGeometry;
import java.util.List;

/**
 * Transposed 2-D convolution of NHWC images {@code x (N, H, W, Cin)} with a kernel {@code (kh, kw,
 * F, Cin)} and an optional bias {@code (F)} (Keras's {@code Conv2DTranspose}: strides, dilation,
 * valid/same padding, output padding). Its gradient is the adjoint's: a {@link Conv2D} of the
 * output gradient for {@code dx}, that convolution's kernel gradient for {@code dKernel}.
 */
public final class Conv2DTranspose extends Op {
  private final ConvGeometry geometry;
  private final int[] strides;
  private final int[] dilation;

  private Conv2DTranspose(ConvGeometry geometry, int[] strides, int[] dilation) {
    this.geometry = geometry;
    this.strides = strides.clone();
    this.dilation = dilation.clone();
  }

  /**
   * {@code conv_transpose(x, kernel) + bias} ({@code bias} may be null, {@code outputPadding} null
   * for Keras's default).
   *
   * @param x the input {@code (N, H, W, Cin)}
   * @param kernel the filters {@code (kh, kw, Cout, Cin)}, as Keras stores them
   * @param bias the per-filter bias {@code (Cout)}, or {@code null}
   * @param strides the row and column strides, both at least 1
   * @param dilation the row and column dilation rates, both at least 1
   * @param padding {@code VALID} or {@code SAME} as in Keras
   * @param outputPadding the extra rows and columns at the end, each below its stride, or {@code
   *     null}
   * @return the output {@code (N, H', W', Cout)}
   * @throws IllegalArgumentException if the shapes or sizes do not fit (named with the shapes)
   */
  public static Node of(
      Node x,
      Node kernel,
      Node bias,
      int[] strides,
      int[] dilation,
      ConvGeometry.Padding padding,
      int[] outputPadding) {
    Shape xs = x.shape();
    Shape ks = kernel.shape();
    if (xs.rank() != 4 || ks.rank() != 4 || xs.dim(3) != ks.dim(3)) {
      throw new IllegalArgumentException(
          "conv2d_transpose: input "
              + xs
              + " (N, H, W, C) and kernel "
              + ks
              + " (kh, kw, filters, C) do not fit");
    }
    ConvGeometry g =
        Conv2dTranspose.geometry(
            xs.dim(1),
            xs.dim(2),
            ks.dim(2),
            ks.dim(0),
            ks.dim(1),
            strides[0],
            strides[1],
            dilation[0],
            dilation[1],
            padding,
            outputPadding);
    Conv2DTranspose op = new Conv2DTranspose(g, strides, dilation);
    return bias == null ? x.graph().apply(op, x, kernel) : x.graph().apply(op, x, kernel, bias);
  }

  @Override
  public String kind() {
    return "conv2d_transpose";
  }

  @Override
  public String attributes() {
    return "adjoint of " + geometry;
  }

  @Override
  public Shape outputShape(List<Shape> in) {
    Shape x = in.get(0);
    if (x.rank() != 4 || x.dim(1) != geometry.outH() || x.dim(2) != geometry.outW()) {
      throw shapeError("input " + x + " does not match the adjoint geometry " + geometry);
    }
    if (in.size() == 3 && !in.get(2).equals(Shape.of(geometry.channels()))) {
      throw shapeError("bias " + in.get(2) + " does not match " + geometry.channels() + " filters");
    }
    return geometry.inputShape(x.dim(0));
  }

  @Override
  public void forward(Args a) {
    Conv2dTranspose.forward(
        a.input(0), a.input(1), a.inputCount() == 3 ? a.input(2) : null, geometry, a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Node x = self.input(0);
    Node k = self.input(1);
    Node dx = Conv2D.of(g, k, null, strides, dilation, geometry.padding());
    Node dk = self.graph().apply(new KernelGrad(geometry, k.shape()), x, g);
    return self.inputs().size() == 3
        ? List.of(dx, dk, SumTo.of(g, self.input(2).shape()))
        : List.of(dx, dk);
  }

  /** {@code dKernel} from {@code (x, dy)}. */
  static final class KernelGrad extends BackwardOp {
    private final ConvGeometry geometry;
    private final Shape kShape;

    KernelGrad(ConvGeometry geometry, Shape kShape) {
      this.geometry = geometry;
      this.kShape = kShape;
    }

    @Override
    public String kind() {
      return "conv2d_transpose_kernel_grad";
    }

    @Override
    public Shape outputShape(List<Shape> in) {
      return kShape;
    }

    @Override
    public void forward(Args a) {
      Conv2dTranspose.backwardKernel(a.input(0), a.input(1), geometry, a.output());
    }
  }
}
