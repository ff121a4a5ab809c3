package dev.graft.tensor.conv;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.conv.ConvGeometry.Padding;
import java.util.Arrays;

/**
 * 2-D pooling with Keras semantics on channels-last images {@code (N, H, W, C)}: max and average
 * pooling over windows described by a {@link ConvGeometry} (pool size, strides, padding), and
 * global max and average pooling over H and W.
 *
 * <p>Padding never contributes: max pooling treats padded positions as {@code -inf}, and average
 * pooling with {@code same} padding divides by the number of in-range elements of each window, as
 * Keras/TensorFlow do. Max pooling routes the whole gradient to the first maximum of a window (taps
 * in row-major order), so ties go to the top-left.
 */
public final class Pool2d {
  private Pool2d() {}

  /**
   * Keras's default pooling geometry: 2x2 windows, strides 2, {@code valid}.
   *
   * @param input the NHWC input shape {@code (N, H, W, C)}; N may be unknown
   * @return the pooling geometry (no dilation)
   */
  public static ConvGeometry geometry(Shape input) {
    return geometry(input, 2, 2, 2, 2, Padding.VALID);
  }

  /**
   * The geometry of {@code (ph, pw)} windows with strides {@code (sh, sw)} over input.
   *
   * @param input the NHWC input shape {@code (N, H, W, C)}; N may be unknown
   * @param ph the window height
   * @param pw the window width
   * @param sh the vertical stride
   * @param sw the horizontal stride
   * @param padding the Keras padding mode
   * @return the pooling geometry (no dilation)
   */
  public static ConvGeometry geometry(
      Shape input, int ph, int pw, int sh, int sw, Padding padding) {
    return ConvGeometry.forInput(input, ph, pw, sh, sw, 1, 1, padding);
  }

  // ---- max pooling ----

  /**
   * {@code out[n, oh, ow, c] = max over the window's in-range taps of x[n, ih, iw, c]}. If {@code
   * argmax} is not null, {@code argmax[i]} receives, for output element i, the index of the chosen
   * element within x (relative to {@code x.offset()}), for {@link #maxBackward(Tensor, int[],
   * Tensor)}. Returns {@code out}.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param g the pooling geometry over {@code x}'s images
   * @param out the pooled output {@code (N, OH, OW, C)}, overwritten
   * @param argmax receives each output element's source index in {@code x}'s array (relative to
   *     {@code x.offset()}), at least {@code out.size()} long; or null
   * @return {@code out}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or argmax is too short
   */
  public static Tensor maxForward(Tensor x, ConvGeometry g, Tensor out, int[] argmax) {
    int n = check("max_pool2d", "input", x, Conv2d.batch(x), g.inH(), g.inW(), g.channels(), null);
    check("max_pool2d", "output", out, n, g.outH(), g.outW(), g.channels(), x);
    if (argmax != null && argmax.length < out.size()) {
      throw new IllegalArgumentException(
          "max_pool2d: argmax buffer of length "
              + argmax.length
              + " is shorter than output shape "
              + out.shape()
              + " for input shape "
              + x.shape());
    }
    Parallel.forRange(
        n * g.outH(), 1, (from, to) -> PoolLoops.maxRows(x, g, out, argmax, null, from, to));
    return out;
  }

  /**
   * {@link #maxForward(Tensor, ConvGeometry, Tensor, int[])} recording, for each output element,
   * the window tap {@code i * kw + j} of its first maximum as a float in {@code taps} (shaped like
   * {@code out}), for {@link #maxBackwardFromTaps}: a few floats per window that a plan can keep
   * beside the output, and whatever the batch size, exact in a float. Returns {@code out}.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param g the pooling geometry over {@code x}'s images
   * @param out the pooled output {@code (N, OH, OW, C)}, overwritten
   * @param taps receives each output element's window tap {@code i * kw + j}, of {@code out}'s
   *     shape
   * @return {@code out}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor maxForwardWithTaps(Tensor x, ConvGeometry g, Tensor out, Tensor taps) {
    int n = check("max_pool2d", "input", x, Conv2d.batch(x), g.inH(), g.inW(), g.channels(), null);
    check("max_pool2d", "output", out, n, g.outH(), g.outW(), g.channels(), x);
    check("max_pool2d", "taps", taps, n, g.outH(), g.outW(), g.channels(), out);
    Parallel.forRange(
        n * g.outH(), 1, (from, to) -> PoolLoops.maxRows(x, g, out, null, taps, from, to));
    return out;
  }

  /**
   * The gradient of max pooling from the window taps recorded by {@link #maxForwardWithTaps}:
   * {@code dx} is zero except that each {@code dy} element is added at its tap; a tap past the
   * window ({@link ConvPool#noTap}, where a fused ReLU passed no gradient) adds nothing. Overwrites
   * and returns {@code dx}.
   *
   * @param dy the output gradient, of the pooled output's shape
   * @param taps the window taps {@link #maxForwardWithTaps} recorded, of {@code dy}'s shape
   * @param g the pooling geometry over the input images
   * @param dx receives the input gradient, of the input's shape, overwritten
   * @return {@code dx}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor maxBackwardFromTaps(Tensor dy, Tensor taps, ConvGeometry g, Tensor dx) {
    int n =
        check(
            "max_pool2d_backward",
            "input gradient",
            dx,
            Conv2d.batch(dx),
            g.inH(),
            g.inW(),
            g.channels(),
            dy);
    check("max_pool2d_backward", "output gradient", dy, n, g.outH(), g.outW(), g.channels(), dx);
    check("max_pool2d_backward", "taps", taps, n, g.outH(), g.outW(), g.channels(), dy);
    int[] offsets = tapOffsets(g);
    Parallel.forRange(
        n, 1, (from, to) -> PoolLoops.maxBackwardFromTaps(dy, taps, g, dx, offsets, from, to));
    return dx;
  }

  private static final ThreadLocal<int[][]> TAP_OFFSETS =
      ThreadLocal.withInitial(() -> new int[1][0]);

  /** Offset of window tap i*kw + j from the window's top-left corner, in floats of x. */
  static int[] tapOffsets(ConvGeometry g) {
    int[][] holder = TAP_OFFSETS.get();
    int taps = g.kh() * g.kw();
    if (holder[0].length < taps) {
      holder[0] = new int[taps];
    }
    int[] off = holder[0];
    for (int i = 0; i < g.kh(); i++) {
      for (int j = 0; j < g.kw(); j++) {
        off[i * g.kw() + j] = (i * g.dilationH() * g.inW() + j * g.dilationW()) * g.channels();
      }
    }
    return off;
  }

  /**
   * {@link #maxForward(Tensor, ConvGeometry, Tensor, int[])} into a new tensor, no argmax.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param g the pooling geometry over {@code x}'s images
   * @return a new tensor {@code (N, OH, OW, C)}
   */
  public static Tensor maxForward(Tensor x, ConvGeometry g) {
    return maxForward(x, g, Tensor.zeros(g.outputShape(Conv2d.batch(x), g.channels())), null);
  }

  /**
   * The gradient of max pooling from recorded positions: {@code dx} is zero except {@code
   * dx[argmax[i]] += dy[i]}. Overwrites and returns {@code dx}.
   *
   * @param dy the output gradient, of the pooled output's shape
   * @param argmax the source indices {@link #maxForward(Tensor, ConvGeometry, Tensor, int[])}
   *     recorded, at least {@code dy.size()} long
   * @param dx receives the input gradient, of the input's shape, overwritten
   * @return {@code dx}
   * @throws IllegalArgumentException if argmax is shorter than dy, or the batch sizes differ
   */
  public static Tensor maxBackward(Tensor dy, int[] argmax, Tensor dx) {
    if (argmax.length < dy.size()
        || dy.rank() != 4
        || dx.rank() != 4
        || dy.shape().dim(0) != dx.shape().dim(0)
        || dy.shape().dim(3) != dx.shape().dim(3)) {
      throw new IllegalArgumentException(
          "max_pool2d_backward: output gradient shape "
              + dy.shape()
              + " and input gradient shape "
              + dx.shape()
              + " disagree (argmax length "
              + argmax.length
              + ")");
    }
    int n = dy.shape().dim(0);
    int outImage = dy.size() / Math.max(1, n);
    int inImage = dx.size() / Math.max(1, n);
    Parallel.forRange(
        n,
        1,
        (from, to) -> {
          float[] d = dx.array();
          float[] g = dy.array();
          int xo = dx.offset();
          Arrays.fill(d, xo + from * inImage, xo + to * inImage, 0f);
          for (int i = from * outImage, end = to * outImage; i < end; i++) {
            d[xo + argmax[i]] += g[dy.offset() + i];
          }
        });
    return dx;
  }

  /**
   * The gradient of max pooling, recomputing the maxima from {@code x}: each {@code dy} element is
   * added at the first maximum of its window. Overwrites and returns {@code dx}.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param dy the output gradient, of the pooled output's shape
   * @param g the pooling geometry over {@code x}'s images
   * @param dx receives the input gradient, of the input's shape, overwritten
   * @return {@code dx}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor maxBackward(Tensor x, Tensor dy, ConvGeometry g, Tensor dx) {
    int n =
        check(
            "max_pool2d_backward", "input", x, Conv2d.batch(x), g.inH(), g.inW(), g.channels(), dy);
    check("max_pool2d_backward", "input gradient", dx, n, g.inH(), g.inW(), g.channels(), x);
    check("max_pool2d_backward", "output gradient", dy, n, g.outH(), g.outW(), g.channels(), x);
    Parallel.forRange(n, 1, (from, to) -> PoolLoops.maxBackwardImages(x, dy, g, dx, from, to));
    return dx;
  }

  // ---- average pooling ----

  /**
   * {@code out[n, oh, ow, c] = mean over the window's in-range taps of x[n, ih, iw, c]} (padding is
   * not counted). Returns {@code out}.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param g the pooling geometry over {@code x}'s images
   * @param out the pooled output {@code (N, OH, OW, C)}, overwritten
   * @return {@code out}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor avgForward(Tensor x, ConvGeometry g, Tensor out) {
    int n = check("avg_pool2d", "input", x, Conv2d.batch(x), g.inH(), g.inW(), g.channels(), null);
    check("avg_pool2d", "output", out, n, g.outH(), g.outW(), g.channels(), x);
    Parallel.forRange(
        n, 1, (from, to) -> PoolLoops.windows(x, out, g, null, from, to, PoolLoops.AVG_FORWARD));
    return out;
  }

  /**
   * {@link #avgForward(Tensor, ConvGeometry, Tensor)} into a new tensor.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param g the pooling geometry over {@code x}'s images
   * @return a new tensor {@code (N, OH, OW, C)}
   */
  public static Tensor avgForward(Tensor x, ConvGeometry g) {
    return avgForward(x, g, Tensor.zeros(g.outputShape(Conv2d.batch(x), g.channels())));
  }

  /**
   * The gradient of average pooling: each {@code dy} element is spread evenly over its window's
   * in-range taps. Overwrites and returns {@code dx}.
   *
   * @param dy the output gradient, of the pooled output's shape
   * @param g the pooling geometry over the input images
   * @param dx receives the input gradient, of the input's shape, overwritten
   * @return {@code dx}
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor avgBackward(Tensor dy, ConvGeometry g, Tensor dx) {
    int n =
        check(
            "avg_pool2d_backward",
            "input gradient",
            dx,
            Conv2d.batch(dx),
            g.inH(),
            g.inW(),
            g.channels(),
            dy);
    check("avg_pool2d_backward", "output gradient", dy, n, g.outH(), g.outW(), g.channels(), dx);
    Parallel.forRange(
        n, 1, (from, to) -> PoolLoops.windows(null, dy, g, dx, from, to, PoolLoops.AVG_BACKWARD));
    return dx;
  }

  // ---- global pooling ----

  /**
   * {@code out[n, c] = mean_{h, w} x[n, h, w, c]} (Keras GlobalAveragePooling2D). Returns {@code
   * out}.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param out the output {@code (N, C)}, overwritten
   * @return {@code out}
   * @throws IllegalArgumentException unless x is {@code (N, H, W, C)} and out {@code (N, C)}
   */
  public static Tensor globalAvgForward(Tensor x, Tensor out) {
    int hw = checkGlobal("global_avg_pool2d", x, out);
    int c = out.shape().dim(1);
    float[] a = x.array();
    float[] o = out.array();
    for (int n = 0; n < out.shape().dim(0); n++) {
      int ob = out.offset() + n * c;
      Arrays.fill(o, ob, ob + c, 0f);
      for (int p = 0, xb = x.offset() + n * hw * c; p < hw; p++, xb += c) {
        for (int ch = 0; ch < c; ch++) {
          o[ob + ch] += a[xb + ch];
        }
      }
      for (int ch = 0; ch < c; ch++) {
        o[ob + ch] /= hw;
      }
    }
    return out;
  }

  /**
   * {@link #globalAvgForward(Tensor, Tensor)} into a new tensor.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @return a new tensor {@code (N, C)}
   */
  public static Tensor globalAvgForward(Tensor x) {
    Shape s = x.shape();
    return globalAvgForward(x, Tensor.zeros(Conv2d.batch(x), s.rank() == 4 ? s.dim(3) : 1));
  }

  /**
   * The gradient of global average pooling: {@code dx[n, h, w, c] = dy[n, c] / (H * W)}. Overwrites
   * and returns {@code dx}.
   *
   * @param dy the output gradient {@code (N, C)}
   * @param dx receives the input gradient {@code (N, H, W, C)}, overwritten
   * @return {@code dx}
   * @throws IllegalArgumentException unless dx is {@code (N, H, W, C)} and dy {@code (N, C)}
   */
  public static Tensor globalAvgBackward(Tensor dy, Tensor dx) {
    int hw = checkGlobal("global_avg_pool2d_backward", dx, dy);
    int c = dy.shape().dim(1);
    float[] d = dx.array();
    float[] g = dy.array();
    for (int n = 0; n < dy.shape().dim(0); n++) {
      int gb = dy.offset() + n * c;
      for (int p = 0, xb = dx.offset() + n * hw * c; p < hw; p++, xb += c) {
        for (int ch = 0; ch < c; ch++) {
          d[xb + ch] = g[gb + ch] / hw;
        }
      }
    }
    return dx;
  }

  /**
   * {@code out[n, c] = max_{h, w} x[n, h, w, c]} (Keras GlobalMaxPooling2D). Returns {@code out}.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param out the output {@code (N, C)}, overwritten
   * @return {@code out}
   * @throws IllegalArgumentException unless x is {@code (N, H, W, C)} and out {@code (N, C)}
   */
  public static Tensor globalMaxForward(Tensor x, Tensor out) {
    checkGlobal("global_max_pool2d", x, out);
    return globalMax(x, out, null, null);
  }

  /**
   * {@link #globalMaxForward(Tensor, Tensor)} into a new tensor.
   *
   * @param x the input images {@code (N, H, W, C)}
   * @return a new tensor {@code (N, C)}
   */
  public static Tensor globalMaxForward(Tensor x) {
    Shape s = x.shape();
    return globalMaxForward(x, Tensor.zeros(Conv2d.batch(x), s.rank() == 4 ? s.dim(3) : 1));
  }

  /**
   * The gradient of global max pooling: {@code dy[n, c]} goes to the first maximum of channel c of
   * image n in {@code x}; the rest of {@code dx} is zero. Overwrites and returns {@code dx}.
   *
   * @param x the input images {@code (N, H, W, C)} of the forward pass
   * @param dy the output gradient {@code (N, C)}
   * @param dx receives the input gradient {@code (N, H, W, C)}, overwritten
   * @return {@code dx}
   * @throws IllegalArgumentException unless x and dx are {@code (N, H, W, C)} and dy {@code (N, C)}
   */
  public static Tensor globalMaxBackward(Tensor x, Tensor dy, Tensor dx) {
    checkGlobal("global_max_pool2d_backward", x, dy);
    Shape s = x.shape();
    check(
        "global_max_pool2d_backward",
        "input gradient",
        dx,
        s.dim(0),
        s.dim(1),
        s.dim(2),
        s.dim(3),
        x);
    Arrays.fill(dx.array(), dx.offset(), dx.offset() + dx.size(), 0f);
    globalMax(x, null, dy, dx);
    return dx;
  }

  /** Finds first maxima per (n, c); writes them to out, or routes dy to them in dx. */
  private static Tensor globalMax(Tensor x, Tensor out, Tensor dy, Tensor dx) {
    Shape s = x.shape();
    int hw = s.dim(1) * s.dim(2);
    int c = s.dim(3);
    float[] a = x.array();
    for (int n = 0; n < s.dim(0); n++) {
      int img = x.offset() + n * hw * c;
      for (int ch = 0; ch < c; ch++) {
        int best = img + ch;
        for (int p = 1, xb = best + c; p < hw; p++, xb += c) {
          if (a[xb] > a[best]) {
            best = xb;
          }
        }
        if (out != null) {
          out.array()[out.offset() + n * c + ch] = a[best];
        } else {
          dx.array()[dx.offset() + best - x.offset()] += dy.array()[dy.offset() + n * c + ch];
        }
      }
    }
    return out != null ? out : dx;
  }

  // ---- shape checks ----

  private static int check(
      String op, String role, Tensor t, int n, int h, int w, int c, Tensor other) {
    return Conv2d.checkImage(op, role, t, n, h, w, c, other);
  }

  /** Checks image (N, H, W, C) against pooled (N, C); returns H * W. */
  private static int checkGlobal(String op, Tensor image, Tensor pooled) {
    Shape s = image.shape();
    Shape p = pooled.shape();
    if (s.rank() != 4 || p.rank() != 2 || p.dim(0) != s.dim(0) || p.dim(1) != s.dim(3)) {
      throw new IllegalArgumentException(
          op + ": image shape " + s + " and pooled shape " + p + " disagree");
    }
    return s.dim(1) * s.dim(2);
  }
}
