package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.conv.ConvGeometry;
import dev.graft.tensor.conv.DepthwiseConv2d;
import java.util.ArrayList;
import java.util.List;

/**
 * Depthwise 2-D convolution of NHWC images {@code x (N, H, W, C)} with a kernel {@code (kh, kw, C,
 * M)} and an optional bias {@code (C*M)}: output channel {@code c*M + m} convolves input channel
 * {@code c} with {@code kernel[:, :, c, m]} (Keras's {@code DepthwiseConv2D}; strides, dilation,
 * valid/same padding).
 */
public final class DepthwiseConv2D extends Op {
  private final ConvGeometry geometry;
  private final int multiplier;

  private DepthwiseConv2D(ConvGeometry geometry, int multiplier) {
    this.geometry = geometry;
    this.multiplier = multiplier;
  }

  /**
   * {@code depthwise(x, kernel) + bias} ({@code bias} may be null).
   *
   * @param x the input {@code (N, H, W, Cin)}
   * @param kernel the filters {@code (kh, kw, Cin, multiplier)}
   * @param bias the bias {@code (Cin * multiplier)}, or {@code null}
   * @param strides the row and column strides, both at least 1
   * @param dilation the row and column dilation rates, both at least 1
   * @param padding {@code VALID} or {@code SAME} as in Keras
   * @return the output {@code (N, H', W', Cin * multiplier)}
   * @throws IllegalArgumentException if the shapes do not fit (named with both shapes)
   */
  public static Node of(
      Node x, Node kernel, Node bias, int[] strides, int[] dilation, ConvGeometry.Padding padding) {
    Shape xs = x.shape();
    Shape ks = kernel.shape();
    if (xs.rank() != 4 || ks.rank() != 4 || xs.dim(3) != ks.dim(2)) {
      throw new IllegalArgumentException(
          "depthwise_conv2d: input "
              + xs
              + " (N, H, W, C) and kernel "
              + ks
              + " (kh, kw, C, depth_multiplier) do not fit");
    }
    ConvGeometry g =
        ConvGeometry.forInput(
            xs, ks.dim(0), ks.dim(1), strides[0], strides[1], dilation[0], dilation[1], padding);
    DepthwiseConv2D op = new DepthwiseConv2D(g, ks.dim(3));
    return bias == null ? x.graph().apply(op, x, kernel) : x.graph().apply(op, x, kernel, bias);
  }

  @Override
  public String kind() {
    return "depthwise_conv2d";
  }

  @Override
  public String attributes() {
    return geometry + ", depth_multiplier=" + multiplier;
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
    int q = geometry.channels() * multiplier;
    if (in.size() == 3 && !in.get(2).equals(Shape.of(q))) {
      throw shapeError("bias " + in.get(2) + " is not (C*M) = (" + q + ")");
    }
    return Shape.of(x.dim(0), geometry.outH(), geometry.outW(), q);
  }

  @Override
  public void forward(Args a) {
    DepthwiseConv2d.forward(
        a.input(0), a.input(1), a.inputCount() == 3 ? a.input(2) : null, geometry, a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Node x = self.input(0);
    Node k = self.input(1);
    List<Node> grads = new ArrayList<>();
    grads.add(self.graph().apply(new InputGrad(geometry, x.shape()), g, k));
    if (self.inputs().size() == 3) {
      // Kernel and bias gradients in one pass over g, packed in one flat tensor.
      int kernelSize = k.shape().size();
      int q = geometry.channels() * multiplier;
      Node packed =
          self.graph().apply(new KernelGrad(geometry, Shape.of(kernelSize + q), true), x, g);
      grads.add(Part.of(packed, 0, k.shape()));
      grads.add(Part.of(packed, kernelSize, Shape.of(q)));
    } else {
      grads.add(self.graph().apply(new KernelGrad(geometry, k.shape(), false), x, g));
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
      return "depthwise_conv2d_input_grad";
    }

    @Override
    public Shape outputShape(List<Shape> in) {
      return xShape.withBatch(in.get(0).dim(0));
    }

    @Override
    public void forward(Args a) {
      DepthwiseConv2d.backwardInput(a.input(0), a.input(1), geometry, a.output());
    }
  }

  /** {@code dKernel}, or {@code dKernel} then {@code dBias} packed flat, from {@code (x, dy)}. */
  static final class KernelGrad extends BackwardOp {
    private final ConvGeometry geometry;
    private final Shape shape;
    private final boolean withBias;

    KernelGrad(ConvGeometry geometry, Shape shape, boolean withBias) {
      this.geometry = geometry;
      this.shape = shape;
      this.withBias = withBias;
    }

    @Override
    public String kind() {
      return "depthwise_conv2d_kernel_grad";
    }

    @Override
    public Shape outputShape(List<Shape> in) {
      return shape;
    }

    @Override
    public void forward(Args a) {
      if (withBias) {
        DepthwiseConv2d.backwardKernelAndBias(a.input(0), a.input(1), geometry, a.output());
      } else {
        DepthwiseConv2d.backwardKernel(a.input(0), a.input(1), geometry, a.output());
      }
    }
  }
}
