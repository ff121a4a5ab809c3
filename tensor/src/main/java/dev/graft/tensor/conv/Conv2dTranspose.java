package dev.graft.tensor.conv;

import dev.graft.tensor.Tensor;

/**
 * Transposed 2-D convolution with Keras semantics ({@code Conv2DTranspose}): channels-last input
 * {@code x (N, H, W, Cin)}, kernel {@code (kh, kw, F, Cin)}, output {@code (N, OH, OW, F)}:
 *
 * <pre>
 * out[n, ih*sh - padTop + i*dh, iw*sw - padLeft + j*dw, f] += x[n, ih, iw, c] * kernel[i, j, f, c]
 * </pre>
 *
 * plus the bias. It is the adjoint (input gradient) of the {@link Conv2d} with the same kernel that
 * maps {@code (OH, OW, F)} back to {@code (H, W, Cin)}; {@link #geometry} gives that convolution's
 * geometry, whose padding is the one above (as TensorFlow's {@code conv2d_transpose} pads). So the
 * forward pass is {@link Conv2d#backwardInput}, the input gradient {@link Conv2d#forward} and the
 * kernel gradient {@link Conv2d#backwardKernel} with the roles of input and output gradient
 * swapped: every path (BLAS im2col products, direct loops) is Conv2d's.
 */
public final class Conv2dTranspose {
  private Conv2dTranspose() {}

  /**
   * Keras's output length along one axis ({@code deconv_output_length}), with effective window
   * {@code e = (k - 1) * d + 1}: without output padding, {@code in * s} for {@code same} and {@code
   * in * s + max(e - s, 0)} for {@code valid}; with output padding {@code p}, {@code (in - 1) * s +
   * e - 2 * pad + p} where pad is {@code e / 2} for {@code same} and 0 for {@code valid}.
   *
   * @param in the input length along the axis, {@code >= 1}
   * @param k the kernel length along the axis
   * @param stride the stride along the axis
   * @param dilation the dilation along the axis
   * @param padding the Keras padding mode
   * @param outputPadding the output padding, or a negative value for none (Keras's {@code None})
   * @return the output length along the axis
   */
  public static int outputLength(
      int in, int k, int stride, int dilation, ConvGeometry.Padding padding, int outputPadding) {
    int e = (k - 1) * dilation + 1;
    if (outputPadding < 0) {
      return padding == ConvGeometry.Padding.SAME
          ? in * stride
          : in * stride + Math.max(e - stride, 0);
    }
    int pad = padding == ConvGeometry.Padding.SAME ? e / 2 : 0;
    return (in - 1) * stride + e - 2 * pad + outputPadding;
  }

  /**
   * The geometry of the convolution this transposed convolution is the adjoint of: over {@code (OH,
   * OW, filters)} images, where OH and OW are {@link #outputLength}s, back to {@code (inH, inW)}.
   *
   * @param inH the input height H
   * @param inW the input width W
   * @param filters the number of output channels F
   * @param kh the kernel height
   * @param kw the kernel width
   * @param sh the vertical stride
   * @param sw the horizontal stride
   * @param dh the vertical dilation
   * @param dw the horizontal dilation
   * @param padding the Keras padding mode
   * @param outputPadding per axis, or {@code null} for none
   * @return the adjoint convolution's geometry, over the {@code (OH, OW, F)} output
   * @throws IllegalArgumentException if the sizes or the output padding (which must be smaller than
   *     the stride) do not give back {@code (inH, inW)}
   */
  public static ConvGeometry geometry(
      int inH,
      int inW,
      int filters,
      int kh,
      int kw,
      int sh,
      int sw,
      int dh,
      int dw,
      ConvGeometry.Padding padding,
      int[] outputPadding) {
    if (outputPadding != null
        && (outputPadding[0] < 0
            || outputPadding[1] < 0
            || outputPadding[0] >= sh
            || outputPadding[1] >= sw)) {
      throw new IllegalArgumentException(
          "conv2d_transpose: output padding ("
              + outputPadding[0]
              + ", "
              + outputPadding[1]
              + ") must be non-negative and smaller than the strides ("
              + sh
              + ", "
              + sw
              + ")");
    }
    int oh = outputLength(inH, kh, sh, dh, padding, outputPadding == null ? -1 : outputPadding[0]);
    int ow = outputLength(inW, kw, sw, dw, padding, outputPadding == null ? -1 : outputPadding[1]);
    if (oh < 1 || ow < 1) {
      throw new IllegalArgumentException(
          "conv2d_transpose: output size (" + oh + ", " + ow + ") is empty");
    }
    ConvGeometry g = ConvGeometry.of(oh, ow, filters, kh, kw, sh, sw, dh, dw, padding);
    if (g.outH() != inH || g.outW() != inW) {
      throw new IllegalArgumentException(
          "conv2d_transpose: the output size ("
              + oh
              + ", "
              + ow
              + ") does not map back to the input size ("
              + inH
              + ", "
              + inW
              + ") under "
              + g);
    }
    return g;
  }

  /**
   * {@code out = conv_transpose(x, kernel) + bias} ({@code bias (F)} may be null), {@code g} from
   * {@link #geometry}. Overwrites and returns {@code out}.
   *
   * @param x the input {@code (N, H, W, Cin)}
   * @param kernel the kernel {@code (kh, kw, F, Cin)}
   * @param bias the bias {@code (F)}, or null for none
   * @param g the geometry from {@link #geometry}
   * @param out the output {@code (N, OH, OW, F)}, overwritten
   * @return {@code out}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor forward(Tensor x, Tensor kernel, Tensor bias, ConvGeometry g, Tensor out) {
    if (bias != null && (bias.rank() != 1 || bias.size() != g.channels())) {
      throw new IllegalArgumentException(
          "conv2d_transpose: bias shape "
              + bias.shape()
              + " does not match "
              + g.channels()
              + " filters of kernel shape "
              + kernel.shape());
    }
    Conv2d.backwardInput(x, kernel, g, out);
    if (bias != null) {
      float[] o = out.array();
      float[] b = bias.array();
      int f = g.channels();
      int bo = bias.offset();
      for (int p = out.offset(), end = out.offset() + out.size(); p < end; p += f) {
        for (int c = 0; c < f; c++) {
          o[p + c] += b[bo + c];
        }
      }
    }
    return out;
  }

  /**
   * {@link #forward(Tensor, Tensor, Tensor, ConvGeometry, Tensor)} into a new tensor.
   *
   * @param x the input {@code (N, H, W, Cin)}
   * @param kernel the kernel {@code (kh, kw, F, Cin)}
   * @param bias the bias {@code (F)}, or null for none
   * @param g the geometry from {@link #geometry}
   * @return a new tensor {@code (N, OH, OW, F)}
   */
  public static Tensor forward(Tensor x, Tensor kernel, Tensor bias, ConvGeometry g) {
    return forward(x, kernel, bias, g, Tensor.zeros(g.inputShape(Conv2d.batch(x))));
  }

  /**
   * The gradient with respect to the input: the convolution of {@code dy} with the kernel.
   * Overwrites and returns {@code dx}.
   *
   * @param dy the output gradient {@code (N, OH, OW, F)}
   * @param kernel the kernel {@code (kh, kw, F, Cin)}
   * @param g the geometry from {@link #geometry}
   * @param dx receives the input gradient {@code (N, H, W, Cin)}, overwritten
   * @return {@code dx}
   */
  public static Tensor backwardInput(Tensor dy, Tensor kernel, ConvGeometry g, Tensor dx) {
    return Conv2d.forward(dy, kernel, null, g, dx);
  }

  /**
   * {@link #backwardInput(Tensor, Tensor, ConvGeometry, Tensor)} into a new tensor.
   *
   * @param dy the output gradient {@code (N, OH, OW, F)}
   * @param kernel the kernel {@code (kh, kw, F, Cin)}
   * @param g the geometry from {@link #geometry}
   * @return a new tensor {@code (N, H, W, Cin)}
   */
  public static Tensor backwardInput(Tensor dy, Tensor kernel, ConvGeometry g) {
    return Conv2d.forward(dy, kernel, null, g);
  }

  /**
   * The gradient with respect to the kernel: {@code dKernel[i, j, f, c] = sum x[n, ih, iw, c] *
   * dy[n, ih*sh - padTop + i*dh, iw*sw - padLeft + j*dw, f]}. Overwrites and returns {@code
   * dKernel}.
   *
   * @param x the input {@code (N, H, W, Cin)}
   * @param dy the output gradient {@code (N, OH, OW, F)}
   * @param g the geometry from {@link #geometry}
   * @param dKernel receives the kernel gradient {@code (kh, kw, F, Cin)}, overwritten
   * @return {@code dKernel}
   */
  public static Tensor backwardKernel(Tensor x, Tensor dy, ConvGeometry g, Tensor dKernel) {
    return Conv2d.backwardKernel(dy, x, g, dKernel);
  }

  /**
   * {@link #backwardKernel(Tensor, Tensor, ConvGeometry, Tensor)} into a new tensor.
   *
   * @param x the input {@code (N, H, W, Cin)}
   * @param dy the output gradient {@code (N, OH, OW, F)}
   * @param g the geometry from {@link #geometry}
   * @return a new tensor {@code (kh, kw, F, Cin)}
   */
  public static Tensor backwardKernel(Tensor x, Tensor dy, ConvGeometry g) {
    return Conv2d.backwardKernel(dy, x, g);
  }
}
