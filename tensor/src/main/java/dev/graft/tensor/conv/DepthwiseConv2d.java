package dev.graft.tensor.conv;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.support.Exercise;
import dev.graft.tensor.support.JitWarmup;
import dev.graft.tensor.support.VectorSupport;

/**
 * Depthwise 2-D convolution with Keras semantics ({@code DepthwiseConv2D}): channels-last input
 * {@code x (N, H, W, C)}, kernel {@code (kh, kw, C, M)} (M = depth multiplier), output {@code (N,
 * OH, OW, C*M)} whose channel {@code c*M + m} sees input channel {@code c} only:
 *
 * <pre>
 * out[n, oh, ow, c*M + m] = bias[c*M + m] + sum_{i, j} x[n, oh*sh - padTop + i*dh,
 *                                                       ow*sw - padLeft + j*dw, c] * kernel[i, j, c, m]
 * </pre>
 *
 * with padding positions reading as zero. Strides, dilation and padding come from a {@link
 * ConvGeometry} whose channel count is C.
 *
 * <p>Channels are innermost everywhere, so every inner loop runs along contiguous floats and the
 * JIT vectorises it. With horizontal stride 1 and multiplier 1 (MobileNet's blocks) a whole image
 * row is one such loop per window tap: the tap's kernel values, repeated along the row once per
 * call, multiply the row shifted by the tap, {@code out[t] += x[t + shift] * tap[t]} over {@code
 * OW*C} floats; the input gradient is the same loop with the opposite shift and the kernel gradient
 * the same loop into a row-long accumulator folded once at the end. Other strides and multipliers
 * run a loop per output pixel along its channels. Rows are shared over the {@link Parallel} pool.
 */
public final class DepthwiseConv2d {
  private DepthwiseConv2d() {}

  /**
   * {@code out = depthwise(x, kernel) + bias} as in the class comment; {@code bias} (shape {@code
   * (C*M)}) may be null. Overwrites and returns {@code out}.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param kernel the kernel {@code (kh, kw, C, M)}
   * @param bias the bias {@code (C*M)}, or null for none
   * @param g the geometry over {@code x}'s images (channel count C)
   * @param out the output {@code (N, OH, OW, C*M)}, overwritten
   * @return {@code out}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor forward(Tensor x, Tensor kernel, Tensor bias, ConvGeometry g, Tensor out) {
    int m = checkKernel("depthwise_conv2d", kernel, g);
    int q = g.channels() * m;
    int n =
        Conv2d.checkImage(
            "depthwise_conv2d",
            "input",
            x,
            Conv2d.batch(x),
            g.inH(),
            g.inW(),
            g.channels(),
            kernel);
    if (bias != null && (bias.rank() != 1 || bias.size() != q)) {
      throw new IllegalArgumentException(
          "depthwise_conv2d: bias shape "
              + bias.shape()
              + " is not (C*M) = ("
              + q
              + ") for kernel shape "
              + kernel.shape());
    }
    Conv2d.checkImage("depthwise_conv2d", "output", out, n, g.outH(), g.outW(), q, x);
    int rows = n * g.outH();
    DepthwiseRowKernel k = rowPath(g, m) ? rowKernels() : null;
    if (k != null) {
      Parallel.forRange(rows, 1, (from, to) -> forwardTiles(k, x, kernel, bias, g, out, from, to));
    } else if (rowPath(g, m)) {
      float[][] taps = repeatedTaps(kernel, g, g.outW());
      Parallel.forRange(rows, 1, (from, to) -> forwardRows(x, taps, bias, g, out, from, to));
    } else {
      Parallel.forRange(rows, 1, (from, to) -> forwardPixels(x, kernel, bias, g, m, out, from, to));
    }
    return out;
  }

  /**
   * {@link #forward(Tensor, Tensor, Tensor, ConvGeometry, Tensor)} into a new tensor.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param kernel the kernel {@code (kh, kw, C, M)}
   * @param bias the bias {@code (C*M)}, or null for none
   * @param g the geometry over {@code x}'s images (channel count C)
   * @return a new tensor {@code (N, OH, OW, C*M)}
   */
  public static Tensor forward(Tensor x, Tensor kernel, Tensor bias, ConvGeometry g) {
    int m = checkKernel("depthwise_conv2d", kernel, g);
    return forward(
        x, kernel, bias, g, Tensor.zeros(g.outputShape(Conv2d.batch(x), g.channels() * m)));
  }

  /**
   * The gradient with respect to the input: {@code dx[n, h, w, c] = sum over every output pixel and
   * tap (i, j) whose window position lands on (h, w), and every m, of dy[n, oh, ow, c*M + m] *
   * kernel[i, j, c, m]}. Overwrites and returns {@code dx}.
   *
   * @param dy the output gradient {@code (N, OH, OW, C*M)}
   * @param kernel the kernel {@code (kh, kw, C, M)}
   * @param g the geometry over the input images (channel count C)
   * @param dx receives the input gradient {@code (N, H, W, C)}, overwritten
   * @return {@code dx}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor backwardInput(Tensor dy, Tensor kernel, ConvGeometry g, Tensor dx) {
    String op = "depthwise_conv2d_backward_input";
    int m = checkKernel(op, kernel, g);
    int n =
        Conv2d.checkImage(
            op, "input gradient", dx, Conv2d.batch(dx), g.inH(), g.inW(), g.channels(), kernel);
    Conv2d.checkImage(op, "output gradient", dy, n, g.outH(), g.outW(), g.channels() * m, kernel);
    int rows = n * g.inH();
    // Each input row gathers from the output rows its taps reach: rows never share a write.
    DepthwiseRowKernel k = rowPath(g, m) ? rowKernels() : null;
    if (k != null) {
      Parallel.forRange(rows, 1, (from, to) -> inputGradTiles(k, dy, kernel, g, dx, from, to));
    } else if (rowPath(g, m)) {
      float[][] taps = repeatedTaps(kernel, g, g.inW());
      Parallel.forRange(rows, 1, (from, to) -> inputGradRows(dy, taps, g, dx, from, to));
    } else {
      Parallel.forRange(rows, 1, (from, to) -> inputGradPixels(dy, kernel, g, m, dx, from, to));
    }
    return dx;
  }

  /**
   * {@link #backwardInput(Tensor, Tensor, ConvGeometry, Tensor)} into a new tensor.
   *
   * @param dy the output gradient {@code (N, OH, OW, C*M)}
   * @param kernel the kernel {@code (kh, kw, C, M)}
   * @param g the geometry over the input images (channel count C)
   * @return a new tensor {@code (N, H, W, C)}
   */
  public static Tensor backwardInput(Tensor dy, Tensor kernel, ConvGeometry g) {
    return backwardInput(dy, kernel, g, Tensor.zeros(g.inputShape(Conv2d.batch(dy))));
  }

  /**
   * The gradient with respect to the kernel: {@code dKernel[i, j, c, m] = sum_{n, oh, ow} x[n,
   * oh*sh - padTop + i*dh, ow*sw - padLeft + j*dw, c] * dy[n, oh, ow, c*M + m]}. Overwrites and
   * returns {@code dKernel}.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param dy the output gradient {@code (N, OH, OW, C*M)}
   * @param g the geometry over {@code x}'s images (channel count C)
   * @param dKernel receives the kernel gradient {@code (kh, kw, C, M)}, overwritten
   * @return {@code dKernel}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor backwardKernel(Tensor x, Tensor dy, ConvGeometry g, Tensor dKernel) {
    int m = checkKernel("depthwise_conv2d_backward_kernel", dKernel, g);
    checkGradients("depthwise_conv2d_backward_kernel", x, dy, g, m, dKernel);
    kernelGradient(x, dy, g, m, dKernel.array(), dKernel.offset(), false);
    return dKernel;
  }

  /**
   * {@link #backwardKernel(Tensor, Tensor, ConvGeometry, Tensor)} into a new tensor.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param dy the output gradient {@code (N, OH, OW, C*M)}
   * @param g the geometry over {@code x}'s images (channel count C)
   * @return a new tensor {@code (kh, kw, C, M)}
   */
  public static Tensor backwardKernel(Tensor x, Tensor dy, ConvGeometry g) {
    int q = dy.rank() == 4 ? dy.shape().dim(3) : 1;
    return backwardKernel(
        x, dy, g, Tensor.zeros(g.kh(), g.kw(), g.channels(), Math.max(1, q / g.channels())));
  }

  /**
   * The kernel and bias gradients in one pass over {@code dy}: {@code packed} is flat, {@code
   * (kh*kw*C*M + C*M)}: first the kernel gradient of {@link #backwardKernel} in {@code (kh, kw, C,
   * M)} order, then the bias gradient {@code sum_{n, oh, ow} dy[n, oh, ow, :]}. Overwrites and
   * returns {@code packed}.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param dy the output gradient {@code (N, OH, OW, C*M)}
   * @param g the geometry over {@code x}'s images (channel count C)
   * @param packed receives the kernel gradient then the bias gradient, {@code kh*kw*C*M + C*M}
   *     floats, overwritten
   * @return {@code packed}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor backwardKernelAndBias(Tensor x, Tensor dy, ConvGeometry g, Tensor packed) {
    String op = "depthwise_conv2d_backward_kernel_and_bias";
    int q = dy.rank() == 4 ? dy.shape().dim(3) : -1;
    int taps = g.kh() * g.kw();
    if (q % g.channels() != 0 || packed.rank() != 1 || packed.size() != taps * q + q) {
      throw new IllegalArgumentException(
          op
              + ": packed gradient shape "
              + packed.shape()
              + " is not (kh*kw*C*M + C*M) for output gradient shape "
              + dy.shape()
              + " and "
              + g);
    }
    int m = q / g.channels();
    checkGradients(op, x, dy, g, m, packed);
    kernelGradient(x, dy, g, m, packed.array(), packed.offset(), true);
    return packed;
  }

  // ---- dispatch and set-up ----

  /** Whether whole rows are one loop per tap: unit horizontal stride, multiplier 1. */
  private static boolean rowPath(ConvGeometry g, int m) {
    return g.strideW() == 1 && m == 1;
  }

  /**
   * Row (i*kw + j) holds kernel[i, j, :, 0] repeated {@code width} times, so a tap multiplies a
   * whole image row in one contiguous loop. Built once per call by the caller, read by the workers.
   */
  private static float[][] repeatedTaps(Tensor kernel, ConvGeometry g, int width) {
    int c = g.channels();
    int taps = g.kh() * g.kw();
    float[][] rows = ConvRows.Scratch.get().callerRows(taps, width * c);
    float[] k = kernel.array();
    for (int t = 0; t < taps; t++) {
      float[] row = rows[t];
      int from = kernel.offset() + t * c;
      for (int p = 0; p < width; p++) {
        System.arraycopy(k, from, row, p * c, c);
      }
    }
    return rows;
  }

  /** The Vector API loop, or null without the module (see {@link VectorSupport}). */
  private static final MacKernel VECTOR = VectorSupport.load("VectorMac", MacKernel.class);

  /** The register-tile rows, or null without the module. */
  private static final DepthwiseRowKernel ROWS =
      VectorSupport.load("VectorDepthwise", DepthwiseRowKernel.class);

  /**
   * The register-tile rows' warm-up for {@code Graft.warmUp()}; calls run them from the first (see
   * {@link #rowKernels}), the twin serves the warm-up's comparison and the tests.
   */
  @SuppressWarnings("unused") // made for its side effect: registering the family
  private static final JitWarmup<DepthwiseRowKernel> ROWS_WARMUP =
      ROWS != null
          ? new JitWarmup<>(
              "VectorDepthwise",
              ROWS,
              new ScalarDepthwise(),
              DepthwiseConv2d::exercise,
              JitWarmup.RANK_CONVOLUTIONS)
          : null;

  /** Set by tests to run one kernel of the two; null: the warm-up's choice. */
  private static volatile DepthwiseRowKernel forcedRows;

  /**
   * The row kernels to run: the Vector API ones from the first call, seeded or not (they give the
   * same floats compiled or interpreted, so nothing switches). Interpreted, the first call of a
   * process is slower than the tap-by-tap rows were (a 56x56x64 batch of 32: forward 260-295 ms
   * against 150-210, all three passes about 0.5 s more), but from the second call on they are twice
   * as fast, where a stand-in until the warm-up had compiled them (the rows, or the twin) left the
   * first 25 calls of a process at 37 ms against 14-17 (1 thread) and 9-11 (2 threads). Their
   * warm-up family serves {@code Graft.warmUp()}, for services that want even the first call
   * compiled. Null without the module or with the Vector API off: the plain rows.
   */
  private static DepthwiseRowKernel rowKernels() {
    DepthwiseRowKernel forced = forcedRows;
    if (forced != null) {
      return forced;
    }
    return vector ? ROWS : null;
  }

  /** Runs {@code k} for the row path from now on, or the usual choice when null (tests). */
  static void forceRowKernels(DepthwiseRowKernel k) {
    forcedRows = k;
  }

  /** The Vector API row kernels, or null without the module (tests). */
  static DepthwiseRowKernel vectorRowKernels() {
    return ROWS;
  }

  private static volatile boolean vector = VECTOR != null && ROWS != null && VectorSupport.WANTED;

  /** Whether the Vector API loop is on. */
  static boolean vectorEnabled() {
    return vector;
  }

  /** Turns the Vector API loop on or off (tests compare both); on needs the module. */
  static void enableVector(boolean on) {
    vector = on && VECTOR != null && ROWS != null;
  }

  /**
   * {@code acc[ao + t] += a[ab + t] * b[bb + t]} for t in [0, len): the loop every path shares. The
   * JIT leaves it scalar (the runs are shifted within arrays that may be the same), so long runs
   * take the Vector API when the JVM has it: 4-5 times faster on the MobileNet shape.
   */
  private static void mac(float[] acc, int ao, float[] a, int ab, float[] b, int bb, int len) {
    if (len >= 16 && vector) {
      VECTOR.mac(acc, ao, a, ab, b, bb, len);
      return;
    }
    for (int t = 0; t < len; t++) {
      acc[ao + t] += a[ab + t] * b[bb + t];
    }
  }

  /**
   * First output position {@code o} of a tap at offset {@code shift} whose input o*s+shift >= 0.
   */
  private static int firstValid(int shift, int stride) {
    return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
  }

  /** One past the last output position o < outSize whose input o*s+shift < inSize. */
  private static int endValid(int shift, int stride, int inSize, int outSize) {
    int span = inSize - shift;
    return span <= 0 ? 0 : Math.min(outSize, (span + stride - 1) / stride);
  }

  // ---- forward ----

  private static void forwardRows(
      Tensor x, float[][] taps, Tensor bias, ConvGeometry g, Tensor out, int from, int to) {
    int c = g.channels();
    int ow = g.outW();
    float[] xa = x.array();
    float[] o = out.array();
    for (int r = from; r < to; r++) {
      int n = r / g.outH();
      int oh = r - n * g.outH();
      int base = out.offset() + r * ow * c;
      fillBias(o, base, ow, c, bias);
      for (int i = 0; i < g.kh(); i++) {
        int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
        if (ih < 0 || ih >= g.inH()) {
          continue;
        }
        int xRow = x.offset() + (n * g.inH() + ih) * g.inW() * c;
        for (int j = 0; j < g.kw(); j++) {
          int shift = j * g.dilationW() - g.padLeft();
          int w0 = firstValid(shift, 1);
          int w1 = endValid(shift, 1, g.inW(), ow);
          if (w0 < w1) {
            float[] tap = taps[i * g.kw() + j];
            mac(o, base + w0 * c, xa, xRow + (w0 + shift) * c, tap, w0 * c, (w1 - w0) * c);
          }
        }
      }
    }
  }

  /** Each row's taps: source row offset, column shift, kernel offset (per thread, grown). */
  private static final ThreadLocal<int[][]> TAP_TABLES =
      ThreadLocal.withInitial(() -> new int[3][0]);

  private static int[][] tapTables(ConvGeometry g) {
    int[][] t = TAP_TABLES.get();
    int taps = g.kh() * g.kw();
    if (t[0].length < taps) {
      t = new int[][] {new int[taps], new int[taps], new int[taps]};
      TAP_TABLES.set(t);
    }
    return t;
  }

  /** The row path on {@link #ROWS}: each output row's valid taps, summed in registers. */
  /**
   * Fills the tap tables of output row {@code oh}: for each tap whose input row is inside the
   * image, that row's offset in its image, the tap's column shift and {@code first} plus the tap's
   * index times C (its weights, or its accumulators).
   *
   * @return the number of taps filled
   */
  private static int outputRowTaps(
      ConvGeometry g, int oh, int first, int[] rowOff, int[] shift, int[] at) {
    int c = g.channels();
    int taps = 0;
    for (int i = 0; i < g.kh(); i++) {
      int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
      if (ih < 0 || ih >= g.inH()) {
        continue;
      }
      for (int j = 0; j < g.kw(); j++, taps++) {
        rowOff[taps] = ih * g.inW() * c;
        shift[taps] = j * g.dilationW() - g.padLeft();
        at[taps] = first + (i * g.kw() + j) * c;
      }
    }
    return taps;
  }

  private static void forwardTiles(
      DepthwiseRowKernel kernels,
      Tensor x,
      Tensor kernel,
      Tensor bias,
      ConvGeometry g,
      Tensor out,
      int from,
      int to) {
    int c = g.channels();
    int ow = g.outW();
    int[][] t = tapTables(g);
    int[] rowOff = t[0];
    int[] shift = t[1];
    int[] kOff = t[2];
    float[] b = bias == null ? null : bias.array();
    int bo = bias == null ? 0 : bias.offset();
    for (int r = from; r < to; r++) {
      int n = r / g.outH();
      int oh = r - n * g.outH();
      int taps = outputRowTaps(g, oh, kernel.offset(), rowOff, shift, kOff);
      kernels.row(
          x.array(),
          x.offset() + n * g.inH() * g.inW() * c,
          rowOff,
          shift,
          kernel.array(),
          kOff,
          taps,
          g.inW(),
          b,
          bo,
          out.array(),
          out.offset() + r * ow * c,
          ow,
          c);
    }
  }

  /**
   * The input gradient's row path on {@link #ROWS}: input row {@code ih} sums the output rows its
   * taps reach, each shifted the other way.
   */
  private static void inputGradTiles(
      DepthwiseRowKernel kernels,
      Tensor dy,
      Tensor kernel,
      ConvGeometry g,
      Tensor dx,
      int from,
      int to) {
    int c = g.channels();
    int ow = g.outW();
    int[][] t = tapTables(g);
    int[] rowOff = t[0];
    int[] shift = t[1];
    int[] kOff = t[2];
    for (int r = from; r < to; r++) {
      int n = r / g.inH();
      int ih = r - n * g.inH();
      int taps = 0;
      for (int i = 0; i < g.kh(); i++) {
        int oh = outIndex(ih + g.padTop() - i * g.dilationH(), g.strideH(), g.outH());
        if (oh < 0) {
          continue;
        }
        for (int j = 0; j < g.kw(); j++, taps++) {
          rowOff[taps] = oh * ow * c;
          shift[taps] = g.padLeft() - j * g.dilationW();
          kOff[taps] = kernel.offset() + (i * g.kw() + j) * c;
        }
      }
      kernels.row(
          dy.array(),
          dy.offset() + n * g.outH() * ow * c,
          rowOff,
          shift,
          kernel.array(),
          kOff,
          taps,
          ow,
          null,
          0,
          dx.array(),
          dx.offset() + r * g.inW() * c,
          g.inW(),
          c);
    }
  }

  private static void forwardPixels(
      Tensor x, Tensor kernel, Tensor bias, ConvGeometry g, int m, Tensor out, int from, int to) {
    int c = g.channels();
    int q = c * m;
    int ow = g.outW();
    float[] xa = x.array();
    float[] k = kernel.array();
    float[] o = out.array();
    for (int r = from; r < to; r++) {
      int n = r / g.outH();
      int oh = r - n * g.outH();
      int base = out.offset() + r * ow * q;
      fillBias(o, base, ow, q, bias);
      for (int i = 0; i < g.kh(); i++) {
        int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
        if (ih < 0 || ih >= g.inH()) {
          continue;
        }
        int xRow = x.offset() + (n * g.inH() + ih) * g.inW() * c;
        for (int j = 0; j < g.kw(); j++) {
          int shift = j * g.dilationW() - g.padLeft();
          int w1 = endValid(shift, g.strideW(), g.inW(), ow);
          int kRow = kernel.offset() + (i * g.kw() + j) * q;
          for (int w = firstValid(shift, g.strideW()); w < w1; w++) {
            int xp = xRow + (w * g.strideW() + shift) * c;
            int op = base + w * q;
            if (m == 1) {
              mac(o, op, xa, xp, k, kRow, c);
            } else {
              for (int ci = 0; ci < c; ci++) {
                float v = xa[xp + ci];
                int at = ci * m;
                for (int mi = 0; mi < m; mi++) {
                  o[op + at + mi] += v * k[kRow + at + mi];
                }
              }
            }
          }
        }
      }
    }
  }

  private static void fillBias(float[] o, int base, int pixels, int q, Tensor bias) {
    if (bias == null) {
      java.util.Arrays.fill(o, base, base + pixels * q, 0f);
      return;
    }
    for (int p = 0; p < pixels; p++) {
      System.arraycopy(bias.array(), bias.offset(), o, base + p * q, q);
    }
  }

  // ---- input gradient ----

  private static void inputGradRows(
      Tensor dy, float[][] taps, ConvGeometry g, Tensor dx, int from, int to) {
    int c = g.channels();
    int w = g.inW();
    int ow = g.outW();
    float[] d = dy.array();
    float[] o = dx.array();
    for (int r = from; r < to; r++) {
      int n = r / g.inH();
      int ih = r - n * g.inH();
      int base = dx.offset() + r * w * c;
      java.util.Arrays.fill(o, base, base + w * c, 0f);
      for (int i = 0; i < g.kh(); i++) {
        int oh = outIndex(ih + g.padTop() - i * g.dilationH(), g.strideH(), g.outH());
        if (oh < 0) {
          continue;
        }
        int dyRow = dy.offset() + (n * g.outH() + oh) * ow * c;
        for (int j = 0; j < g.kw(); j++) {
          // Input column iw meets output column iw - shift of this tap.
          int shift = g.padLeft() - j * g.dilationW();
          int w0 = firstValid(shift, 1);
          int w1 = endValid(shift, 1, ow, w);
          if (w0 < w1) {
            float[] tap = taps[i * g.kw() + j];
            mac(o, base + w0 * c, d, dyRow + (w0 + shift) * c, tap, w0 * c, (w1 - w0) * c);
          }
        }
      }
    }
  }

  /** The output index o with o*s == t and 0 <= o < size, or -1 when there is none. */
  private static int outIndex(int t, int stride, int size) {
    if (t < 0) {
      return -1;
    }
    int o = t / stride;
    return o * stride == t && o < size ? o : -1;
  }

  private static void inputGradPixels(
      Tensor dy, Tensor kernel, ConvGeometry g, int m, Tensor dx, int from, int to) {
    int c = g.channels();
    int q = c * m;
    int w = g.inW();
    int ow = g.outW();
    float[] d = dy.array();
    float[] k = kernel.array();
    float[] o = dx.array();
    for (int r = from; r < to; r++) {
      int n = r / g.inH();
      int ih = r - n * g.inH();
      int base = dx.offset() + r * w * c;
      java.util.Arrays.fill(o, base, base + w * c, 0f);
      for (int i = 0; i < g.kh(); i++) {
        int oh = outIndex(ih + g.padTop() - i * g.dilationH(), g.strideH(), g.outH());
        if (oh < 0) {
          continue;
        }
        int dyRow = dy.offset() + (n * g.outH() + oh) * ow * q;
        for (int j = 0; j < g.kw(); j++) {
          int kRow = kernel.offset() + (i * g.kw() + j) * q;
          int shift = g.padLeft() - j * g.dilationW();
          for (int iw = 0; iw < w; iw++) {
            int owi = outIndex(iw + shift, g.strideW(), ow);
            if (owi < 0) {
              continue;
            }
            int dp = dyRow + owi * q;
            int xp = base + iw * c;
            if (m == 1) {
              mac(o, xp, d, dp, k, kRow, c);
            } else {
              for (int ci = 0; ci < c; ci++) {
                float sum = 0f;
                int at = ci * m;
                for (int mi = 0; mi < m; mi++) {
                  sum += d[dp + at + mi] * k[kRow + at + mi];
                }
                o[xp + ci] += sum;
              }
            }
          }
        }
      }
    }
  }

  // ---- kernel gradient ----

  /** The kernel gradient into d[off...], then the bias gradient when withBias. */
  private static void kernelGradient(
      Tensor x, Tensor dy, ConvGeometry g, int m, float[] d, int off, boolean withBias) {
    int c = g.channels();
    int q = c * m;
    int taps = g.kh() * g.kw();
    int rows = dy.shape().dim(0) * g.outH();
    int parts = Math.max(1, Math.min(Parallel.threads(), rows));
    DepthwiseRowKernel rowKernels = rowPath(g, m) ? rowKernels() : null;
    boolean tiles = rowKernels != null;
    boolean rowPath = rowPath(g, m) && !tiles;
    // One private accumulator set per part, summed at the end: no two threads write the same
    // floats. On the plain row path a part holds taps + 1 rows of OW*C (the last sums dy for the
    // bias), folded to C values each at the end; otherwise one row of taps*Q + Q.
    int perPart = rowPath ? taps + 1 : 1;
    int len = rowPath ? g.outW() * c : taps * q + q;
    float[][] acc = ConvRows.Scratch.get().callerRows(parts * perPart, len);
    Parallel.forRange(
        parts,
        1,
        (from, to) -> {
          for (int p = from; p < to; p++) {
            for (int r = 0; r < perPart; r++) {
              java.util.Arrays.fill(acc[p * perPart + r], 0, len, 0f);
            }
            int r0 = (int) ((long) rows * p / parts);
            int r1 = (int) ((long) rows * (p + 1) / parts);
            if (tiles) {
              kernelGradTiles(rowKernels, x, dy, g, acc[p], withBias, r0, r1);
            } else if (rowPath) {
              kernelGradRows(x, dy, g, acc, p * perPart, withBias, r0, r1);
            } else {
              kernelGradPixels(x, dy, g, m, acc[p], withBias, r0, r1);
            }
          }
        });
    int outs = withBias ? taps * q + q : taps * q;
    java.util.Arrays.fill(d, off, off + outs, 0f);
    for (int p = 0; p < parts; p++) {
      if (!rowPath) {
        for (int t = 0; t < outs; t++) {
          d[off + t] += acc[p][t];
        }
        continue;
      }
      for (int r = 0; r < (withBias ? taps + 1 : taps); r++) {
        float[] row = acc[p * perPart + r];
        int at = off + r * c;
        for (int w = 0; w < g.outW(); w++) {
          for (int ci = 0; ci < c; ci++) {
            d[at + ci] += row[w * c + ci];
          }
        }
      }
    }
  }

  /** The kernel gradient's row path on {@link #ROWS}, into one part's taps*C + C sums. */
  private static void kernelGradTiles(
      DepthwiseRowKernel kernels,
      Tensor x,
      Tensor dy,
      ConvGeometry g,
      float[] acc,
      boolean withBias,
      int from,
      int to) {
    int c = g.channels();
    int ow = g.outW();
    int[][] t = tapTables(g);
    int[] rowOff = t[0];
    int[] shift = t[1];
    int[] aOff = t[2];
    for (int r = from; r < to; r++) {
      int n = r / g.outH();
      int oh = r - n * g.outH();
      int taps = outputRowTaps(g, oh, 0, rowOff, shift, aOff);
      kernels.gradientRow(
          x.array(),
          x.offset() + n * g.inH() * g.inW() * c,
          rowOff,
          shift,
          taps,
          g.inW(),
          dy.array(),
          dy.offset() + r * ow * c,
          ow,
          c,
          acc,
          aOff,
          withBias,
          g.kh() * g.kw() * c);
    }
  }

  private static void kernelGradRows(
      Tensor x,
      Tensor dy,
      ConvGeometry g,
      float[][] acc,
      int accFrom,
      boolean withBias,
      int from,
      int to) {
    int c = g.channels();
    int ow = g.outW();
    int taps = g.kh() * g.kw();
    float[] xa = x.array();
    float[] d = dy.array();
    for (int r = from; r < to; r++) {
      int n = r / g.outH();
      int oh = r - n * g.outH();
      int dyRow = dy.offset() + r * ow * c;
      if (withBias) {
        float[] b = acc[accFrom + taps];
        for (int t = 0; t < ow * c; t++) {
          b[t] += d[dyRow + t];
        }
      }
      for (int i = 0; i < g.kh(); i++) {
        int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
        if (ih < 0 || ih >= g.inH()) {
          continue;
        }
        int xRow = x.offset() + (n * g.inH() + ih) * g.inW() * c;
        for (int j = 0; j < g.kw(); j++) {
          int shift = j * g.dilationW() - g.padLeft();
          int w0 = firstValid(shift, 1);
          int w1 = endValid(shift, 1, g.inW(), ow);
          if (w0 < w1) {
            mac(
                acc[accFrom + i * g.kw() + j],
                w0 * c,
                xa,
                xRow + (w0 + shift) * c,
                d,
                dyRow + w0 * c,
                (w1 - w0) * c);
          }
        }
      }
    }
  }

  private static void kernelGradPixels(
      Tensor x, Tensor dy, ConvGeometry g, int m, float[] acc, boolean withBias, int from, int to) {
    int c = g.channels();
    int q = c * m;
    int ow = g.outW();
    int biasAt = g.kh() * g.kw() * q;
    float[] xa = x.array();
    float[] d = dy.array();
    for (int r = from; r < to; r++) {
      int n = r / g.outH();
      int oh = r - n * g.outH();
      int dyRow = dy.offset() + r * ow * q;
      if (withBias) {
        for (int w = 0; w < ow; w++) {
          for (int t = 0; t < q; t++) {
            acc[biasAt + t] += d[dyRow + w * q + t];
          }
        }
      }
      for (int i = 0; i < g.kh(); i++) {
        int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
        if (ih < 0 || ih >= g.inH()) {
          continue;
        }
        int xRow = x.offset() + (n * g.inH() + ih) * g.inW() * c;
        for (int j = 0; j < g.kw(); j++) {
          int shift = j * g.dilationW() - g.padLeft();
          int w1 = endValid(shift, g.strideW(), g.inW(), ow);
          int kAt = (i * g.kw() + j) * q;
          for (int w = firstValid(shift, g.strideW()); w < w1; w++) {
            int xp = xRow + (w * g.strideW() + shift) * c;
            int dp = dyRow + w * q;
            if (m == 1) {
              mac(acc, kAt, d, dp, xa, xp, c);
            } else {
              for (int ci = 0; ci < c; ci++) {
                float v = xa[xp + ci];
                int at = ci * m;
                for (int mi = 0; mi < m; mi++) {
                  acc[kAt + at + mi] += v * d[dp + at + mi];
                }
              }
            }
          }
        }
      }
    }
  }

  // ---- shape checks ----

  /** Checks a (kh, kw, C, M) kernel against g; returns M. */
  private static int checkKernel(String op, Tensor kernel, ConvGeometry g) {
    Shape s = kernel.shape();
    if (s.rank() != 4 || s.dim(0) != g.kh() || s.dim(1) != g.kw() || s.dim(2) != g.channels()) {
      throw new IllegalArgumentException(
          op
              + ": kernel shape "
              + s
              + " is not (kh, kw, C, M) = ("
              + g.kh()
              + ", "
              + g.kw()
              + ", "
              + g.channels()
              + ", M)");
    }
    return s.dim(3);
  }

  private static void checkGradients(
      String op, Tensor x, Tensor dy, ConvGeometry g, int m, Tensor grad) {
    int n =
        Conv2d.checkImage(op, "input", x, Conv2d.batch(x), g.inH(), g.inW(), g.channels(), grad);
    Conv2d.checkImage(op, "output gradient", dy, n, g.outH(), g.outW(), g.channels() * m, x);
  }

  // ---- warm-up ----

  /**
   * Runs both row kernels once on a tiny problem with every branch real calls take: tiles and their
   * remainder, both borders, channels past the last whole vector, with and without bias, a full
   * chunk of taps and a short one.
   */
  private static void exercise(DepthwiseRowKernel k) {
    int c = Problem.C;
    int w = Problem.W;
    // A full chunk of taps with a bias, then a short one without.
    for (int taps = 9; taps >= 6; taps -= 3) {
      float[] bias = taps == 9 ? Problem.K : null;
      k.row(
          Exercise.X,
          0,
          Problem.ROW_OFF,
          Problem.SHIFT,
          Problem.K,
          Problem.K_OFF,
          taps,
          w,
          bias,
          0,
          Problem.OUT,
          0,
          w,
          c);
      k.gradientRow(
          Exercise.X,
          0,
          Problem.ROW_OFF,
          Problem.SHIFT,
          taps,
          w,
          Problem.OUT,
          0,
          w,
          c,
          Problem.ACC,
          Problem.K_OFF,
          bias != null,
          9 * c);
    }
  }

  /** The exercise's arrays: three input rows of 14 pixels (source: {@link Exercise#X}). */
  private static final class Problem {
    /** Channels: whole vectors of 4, 8 or 16 lanes and three more. */
    static final int C = 19;

    /** Pixels of a row: two tiles of six, a remainder and the borders. */
    static final int W = 14;

    static final int[] ROW_OFF = {0, 0, 0, W * C, W * C, W * C, 2 * W * C, 2 * W * C, 2 * W * C};
    static final int[] SHIFT = {-1, 0, 1, -1, 0, 1, -1, 0, 1};
    static final int[] K_OFF = {0, C, 2 * C, 3 * C, 4 * C, 5 * C, 6 * C, 7 * C, 8 * C};
    static final float[] K = Exercise.floats(10 * C);
    static final float[] OUT = Exercise.floats(W * C);
    static final float[] ACC = new float[10 * C];
  }
}
