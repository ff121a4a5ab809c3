package dev.graft.tensor;

import dev.graft.tensor.ConvGeometry.Padding;
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

  /** Keras's default pooling geometry: 2x2 windows, strides 2, {@code valid}. */
  public static ConvGeometry geometry(Shape input) {
    return geometry(input, 2, 2, 2, 2, Padding.VALID);
  }

  /** The geometry of {@code (ph, pw)} windows with strides {@code (sh, sw)} over input. */
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
    Parallel.forRange(n * g.outH(), 1, (from, to) -> maxRows(x, g, out, argmax, from, to));
    return out;
  }

  /** {@link #maxForward(Tensor, ConvGeometry, Tensor, int[])} into a new tensor, no argmax. */
  public static Tensor maxForward(Tensor x, ConvGeometry g) {
    return maxForward(x, g, Tensor.zeros(g.outputShape(Conv2d.batch(x), g.channels())), null);
  }

  /**
   * The gradient of max pooling from recorded positions: {@code dx} is zero except {@code
   * dx[argmax[i]] += dy[i]}. Overwrites and returns {@code dx}.
   *
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
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor maxBackward(Tensor x, Tensor dy, ConvGeometry g, Tensor dx) {
    int n =
        check(
            "max_pool2d_backward", "input", x, Conv2d.batch(x), g.inH(), g.inW(), g.channels(), dy);
    check("max_pool2d_backward", "input gradient", dx, n, g.inH(), g.inW(), g.channels(), x);
    check("max_pool2d_backward", "output gradient", dy, n, g.outH(), g.outW(), g.channels(), x);
    Parallel.forRange(n, 1, (from, to) -> maxBackwardImages(x, dy, g, dx, from, to));
    return dx;
  }

  // ---- average pooling ----

  /**
   * {@code out[n, oh, ow, c] = mean over the window's in-range taps of x[n, ih, iw, c]} (padding is
   * not counted). Returns {@code out}.
   *
   * @throws IllegalArgumentException if a shape disagrees with {@code g} or the others
   */
  public static Tensor avgForward(Tensor x, ConvGeometry g, Tensor out) {
    int n = check("avg_pool2d", "input", x, Conv2d.batch(x), g.inH(), g.inW(), g.channels(), null);
    check("avg_pool2d", "output", out, n, g.outH(), g.outW(), g.channels(), x);
    Parallel.forRange(n, 1, (from, to) -> windows(x, out, g, null, from, to, AVG_FORWARD));
    return out;
  }

  /** {@link #avgForward(Tensor, ConvGeometry, Tensor)} into a new tensor. */
  public static Tensor avgForward(Tensor x, ConvGeometry g) {
    return avgForward(x, g, Tensor.zeros(g.outputShape(Conv2d.batch(x), g.channels())));
  }

  /**
   * The gradient of average pooling: each {@code dy} element is spread evenly over its window's
   * in-range taps. Overwrites and returns {@code dx}.
   *
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
    Parallel.forRange(n, 1, (from, to) -> windows(null, dy, g, dx, from, to, AVG_BACKWARD));
    return dx;
  }

  // ---- global pooling ----

  /**
   * {@code out[n, c] = mean_{h, w} x[n, h, w, c]} (Keras GlobalAveragePooling2D). Returns {@code
   * out}.
   *
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

  /** {@link #globalAvgForward(Tensor, Tensor)} into a new tensor. */
  public static Tensor globalAvgForward(Tensor x) {
    Shape s = x.shape();
    return globalAvgForward(x, Tensor.zeros(Conv2d.batch(x), s.rank() == 4 ? s.dim(3) : 1));
  }

  /**
   * The gradient of global average pooling: {@code dx[n, h, w, c] = dy[n, c] / (H * W)}. Overwrites
   * and returns {@code dx}.
   *
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
   * @throws IllegalArgumentException unless x is {@code (N, H, W, C)} and out {@code (N, C)}
   */
  public static Tensor globalMaxForward(Tensor x, Tensor out) {
    checkGlobal("global_max_pool2d", x, out);
    return globalMax(x, out, null, null);
  }

  /** {@link #globalMaxForward(Tensor, Tensor)} into a new tensor. */
  public static Tensor globalMaxForward(Tensor x) {
    Shape s = x.shape();
    return globalMaxForward(x, Tensor.zeros(Conv2d.batch(x), s.rank() == 4 ? s.dim(3) : 1));
  }

  /**
   * The gradient of global max pooling: {@code dy[n, c]} goes to the first maximum of channel c of
   * image n in {@code x}; the rest of {@code dx} is zero. Overwrites and returns {@code dx}.
   *
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

  // ---- window loops ----

  private static final int AVG_FORWARD = 1;
  private static final int AVG_BACKWARD = 2;

  /** Max pooling of output rows [from, to) (row = n * OH + oh), optionally recording argmax. */
  private static void maxRows(
      Tensor x, ConvGeometry g, Tensor out, int[] argmax, int from, int to) {
    int c = g.channels();
    float[] a = x.array();
    float[] o = out.array();
    for (int r = from; r < to; r++) {
      int n = r / g.outH();
      int oh = r - n * g.outH();
      int img = x.offset() + n * g.inH() * g.inW() * c;
      for (int ow = 0; ow < g.outW(); ow++) {
        int oi = (r * g.outW() + ow) * c;
        int ob = out.offset() + oi;
        boolean first = true;
        for (int i = 0; i < g.kh(); i++) {
          int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
          if (ih < 0 || ih >= g.inH()) {
            continue;
          }
          for (int j = 0; j < g.kw(); j++) {
            int iw = ow * g.strideW() - g.padLeft() + j * g.dilationW();
            if (iw < 0 || iw >= g.inW()) {
              continue;
            }
            int xb = img + (ih * g.inW() + iw) * c;
            if (first) {
              // The first in-range tap seeds the maxima, so padding never wins.
              System.arraycopy(a, xb, o, ob, c);
              if (argmax != null) {
                for (int ch = 0; ch < c; ch++) {
                  argmax[oi + ch] = xb - x.offset() + ch;
                }
              }
              first = false;
            } else if (argmax == null) {
              for (int ch = 0; ch < c; ch++) {
                o[ob + ch] = Math.max(o[ob + ch], a[xb + ch]);
              }
            } else {
              // Branch-free: on random data a branch here mispredicts half the time (measured
              // 8x slower). v > cur exactly when cur - v is negative; a NaN difference (both
              // -inf) would move the index to a later equal -inf, which carries no gradient anyway.
              int at = xb - x.offset();
              for (int ch = 0; ch < c; ch++) {
                float v = a[xb + ch];
                float cur = o[ob + ch];
                int mask = Float.floatToRawIntBits(cur - v) >> 31;
                o[ob + ch] = Math.max(cur, v);
                argmax[oi + ch] = ((at + ch) & mask) | (argmax[oi + ch] & ~mask);
              }
            }
          }
        }
      }
    }
  }

  /**
   * Loops over the windows of images [from, to) for the modes that touch every tap: average forward
   * (x to y) and average backward (y is dy, to dx).
   */
  private static void windows(
      Tensor x, Tensor y, ConvGeometry g, Tensor dx, int from, int to, int mode) {
    int c = g.channels();
    int image = g.inH() * g.inW() * c;
    if (dx != null) {
      Arrays.fill(dx.array(), dx.offset() + from * image, dx.offset() + to * image, 0f);
    }
    float[] yv = y.array();
    for (int n = from; n < to; n++) {
      for (int oh = 0; oh < g.outH(); oh++) {
        int h0 = oh * g.strideH() - g.padTop();
        int iFrom = firstTap(h0, g.dilationH());
        int iTo = endTap(h0, g.kh(), g.inH(), g.dilationH());
        for (int ow = 0; ow < g.outW(); ow++) {
          int w0 = ow * g.strideW() - g.padLeft();
          int jFrom = firstTap(w0, g.dilationW());
          int jTo = endTap(w0, g.kw(), g.inW(), g.dilationW());
          int yb = y.offset() + ((n * g.outH() + oh) * g.outW() + ow) * c;
          int pix = n * image;
          float inv = 1f / ((iTo - iFrom) * (jTo - jFrom));
          if (mode == AVG_FORWARD) {
            Arrays.fill(yv, yb, yb + c, 0f);
          }
          for (int i = iFrom; i < iTo; i++) {
            for (int j = jFrom; j < jTo; j++) {
              int at = pix + ((h0 + i * g.dilationH()) * g.inW() + w0 + j * g.dilationW()) * c;
              if (mode == AVG_FORWARD) {
                float[] xv = x.array();
                int xb = x.offset() + at;
                for (int ch = 0; ch < c; ch++) {
                  yv[yb + ch] += xv[xb + ch];
                }
              } else {
                float[] d = dx.array();
                int db = dx.offset() + at;
                for (int ch = 0; ch < c; ch++) {
                  d[db + ch] += yv[yb + ch] * inv;
                }
              }
            }
          }
          if (mode == AVG_FORWARD) {
            for (int ch = 0; ch < c; ch++) {
              yv[yb + ch] *= inv;
            }
          }
        }
      }
    }
  }

  /** Per-thread scratch for {@link #maxBackwardImages}: running maxima and their positions. */
  private static final ThreadLocal<float[][]> BEST = ThreadLocal.withInitial(() -> new float[1][0]);

  private static final ThreadLocal<int[][]> BEST_AT = ThreadLocal.withInitial(() -> new int[1][0]);

  /**
   * Max pooling's gradient for images [from, to): recomputes each window's first maximum per
   * channel with the channel loop innermost and branch-free (as {@link #maxRows} does), then routes
   * dy there.
   */
  private static void maxBackwardImages(
      Tensor x, Tensor dy, ConvGeometry g, Tensor dx, int from, int to) {
    int c = g.channels();
    int image = g.inH() * g.inW() * c;
    float[] d = dx.array();
    float[] a = x.array();
    float[] gy = dy.array();
    int xo = x.offset();
    int dxo = dx.offset();
    Arrays.fill(d, dxo + from * image, dxo + to * image, 0f);
    float[][] bestHolder = BEST.get();
    int[][] atHolder = BEST_AT.get();
    if (bestHolder[0].length < c) {
      bestHolder[0] = new float[c];
      atHolder[0] = new int[c];
    }
    float[] best = bestHolder[0];
    int[] bestAt = atHolder[0];
    int r = from * g.outH();
    for (int n = from; n < to; n++) {
      int pix = n * image;
      for (int oh = 0; oh < g.outH(); oh++, r++) {
        int h0 = oh * g.strideH() - g.padTop();
        int hTaps = endTap(h0, g.kh(), g.inH(), g.dilationH());
        for (int ow = 0, yb = dy.offset() + r * g.outW() * c; ow < g.outW(); ow++, yb += c) {
          int w0 = ow * g.strideW() - g.padLeft();
          int wTaps = endTap(w0, g.kw(), g.inW(), g.dilationW());
          boolean first = true;
          for (int i = firstTap(h0, g.dilationH()); i < hTaps; i++) {
            for (int j = firstTap(w0, g.dilationW()); j < wTaps; j++) {
              int at = pix + ((h0 + i * g.dilationH()) * g.inW() + w0 + j * g.dilationW()) * c;
              int xb = xo + at;
              if (first) {
                System.arraycopy(a, xb, best, 0, c);
                for (int ch = 0; ch < c; ch++) {
                  bestAt[ch] = at + ch;
                }
                first = false;
                continue;
              }
              // v > cur exactly when cur - v is negative: a branch would mispredict on random data.
              for (int ch = 0; ch < c; ch++) {
                float v = a[xb + ch];
                float cur = best[ch];
                int mask = Float.floatToRawIntBits(cur - v) >> 31;
                best[ch] = Math.max(cur, v);
                bestAt[ch] = ((at + ch) & mask) | (bestAt[ch] & ~mask);
              }
            }
          }
          if (!first) {
            for (int ch = 0; ch < c; ch++) {
              d[dxo + bestAt[ch]] += gy[yb + ch];
            }
          }
        }
      }
    }
  }

  /** The first tap of a window starting at {@code start} that lies at or after position 0. */
  private static int firstTap(int start, int dilation) {
    return Math.max(0, ceilDiv(-start, dilation));
  }

  /** One past the last of k taps of a window starting at {@code start} that lies before in. */
  private static int endTap(int start, int k, int in, int dilation) {
    return Math.min(k, ceilDiv(in - start, dilation));
  }

  private static int ceilDiv(int a, int b) {
    // Called per window; b (the dilation) is nearly always 1, and floorDiv costs a real division.
    return b == 1 ? a : -Math.floorDiv(-a, b);
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
