package dev.graft.tensor.conv;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;

/**
 * 2-D convolution with Keras semantics (really cross-correlation, as in Keras/TensorFlow):
 * channels-last input {@code x (N, H, W, Cin)}, kernel {@code (kh, kw, Cin, Cout)} ("HWIO"), output
 * {@code (N, OH, OW, Cout)}:
 *
 * <pre>
 * out[n, oh, ow, co] = bias[co] + sum_{i, j, ci} x[n, oh*sh - padTop + i*dh, ow*sw - padLeft + j*dw, ci]
 *                                                * kernel[i, j, ci, co]
 * </pre>
 *
 * with out-of-range (padding) input positions reading as zero. Strides, dilation and padding come
 * from a {@link ConvGeometry}.
 *
 * <p>Convolutions over at most four input channels (a first layer over RGB images) whose output
 * channels fill whole vector blocks run the Vector API kernels of {@link
 * dev.graft.tensor.vector.VectorConv} for the forward pass and the kernel gradient, when the JVM
 * has the {@code jdk.incubator.vector} module (see {@link ConvVector}); they keep no im2col matrix.
 *
 * <p>Otherwise, two implementations, chosen per call by the BLAS back-end in use. With a native
 * BLAS, {@link ConvGemm} multiplies chunks of a pixel-major im2col matrix (measured on the seed's
 * 3→32 layer at one thread, forward and backward: 17.3 ms against 27.3 ms for the loops below).
 * With the pure-Java back-end the loops below win, as the Java GEMM runs these thin products (K =
 * 27) at half their speed. The forward pass and the input gradient treat a block of ~256 output
 * pixels as a product of (channel x pixel) rows whose inner loop runs along the pixels; the kernel
 * gradient needs no im2col (see {@code kernelGradRows}). All inner loops are written so that the
 * JDK 17 JIT vectorises them (see {@link ConvRows#rowMac}). Work is split over output rows (or
 * images) with {@link Parallel#forRange}. Scratch memory is thread-local and reused, so
 * steady-state calls allocate only their parallel-loop body.
 */
public final class Conv2d {
  private Conv2d() {}

  /**
   * {@code out = conv(x, kernel) + bias} as described in the class comment; {@code bias} may be
   * null (no bias). Returns {@code out}.
   *
   * @param x the input images {@code (N, H, W, Cin)}
   * @param kernel the kernel {@code (kh, kw, Cin, Cout)}
   * @param bias the bias {@code (Cout)}, or null for none
   * @param g the geometry over {@code x}'s images
   * @param out the output {@code (N, OH, OW, Cout)}, overwritten
   * @return {@code out}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor forward(Tensor x, Tensor kernel, Tensor bias, ConvGeometry g, Tensor out) {
    return forward(x, kernel, bias, g, out, null);
  }

  /**
   * The shape of the im2col matrix a forward pass can keep for the kernel gradient of the same
   * input, for a convolution to {@code filters} output channels: {@code (batch*OH*OW, kh*kw*Cin +
   * 1)} with a bias, {@code (batch*OH*OW, kh*kw*Cin)} without; or {@code null} when the convolution
   * builds no such matrix (the Vector API kernels, which read the input in place, or the direct
   * loops of the pure-Java BLAS back-end).
   *
   * @param g the geometry over the input images
   * @param batch the batch size N
   * @param filters the number of output channels Cout
   * @param withBias true if the convolution has a bias (one more column of ones)
   * @return the im2col matrix's shape, or {@code null} when no matrix is built
   */
  public static Shape columnsShape(ConvGeometry g, int batch, int filters, boolean withBias) {
    if (ConvVector.suits(g, filters) || !ConvGemm.suits(Blas.current().singleThreaded())) {
      return null;
    }
    int k = g.kh() * g.kw() * g.channels();
    return Shape.of(batch * g.outH() * g.outW(), withBias ? k + 1 : k);
  }

  /**
   * As {@link #forward(Tensor, Tensor, Tensor, ConvGeometry, Tensor)}, keeping the im2col matrix in
   * {@code columns} (shaped as {@link #columnsShape} says; {@code null} keeps nothing) for {@link
   * #backwardKernel(Tensor, Tensor, ConvGeometry, Tensor, Tensor)} or {@link
   * #backwardKernelAndBias(Tensor, Tensor, ConvGeometry, Tensor, Tensor)} of the same {@code x}:
   * they then skip building it again.
   *
   * @param x the input images {@code (N, H, W, Cin)}
   * @param kernel the kernel {@code (kh, kw, Cin, Cout)}
   * @param bias the bias {@code (Cout)}, or null for none
   * @param g the geometry over {@code x}'s images
   * @param out the output {@code (N, OH, OW, Cout)}, overwritten
   * @param columns receives the im2col matrix (shaped by {@link #columnsShape}), or null to keep
   *     none
   * @return {@code out}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor forward(
      Tensor x, Tensor kernel, Tensor bias, ConvGeometry g, Tensor out, Tensor columns) {
    int cout = checkKernel("conv2d", kernel, g);
    int n = checkImage("conv2d", "input", x, batch(x), g.inH(), g.inW(), g.channels(), kernel);
    if (bias != null && (bias.rank() != 1 || bias.size() != cout)) {
      throw new IllegalArgumentException(
          "conv2d: bias shape " + bias.shape() + " does not match kernel shape " + kernel.shape());
    }
    checkImage("conv2d", "output", out, n, g.outH(), g.outW(), cout, x);
    checkColumns("conv2d", columns, g, n, cout, bias != null);
    Blas blas = Blas.current().singleThreaded();
    if (ConvVector.suitsNow(g, cout, blas)) {
      ConvVector.forward(x, kernel, bias, g, out, cout);
      return out;
    }
    if (ConvGemm.suits(blas)) {
      ConvGemm.forward(x, kernel, bias, g, out, cout, blas, columns);
      return out;
    }
    int rows = n * g.outH();
    int block = rowBlock(g);
    Parallel.forRange(
        (rows + block - 1) / block,
        1,
        (from, to) ->
            forwardRows(
                x, kernel, bias, g, out, cout, from * block, Math.min(rows, to * block), block));
    return out;
  }

  /**
   * {@link #forward(Tensor, Tensor, Tensor, ConvGeometry, Tensor)} into a new tensor.
   *
   * @param x the input images {@code (N, H, W, Cin)}
   * @param kernel the kernel {@code (kh, kw, Cin, Cout)}
   * @param bias the bias {@code (Cout)}, or null for none
   * @param g the geometry over {@code x}'s images
   * @return a new tensor {@code (N, OH, OW, Cout)}
   */
  public static Tensor forward(Tensor x, Tensor kernel, Tensor bias, ConvGeometry g) {
    int cout = checkKernel("conv2d", kernel, g);
    return forward(x, kernel, bias, g, Tensor.zeros(g.outputShape(batch(x), cout)));
  }

  /**
   * The gradient with respect to the input: {@code dx[n, h, w, ci] = sum over every (oh, ow, i, j)
   * whose window tap lands on (h, w) of dy[n, oh, ow, co] * kernel[i, j, ci, co]}. Overwrites and
   * returns {@code dx}.
   *
   * @param dy the output gradient {@code (N, OH, OW, Cout)}
   * @param kernel the kernel {@code (kh, kw, Cin, Cout)}
   * @param g the geometry over the input images
   * @param dx receives the input gradient {@code (N, H, W, Cin)}, overwritten
   * @return {@code dx}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor backwardInput(Tensor dy, Tensor kernel, ConvGeometry g, Tensor dx) {
    int cout = checkKernel("conv2d_backward_input", kernel, g);
    int n =
        checkImage(
            "conv2d_backward_input",
            "input gradient",
            dx,
            batch(dx),
            g.inH(),
            g.inW(),
            g.channels(),
            kernel);
    checkImage("conv2d_backward_input", "output gradient", dy, n, g.outH(), g.outW(), cout, kernel);
    Blas blas = Blas.current().singleThreaded();
    if (ConvGemm.suits(blas)) {
      ConvGemm.backwardInput(dy, kernel, g, dx, cout, blas);
      return dx;
    }
    // Images are independent, and windows of one image overlap: split over images.
    Parallel.forRange(n, 1, (from, to) -> backwardInputImages(dy, kernel, g, dx, cout, from, to));
    return dx;
  }

  /**
   * {@link #backwardInput(Tensor, Tensor, ConvGeometry, Tensor)} into a new tensor.
   *
   * @param dy the output gradient {@code (N, OH, OW, Cout)}
   * @param kernel the kernel {@code (kh, kw, Cin, Cout)}
   * @param g the geometry over the input images
   * @return a new tensor {@code (N, H, W, Cin)}
   */
  public static Tensor backwardInput(Tensor dy, Tensor kernel, ConvGeometry g) {
    return backwardInput(dy, kernel, g, Tensor.zeros(g.inputShape(batch(dy))));
  }

  /**
   * The gradient with respect to the kernel: {@code dKernel[i, j, ci, co] = sum_{n, oh, ow} x[n,
   * oh*sh - padTop + i*dh, ow*sw - padLeft + j*dw, ci] * dy[n, oh, ow, co]}. Overwrites and returns
   * {@code dKernel}.
   *
   * @param x the input images {@code (N, H, W, Cin)}
   * @param dy the output gradient {@code (N, OH, OW, Cout)}
   * @param g the geometry over {@code x}'s images
   * @param dKernel receives the kernel gradient {@code (kh, kw, Cin, Cout)}, overwritten
   * @return {@code dKernel}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor backwardKernel(Tensor x, Tensor dy, ConvGeometry g, Tensor dKernel) {
    return backwardKernel(x, dy, g, dKernel, null);
  }

  /**
   * As {@link #backwardKernel(Tensor, Tensor, ConvGeometry, Tensor)}, reading the im2col matrix of
   * {@code x} from {@code columns} when not {@code null}: what a bias-free {@link #forward(Tensor,
   * Tensor, Tensor, ConvGeometry, Tensor, Tensor)} of this {@code x} kept there.
   *
   * @param x the input images {@code (N, H, W, Cin)}
   * @param dy the output gradient {@code (N, OH, OW, Cout)}
   * @param g the geometry over {@code x}'s images
   * @param dKernel receives the kernel gradient {@code (kh, kw, Cin, Cout)}, overwritten
   * @param columns the im2col matrix a bias-free forward pass of this {@code x} kept, or null to
   *     build it here
   * @return {@code dKernel}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor backwardKernel(
      Tensor x, Tensor dy, ConvGeometry g, Tensor dKernel, Tensor columns) {
    int cout = checkKernel("conv2d_backward_kernel", dKernel, g);
    int n =
        checkImage(
            "conv2d_backward_kernel",
            "input",
            x,
            batch(x),
            g.inH(),
            g.inW(),
            g.channels(),
            dKernel);
    checkImage("conv2d_backward_kernel", "output gradient", dy, n, g.outH(), g.outW(), cout, x);
    checkColumns("conv2d_backward_kernel", columns, g, n, cout, false);
    kernelGradient(x, dy, g, dKernel.array(), dKernel.offset(), false, columns);
    return dKernel;
  }

  /**
   * The kernel and bias gradients in one pass over {@code dy}: {@code packed} is {@code (kh*kw*Cin
   * + 1, Cout)}, its first kh*kw*Cin rows the kernel gradient of {@link #backwardKernel} in (kh,
   * kw, Cin) order, its last row the bias gradient of {@link #backwardBias}. Overwrites and returns
   * {@code packed}.
   *
   * @param x the input images {@code (N, H, W, Cin)}
   * @param dy the output gradient {@code (N, OH, OW, Cout)}
   * @param g the geometry over {@code x}'s images
   * @param packed receives the kernel gradient's rows then the bias gradient {@code (kh*kw*Cin + 1,
   *     Cout)}, overwritten
   * @return {@code packed}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor backwardKernelAndBias(Tensor x, Tensor dy, ConvGeometry g, Tensor packed) {
    return backwardKernelAndBias(x, dy, g, packed, null);
  }

  /**
   * As {@link #backwardKernelAndBias(Tensor, Tensor, ConvGeometry, Tensor)}, reading the im2col
   * matrix of {@code x} from {@code columns} when not {@code null}: what {@link #forward(Tensor,
   * Tensor, Tensor, ConvGeometry, Tensor, Tensor)} with a bias kept there for this {@code x}.
   *
   * @param x the input images {@code (N, H, W, Cin)}
   * @param dy the output gradient {@code (N, OH, OW, Cout)}
   * @param g the geometry over {@code x}'s images
   * @param packed receives the kernel gradient's rows then the bias gradient {@code (kh*kw*Cin + 1,
   *     Cout)}, overwritten
   * @param columns the im2col matrix a forward pass with a bias kept for this {@code x}, or null to
   *     build it here
   * @return {@code packed}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor backwardKernelAndBias(
      Tensor x, Tensor dy, ConvGeometry g, Tensor packed, Tensor columns) {
    int k = g.kh() * g.kw() * g.channels();
    int cout = dy.rank() == 4 ? dy.shape().dim(3) : -1;
    if (packed.rank() != 2 || packed.shape().dim(0) != k + 1 || packed.shape().dim(1) != cout) {
      throw new IllegalArgumentException(
          "conv2d_backward_kernel_and_bias: packed gradient shape "
              + packed.shape()
              + " is not (kh*kw*Cin + 1, Cout) = ("
              + (k + 1)
              + ", Cout) for output gradient shape "
              + dy.shape());
    }
    int n =
        checkImage(
            "conv2d_backward_kernel_and_bias",
            "input",
            x,
            batch(x),
            g.inH(),
            g.inW(),
            g.channels(),
            packed);
    checkImage(
        "conv2d_backward_kernel_and_bias", "output gradient", dy, n, g.outH(), g.outW(), cout, x);
    checkColumns("conv2d_backward_kernel_and_bias", columns, g, n, cout, true);
    kernelGradient(x, dy, g, packed.array(), packed.offset(), true, columns);
    return packed;
  }

  /** The kernel gradient into d[off...], then the bias gradient when withBias; shapes checked. */
  private static void kernelGradient(
      Tensor x, Tensor dy, ConvGeometry g, float[] d, int off, boolean withBias, Tensor columns) {
    int cout = dy.shape().dim(3);
    Blas blas = Blas.current().singleThreaded();
    if (ConvVector.suitsNow(g, cout, blas)) {
      ConvVector.kernelGradient(x, dy, g, d, off, withBias);
      return;
    }
    if (ConvGemm.suits(blas)) {
      ConvGemm.backwardKernel(x, dy, g, d, off, withBias, blas, columns);
      return;
    }
    if (withBias) {
      biasGradient(dy, d, off + g.kh() * g.kw() * g.channels() * cout, cout);
    }
    int rows = dy.shape().dim(0) * g.outH();
    int parts = Math.max(1, Math.min(Parallel.threads(), rows));
    // One private accumulator per part, summed at the end: no two threads write the same floats.
    // Accumulator row (i, ci) holds dKernel[i, :, ci, :] as kw*Cout floats (see kernelGradRows).
    int kr = g.kh() * g.channels();
    int len = g.kw() * cout;
    float[][] partials = ConvRows.Scratch.get().callerRows(parts * kr, len);
    Parallel.forRange(
        parts,
        1,
        (from, to) -> {
          for (int p = from; p < to; p++) {
            for (int q = 0; q < kr; q++) {
              java.util.Arrays.fill(partials[p * kr + q], 0, len, 0f);
            }
            kernelGradRows(
                x,
                dy,
                g,
                partials,
                p * kr,
                cout,
                (int) ((long) rows * p / parts),
                (int) ((long) rows * (p + 1) / parts));
          }
        });
    int cin = g.channels();
    for (int q = 0; q < kr; q++) {
      int i = q / cin;
      int ci = q - i * cin;
      for (int j = 0; j < g.kw(); j++) {
        int at = off + ((i * g.kw() + j) * cin + ci) * cout;
        for (int co = 0; co < cout; co++) {
          float sum = 0f;
          for (int p = 0; p < parts; p++) {
            sum += partials[p * kr + q][j * cout + co];
          }
          d[at + co] = sum;
        }
      }
    }
  }

  /**
   * {@link #backwardKernel(Tensor, Tensor, ConvGeometry, Tensor)} into a new tensor.
   *
   * @param x the input images {@code (N, H, W, Cin)}
   * @param dy the output gradient {@code (N, OH, OW, Cout)}
   * @param g the geometry over {@code x}'s images
   * @return a new tensor {@code (kh, kw, Cin, Cout)}
   */
  public static Tensor backwardKernel(Tensor x, Tensor dy, ConvGeometry g) {
    int cout = dy.rank() == 4 ? dy.shape().dim(3) : 1;
    return backwardKernel(x, dy, g, Tensor.zeros(g.kh(), g.kw(), g.channels(), cout));
  }

  /**
   * The gradient with respect to the bias: {@code dBias[co] = sum_{n, oh, ow} dy[n, oh, ow, co]}.
   * Overwrites and returns {@code dBias}.
   *
   * @param dy the output gradient, of rank {@code >= 1} with Cout channels last
   * @param dBias receives the bias gradient {@code (Cout)}, overwritten
   * @return {@code dBias}
   * @throws IllegalArgumentException if {@code dBias} is not {@code (Cout,)} for {@code dy}
   */
  public static Tensor backwardBias(Tensor dy, Tensor dBias) {
    if (dy.rank() < 1 || dBias.rank() != 1 || dBias.size() != dy.shape().dim(-1)) {
      throw new IllegalArgumentException(
          "conv2d_backward_bias: output gradient shape "
              + dy.shape()
              + " and bias gradient shape "
              + dBias.shape()
              + " disagree");
    }
    biasGradient(dy, dBias.array(), dBias.offset(), dBias.size());
    return dBias;
  }

  private static void biasGradient(Tensor dy, float[] d, int bo, int c) {
    float[] a = dy.array();
    java.util.Arrays.fill(d, bo, bo + c, 0f);
    for (int p = dy.offset(), end = dy.offset() + dy.size(); p < end; p += c) {
      for (int co = 0; co < c; co++) {
        d[bo + co] += a[p + co];
      }
    }
  }

  /**
   * {@link #backwardBias(Tensor, Tensor)} into a new tensor.
   *
   * @param dy the output gradient, of rank {@code >= 1} with Cout channels last
   * @return a new tensor {@code (Cout)}
   */
  public static Tensor backwardBias(Tensor dy) {
    return backwardBias(dy, Tensor.zeros(dy.shape().dim(-1)));
  }

  // ---- per-thread loops ----

  // A block of output rows is one small matrix product on (channel, pixel) rows, so the
  // vectorised inner loops run along the block's pixels: ~256 of them, far longer than Cin or Cout
  // for the seed's layers.

  /** Output rows per block, so that a block holds about 256 output pixels. */
  private static int rowBlock(ConvGeometry g) {
    return Math.max(1, 256 / g.outW());
  }

  private static void forwardRows(
      Tensor x,
      Tensor kernel,
      Tensor bias,
      ConvGeometry g,
      Tensor out,
      int cout,
      int from,
      int to,
      int block) {
    int k = g.kh() * g.kw() * g.channels();
    int ow = g.outW();
    ConvRows.Scratch s = ConvRows.Scratch.get();
    float[][] cols = s.workRows(k, block * ow);
    float[][] outT = s.workRows2(cout, block * ow);
    float[] o = out.array();
    float[] w = kernel.array();
    int wo = kernel.offset();
    for (int r0 = from; r0 < to; r0 += block) {
      int r1 = Math.min(to, r0 + block);
      int len = (r1 - r0) * ow;
      ConvRows.im2colRows(x, g, r0, r1, cols);
      for (int co = 0; co < cout; co++) {
        java.util.Arrays.fill(outT[co], 0, len, bias == null ? 0f : bias.getFlat(co));
      }
      int co = 0;
      for (; co + 2 <= cout; co += 2) {
        ConvRows.rowMac2(outT[co], outT[co + 1], len, cols, 0, k, w, wo + co, w, wo + co + 1, cout);
      }
      if (co < cout) {
        ConvRows.rowMac(outT[co], len, cols, 0, k, w, wo + co, cout);
      }
      int base = out.offset() + r0 * ow * cout;
      // Channel-major order: contiguous reads, and the row's checks hoist out of the loop.
      for (int c = 0; c < cout; c++) {
        float[] row = outT[c];
        for (int t = 0, at = base + c; t < len; t++, at += cout) {
          o[at] = row[t];
        }
      }
    }
  }

  /**
   * Accumulates the kernel gradient of output rows [from, to) into acc rows (i, ci), each holding
   * {@code dKernel[i, :, ci, :]}. An input value x[ih, iw, ci] meets dy at pixel ow = (iw + padLeft
   * - j*dw) / sw for every tap j where that is a whole in-range pixel; win[iw] gathers those kw dy
   * pixels (zero elsewhere), so each input value adds {@code x * win[iw]} to a kw*Cout-long row:
   * loops three times longer than Cout, and no im2col.
   */
  private static void kernelGradRows(
      Tensor x, Tensor dy, ConvGeometry g, float[][] acc, int accFrom, int cout, int from, int to) {
    int cin = g.channels();
    int kw = g.kw();
    int inW = g.inW();
    int ow = g.outW();
    float[][] win = ConvRows.Scratch.get().workRows(inW, kw * cout);
    float[] d = dy.array();
    for (int r = from; r < to; r++) {
      int n = r / g.outH();
      int oh = r - n * g.outH();
      for (int iw = 0; iw < inW; iw++) {
        float[] row = win[iw];
        for (int j = 0; j < kw; j++) {
          int t = iw + g.padLeft() - j * g.dilationW();
          int c = Math.floorDiv(t, g.strideW());
          if (c * g.strideW() == t && c >= 0 && c < ow) {
            System.arraycopy(d, dy.offset() + (r * ow + c) * cout, row, j * cout, cout);
          } else {
            java.util.Arrays.fill(row, j * cout, (j + 1) * cout, 0f);
          }
        }
      }
      for (int i = 0; i < g.kh(); i++) {
        int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
        if (ih < 0 || ih >= g.inH()) {
          continue;
        }
        int xRow = x.offset() + (n * g.inH() + ih) * inW * cin;
        for (int ci = 0; ci < cin; ci++) {
          ConvRows.rowMac(
              acc[accFrom + i * cin + ci], kw * cout, win, 0, inW, x.array(), xRow + ci, cin);
        }
      }
    }
  }

  private static void backwardInputImages(
      Tensor dy, Tensor kernel, ConvGeometry g, Tensor dx, int cout, int from, int to) {
    int k = g.kh() * g.kw() * g.channels();
    int ow = g.outW();
    int block = rowBlock(g);
    ConvRows.Scratch s = ConvRows.Scratch.get();
    float[][] dcols = s.workRows(k, block * ow);
    float[][] dyT = s.workRows2(cout, block * ow);
    float[] d = dy.array();
    float[] w = kernel.array();
    int wo = kernel.offset();
    int imageSize = g.inH() * g.inW() * g.channels();
    java.util.Arrays.fill(
        dx.array(), dx.offset() + from * imageSize, dx.offset() + to * imageSize, 0f);
    for (int n = from; n < to; n++) {
      // Blocks stay inside one image: col2im of different images never overlap.
      for (int oh0 = 0; oh0 < g.outH(); oh0 += block) {
        int oh1 = Math.min(g.outH(), oh0 + block);
        int len = (oh1 - oh0) * ow;
        int base = dy.offset() + (n * g.outH() + oh0) * ow * cout;
        for (int co = 0; co < cout; co++) {
          float[] row = dyT[co];
          for (int t = 0, at = base + co; t < len; t++, at += cout) {
            row[t] = d[at];
          }
        }
        for (int kk = 0; kk < k; kk++) {
          java.util.Arrays.fill(dcols[kk], 0, len, 0f);
        }
        int kk = 0;
        for (; kk + 2 <= k; kk += 2) {
          ConvRows.rowMac2(
              dcols[kk],
              dcols[kk + 1],
              len,
              dyT,
              0,
              cout,
              w,
              wo + kk * cout,
              w,
              wo + (kk + 1) * cout,
              1);
        }
        if (kk < k) {
          ConvRows.rowMac(dcols[kk], len, dyT, 0, cout, w, wo + kk * cout, 1);
        }
        for (int oh = oh0; oh < oh1; oh++) {
          ConvRows.col2imAdd(dcols, (oh - oh0) * ow, g, n, oh, dx);
        }
      }
    }
  }

  // ---- shape checks ----

  /** Null, or exactly the shape {@link #columnsShape} gives for this batch, Cout and bias. */
  private static void checkColumns(
      String op, Tensor columns, ConvGeometry g, int batch, int cout, boolean withBias) {
    if (columns == null) {
      return;
    }
    Shape want = columnsShape(g, batch, cout, withBias);
    if (want == null) {
      throw new IllegalArgumentException(
          op
              + ": im2col columns "
              + columns.shape()
              + " given, but this convolution builds none (see Conv2d.columnsShape)");
    }
    if (!columns.shape().equals(want)) {
      throw new IllegalArgumentException(
          op + ": im2col columns shape " + columns.shape() + " is not " + want);
    }
  }

  /** The leading dimension, or 1 for a scalar, so that shape checks report instead of throwing. */
  static int batch(Tensor t) {
    return t.rank() == 0 ? 1 : t.shape().dim(0);
  }

  /** Checks a (kh, kw, Cin, Cout) kernel against g; returns Cout. */
  static int checkKernel(String op, Tensor kernel, ConvGeometry g) {
    Shape s = kernel.shape();
    if (s.rank() != 4 || s.dim(0) != g.kh() || s.dim(1) != g.kw() || s.dim(2) != g.channels()) {
      throw new IllegalArgumentException(
          op
              + ": kernel shape "
              + s
              + " does not match window ("
              + g.kh()
              + ", "
              + g.kw()
              + ") over "
              + g.channels()
              + " input channels, expected (kh, kw, Cin, Cout) = ("
              + g.kh()
              + ", "
              + g.kw()
              + ", "
              + g.channels()
              + ", Cout)");
    }
    return s.dim(3);
  }

  /**
   * Checks that t has shape want, naming the other operand's shape if given; returns the batch
   * size. Shared with {@link Pool2d}.
   */
  static int checkImage(
      String op, String role, Tensor t, int n, int h, int w, int c, Tensor other) {
    Shape s = t.shape();
    // Compared axis by axis: building the expected Shape would allocate on every call.
    if (s.rank() != 4 || s.dim(0) != n || s.dim(1) != h || s.dim(2) != w || s.dim(3) != c) {
      Shape want = Shape.of(n, h, w, c);
      throw new IllegalArgumentException(
          op
              + ": "
              + role
              + " shape "
              + t.shape()
              + " does not match the expected "
              + want
              + (other == null ? "" : " (with shape " + other.shape() + ")"));
    }
    return n;
  }
}
