package dev.graft.tensor.vector;

import dev.graft.tensor.conv.ConvGeometry;
import dev.graft.tensor.conv.ConvRowKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution kernels on the Vector API ({@code jdk.incubator.vector}), for layers with few
 * input channels such as a first layer over RGB images.
 *
 * <p>There the im2col products are thin (K = kh*kw*Cin = 27 for 3x3 over RGB) and BLAS runs them at
 * 40–70 GFLOP/s per core, after an im2col pass. These loops read the input in place. The forward
 * pass holds six output pixels' channels in vector registers over all taps of their windows (the
 * border pixels of a padded row, and a row's last few, go tap by tap); the kernel gradient holds
 * three taps' rows of it while it walks an output row.
 *
 * <p>Layouts are channels-last as in {@link dev.graft.tensor.conv.Conv2d}: the input (N, H, W,
 * Cin), output rows of (OW, Cout), the kernel (kh*kw*Cin, Cout) in (i, j, ci) order. The output
 * channels go in blocks of {@link #channelBlock()}, which must divide Cout. Nothing is checked
 * here: the callers in {@code dev.graft.tensor} check shapes. This class is made by name, only when
 * the JVM has the {@code jdk.incubator.vector} module ({@code --add-modules jdk.incubator.vector}).
 */
public final class VectorConv implements ConvRowKernels {
  /** Made by name when the module is present (see {@link ConvRowKernels}). */
  public VectorConv() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Two vectors of output channels. */
  @Override
  public int channelBlock() {
    return 2 * L;
  }

  @Override
  public int forwardTile() {
    return TILE;
  }

  /**
   * Output rows {@code [oh0, oh0 + count)} of image {@code n}, written from {@code out[outOff]}
   * ({@code count * OW * cout} floats): the bias (or zero when {@code bias} is null), plus the
   * convolution of {@code x} (image 0 at {@code xOff}) with the kernel at {@code w[wOff]}.
   */
  @Override
  public void forwardRows(
      float[] x,
      int xOff,
      ConvGeometry g,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      int cout,
      int n,
      int oh0,
      int count,
      float[] out,
      int outOff) {
    int from = interiorFrom(g);
    int to = interiorTo(g, from);
    int tiled = from + (to - from) / TILE * TILE;
    for (int q = 0; q < count; q++) {
      int o = outOff + q * g.outW() * cout;
      fill(bias, bOff, cout, out, o, from);
      fill(bias, bOff, cout, out, o + tiled * cout, g.outW() - tiled);
      tiles(x, xOff, g, w, wOff, bias, bOff, out, o, cout, n, oh0 + q, from, tiled);
      row(x, xOff, g, w, wOff, out, o, cout, n, oh0 + q, false, 0, from);
      row(x, xOff, g, w, wOff, out, o, cout, n, oh0 + q, false, tiled, g.outW());
    }
  }

  /**
   * Output pixels a {@link #tile} convolves together. Eight (sixteen accumulators) passed C2's node
   * budget for inlining ({@code NodeCountInliningCutoff}): the final stores' vectors were then
   * boxed, 1.5 KB a tile.
   */
  private static final int TILE = 6;

  /** The first output column whose window's columns are all inside the input. */
  private static int interiorFrom(ConvGeometry g) {
    return g.insideFrom(-g.padLeft());
  }

  /**
   * One past the last output column whose window's columns are all inside; at least {@code from}.
   */
  private static int interiorTo(ConvGeometry g, int from) {
    int last = (g.kw() - 1) * g.dilationW() - g.padLeft();
    return Math.max(from, g.insideTo(last, g.insideFrom(last)));
  }

  /**
   * The forward pass over output pixels {@code [from, to)} of row (n, oh), whose windows' columns
   * are all inside, {@link #TILE} pixels at a time ({@code to - from} a multiple of it). Each
   * element adds the taps in the same order as {@link #row} (window row, column, input channel),
   * one fused multiply-add each, so the results are those of the tap-by-tap walk.
   */
  private static void tiles(
      float[] x,
      int xOff,
      ConvGeometry g,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      float[] out,
      int o,
      int cout,
      int n,
      int oh,
      int from,
      int to) {
    int cin = g.channels();
    int top = oh * g.strideH() - g.padTop();
    // The window rows inside the image: ih = top + i * dilationH grows with i.
    int iLo = 0;
    while (iLo < g.kh() && top + iLo * g.dilationH() < 0) {
      iLo++;
    }
    int iHi = g.kh();
    while (iHi > iLo && top + (iHi - 1) * g.dilationH() >= g.inH()) {
      iHi--;
    }
    int rowStep = g.dilationH() * g.inW() * cin;
    int colStep = g.dilationW() * cin;
    int step = g.strideW() * cin;
    for (int p = from; p < to; p += TILE) {
      int xb = xOff + ((n * g.inH() + top) * g.inW() + p * g.strideW() - g.padLeft()) * cin;
      for (int cb = 0; cb < cout; cb += 2 * L) {
        tile(
            x,
            xb,
            rowStep,
            colStep,
            step,
            g.kw(),
            cin,
            iLo,
            iHi,
            w,
            wOff + cb,
            bias,
            bOff + cb,
            cout,
            out,
            o + p * cout + cb);
      }
    }
  }

  /**
   * {@link #TILE} output pixels' 2L channels, written from {@code out[at]} (a pixel every {@code
   * cout} floats): the bias from {@code bias[bo]} (zero when null) plus the convolution, kept in
   * registers over every tap of window rows {@code [iLo, iHi)}: pixel q of tap (i, j, ci) reads
   * {@code x[xb + i*rowStep + j*colStep + ci + q*step]} and the tap's weights {@code w[wb + ((i*kw
   * + j)*cin + ci)*cout]}.
   */
  private static void tile(
      float[] x,
      int xb,
      int rowStep,
      int colStep,
      int step,
      int kw,
      int cin,
      int iLo,
      int iHi,
      float[] w,
      int wb,
      float[] bias,
      int bo,
      int cout,
      float[] out,
      int at) {
    // Each pixel starts from the bias, as a filled row would: the same floats, no store and load.
    FloatVector b0 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, bo);
    FloatVector b1 = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, bo + L);
    FloatVector c00 = b0;
    FloatVector c01 = b1;
    FloatVector c10 = b0;
    FloatVector c11 = b1;
    FloatVector c20 = b0;
    FloatVector c21 = b1;
    FloatVector c30 = b0;
    FloatVector c31 = b1;
    FloatVector c40 = b0;
    FloatVector c41 = b1;
    FloatVector c50 = b0;
    FloatVector c51 = b1;
    // One loop over the taps, not one per window row, column and channel: nested loops (tried
    // with sixteen accumulators) had their vectors boxed every iteration, 2 GFLOP/s.
    int taps = (iHi - iLo) * kw * cin;
    int r = xb + iLo * rowStep;
    int t = wb + iLo * kw * cin * cout;
    for (int k = 0, ci = 0, j = 0; k < taps; k++, t += cout) {
      FloatVector w0 = FloatVector.fromArray(S, w, t);
      FloatVector w1 = FloatVector.fromArray(S, w, t + L);
      FloatVector b = FloatVector.broadcast(S, x[r]);
      c00 = b.fma(w0, c00);
      c01 = b.fma(w1, c01);
      b = FloatVector.broadcast(S, x[r + step]);
      c10 = b.fma(w0, c10);
      c11 = b.fma(w1, c11);
      b = FloatVector.broadcast(S, x[r + 2 * step]);
      c20 = b.fma(w0, c20);
      c21 = b.fma(w1, c21);
      b = FloatVector.broadcast(S, x[r + 3 * step]);
      c30 = b.fma(w0, c30);
      c31 = b.fma(w1, c31);
      b = FloatVector.broadcast(S, x[r + 4 * step]);
      c40 = b.fma(w0, c40);
      c41 = b.fma(w1, c41);
      b = FloatVector.broadcast(S, x[r + 5 * step]);
      c50 = b.fma(w0, c50);
      c51 = b.fma(w1, c51);
      if (++ci < cin) {
        r++;
      } else if (++j < kw) {
        ci = 0;
        r += colStep - cin + 1;
      } else {
        ci = 0;
        j = 0;
        r += rowStep - (kw - 1) * colStep - cin + 1;
      }
    }
    Lanes.known(c00).intoArray(out, at);
    Lanes.known(c01).intoArray(out, at + L);
    Lanes.known(c10).intoArray(out, at + cout);
    Lanes.known(c11).intoArray(out, at + cout + L);
    Lanes.known(c20).intoArray(out, at + 2 * cout);
    Lanes.known(c21).intoArray(out, at + 2 * cout + L);
    Lanes.known(c30).intoArray(out, at + 3 * cout);
    Lanes.known(c31).intoArray(out, at + 3 * cout + L);
    Lanes.known(c40).intoArray(out, at + 4 * cout);
    Lanes.known(c41).intoArray(out, at + 4 * cout + L);
    Lanes.known(c50).intoArray(out, at + 5 * cout);
    Lanes.known(c51).intoArray(out, at + 5 * cout + L);
  }

  /**
   * Adds the kernel gradient of output rows {@code [oh0, oh0 + count)} of image {@code n} to {@code
   * d[dOff]} ((kh*kw*Cin, Cout)), then, when {@code withBias}, their bias gradient to the next Cout
   * floats. The rows' output gradient starts at {@code dy[dyOff]}.
   */
  @Override
  public void kernelRows(
      float[] x,
      int xOff,
      ConvGeometry g,
      float[] dy,
      int dyOff,
      int cout,
      int n,
      int oh0,
      int count,
      float[] d,
      int dOff,
      boolean withBias) {
    int k = g.kh() * g.kw() * g.channels();
    for (int q = 0; q < count; q++) {
      int o = dyOff + q * g.outW() * cout;
      if (withBias) {
        sumRows(dy, o, g.outW(), cout, d, dOff + k * cout);
      }
      row(x, xOff, g, d, dOff, dy, o, cout, n, oh0 + q, true, 0, g.outW());
    }
  }

  /**
   * Output columns {@code [from, to)} of row (n, oh) in either pass, walked tap by tap: for each
   * window position whose input row is inside, the range of those columns whose input column is
   * inside, three input channels at a time. {@code taps[tapsOff ...]} is the (K x Cout) kernel, or
   * its gradient when {@code gradient}; {@code pixels[o ...]} is the output row, or its gradient.
   */
  private static void row(
      float[] x,
      int xOff,
      ConvGeometry g,
      float[] taps,
      int tapsOff,
      float[] pixels,
      int o,
      int cout,
      int n,
      int oh,
      boolean gradient,
      int from,
      int to) {
    if (from >= to) {
      // A row without border pixels: the geometry's divisions below would be its cost.
      return;
    }
    int cin = g.channels();
    int step = g.strideW() * cin;
    for (int i = 0; i < g.kh(); i++) {
      int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
      if (ih < 0 || ih >= g.inH()) {
        continue;
      }
      int rowX = xOff + (n * g.inH() + ih) * g.inW() * cin;
      for (int j = 0; j < g.kw(); j++) {
        int w0 = j * g.dilationW() - g.padLeft();
        int lo = Math.max(from, g.insideFrom(w0));
        int hi = Math.min(to, g.insideTo(w0, g.insideFrom(w0)));
        int xs = rowX + (lo * g.strideW() + w0) * cin;
        int t = tapsOff + (i * g.kw() + j) * cin * cout;
        int os = o + lo * cout;
        int ci = 0;
        for (; lo < hi && ci + 3 <= cin; ci += 3) {
          if (gradient) {
            kernel3(x, xs + ci, step, pixels, os, cout, taps, t + ci * cout, hi - lo);
          } else {
            forward3(x, xs + ci, step, taps, t + ci * cout, cout, pixels, os, hi - lo);
          }
        }
        for (; lo < hi && ci < cin; ci++) {
          if (gradient) {
            kernel1(x, xs + ci, step, pixels, os, cout, taps, t + ci * cout, hi - lo);
          } else {
            forward1(x, xs + ci, step, taps, t + ci * cout, cout, pixels, os, hi - lo);
          }
        }
      }
    }
  }

  @Override
  public void maxTiles2x2(
      float[] block,
      int rows,
      int convW,
      int c,
      float[] out,
      int outOff,
      float[] taps,
      int tapsOff) {
    int outW = convW / 2;
    FloatVector one = FloatVector.broadcast(S, 1f);
    FloatVector two = FloatVector.broadcast(S, 2f);
    FloatVector three = FloatVector.broadcast(S, 3f);
    for (int q = 0; q < rows; q++) {
      for (int w = 0; w < outW; w++) {
        int s0 = (q * 2 * convW + w * 2) * c;
        int s2 = s0 + convW * c;
        int at = (q * outW + w) * c;
        for (int ch = 0; ch < c; ch += L) {
          FloatVector v0 = FloatVector.fromArray(S, block, s0 + ch);
          FloatVector v1 = FloatVector.fromArray(S, block, s0 + c + ch);
          FloatVector v2 = FloatVector.fromArray(S, block, s2 + ch);
          FloatVector v3 = FloatVector.fromArray(S, block, s2 + c + ch);
          FloatVector top = v0.max(v1);
          FloatVector bottom = v2.max(v3);
          top.max(bottom).intoArray(out, outOff + at + ch);
          if (taps != null) {
            // By the sign bit of the difference, as PoolLoops decides: the same tap on ties of
            // signed zeros and infinities too. Written out: a helper taking a vector was not
            // always inlined, and then allocated every vector it was passed.
            FloatVector topTap =
                FloatVector.zero(S).blend(one, v0.sub(v1).reinterpretAsInts().lt(0).cast(S));
            FloatVector bottomTap = two.blend(three, v2.sub(v3).reinterpretAsInts().lt(0).cast(S));
            topTap
                .blend(bottomTap, top.sub(bottom).reinterpretAsInts().lt(0).cast(S))
                .intoArray(taps, tapsOff + at + ch);
          }
        }
      }
    }
  }

  @Override
  public void scatterTiles2x2(
      float[] dOut,
      int dOff,
      float[] taps,
      int tapsOff,
      int rows,
      int convW,
      int c,
      float[] block) {
    int outW = convW / 2;
    FloatVector zero = FloatVector.zero(S);
    for (int q = 0; q < rows; q++) {
      for (int w = 0; w < outW; w++) {
        int s0 = (q * 2 * convW + w * 2) * c;
        int s2 = s0 + convW * c;
        int at = (q * outW + w) * c;
        for (int ch = 0; ch < c; ch += L) {
          FloatVector g = FloatVector.fromArray(S, dOut, dOff + at + ch);
          FloatVector t = FloatVector.fromArray(S, taps, tapsOff + at + ch);
          zero.blend(g, t.eq(0f)).intoArray(block, s0 + ch);
          zero.blend(g, t.eq(1f)).intoArray(block, s0 + c + ch);
          zero.blend(g, t.eq(2f)).intoArray(block, s2 + ch);
          zero.blend(g, t.eq(3f)).intoArray(block, s2 + c + ch);
        }
      }
      if (convW % 2 == 1) {
        int last = (q * 2 * convW + convW - 1) * c;
        java.util.Arrays.fill(block, last, last + c, 0f);
        java.util.Arrays.fill(block, last + convW * c, last + convW * c + c, 0f);
      }
    }
  }

  /** {@code pixels} rows of cout floats from {@code out[o]}, each set to the bias, or zero. */
  private static void fill(float[] bias, int bOff, int cout, float[] out, int o, int pixels) {
    for (int cb = 0; cb < cout; cb += 2 * L) {
      FloatVector b0 =
          Lanes.known(
              bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, bOff + cb));
      FloatVector b1 =
          Lanes.known(
              bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, bOff + cb + L));
      for (int p = 0, at = o + cb; p < pixels; p++, at += cout) {
        b0.intoArray(out, at);
        b1.intoArray(out, at + L);
      }
    }
  }

  /**
   * Three consecutive taps' contribution to {@code pixels} output pixels: pixel p reads {@code x[xs
   * + p*step + t]} for tap t and adds it times the tap's weight row ({@code w[wo + t*cout]}).
   */
  private static void forward3(
      float[] x, int xs, int step, float[] w, int wo, int cout, float[] out, int os, int pixels) {
    for (int cb = 0; cb < cout; cb += 2 * L) {
      FloatVector w00 = FloatVector.fromArray(S, w, wo + cb);
      FloatVector w01 = FloatVector.fromArray(S, w, wo + cb + L);
      FloatVector w10 = FloatVector.fromArray(S, w, wo + cout + cb);
      FloatVector w11 = FloatVector.fromArray(S, w, wo + cout + cb + L);
      FloatVector w20 = FloatVector.fromArray(S, w, wo + 2 * cout + cb);
      FloatVector w21 = FloatVector.fromArray(S, w, wo + 2 * cout + cb + L);
      for (int p = 0, r = xs, at = os + cb; p < pixels; p++, r += step, at += cout) {
        FloatVector b0 = FloatVector.broadcast(S, x[r]);
        FloatVector b1 = FloatVector.broadcast(S, x[r + 1]);
        FloatVector b2 = FloatVector.broadcast(S, x[r + 2]);
        FloatVector c0 = FloatVector.fromArray(S, out, at);
        FloatVector c1 = FloatVector.fromArray(S, out, at + L);
        c0 = b0.fma(w00, c0);
        c1 = b0.fma(w01, c1);
        c0 = b1.fma(w10, c0);
        c1 = b1.fma(w11, c1);
        c0 = b2.fma(w20, c0);
        c1 = b2.fma(w21, c1);
        c0.intoArray(out, at);
        c1.intoArray(out, at + L);
      }
    }
  }

  /** {@link #forward3} for one tap. */
  private static void forward1(
      float[] x, int xs, int step, float[] w, int wo, int cout, float[] out, int os, int pixels) {
    for (int cb = 0; cb < cout; cb += 2 * L) {
      FloatVector w0 = FloatVector.fromArray(S, w, wo + cb);
      FloatVector w1 = FloatVector.fromArray(S, w, wo + cb + L);
      for (int p = 0, r = xs, at = os + cb; p < pixels; p++, r += step, at += cout) {
        FloatVector b = FloatVector.broadcast(S, x[r]);
        b.fma(w0, FloatVector.fromArray(S, out, at)).intoArray(out, at);
        b.fma(w1, FloatVector.fromArray(S, out, at + L)).intoArray(out, at + L);
      }
    }
  }

  /**
   * Three consecutive taps' kernel-gradient rows ({@code d[dt + t*cout]}) plus, over {@code pixels}
   * pixels, the input value of tap t times the pixel's output gradient ({@code dy[os + p*cout]}).
   * The six accumulators stay in registers for the whole output row.
   */
  private static void kernel3(
      float[] x, int xs, int step, float[] dy, int os, int cout, float[] d, int dt, int pixels) {
    for (int cb = 0; cb < cout; cb += 2 * L) {
      int t = dt + cb;
      FloatVector a00 = FloatVector.fromArray(S, d, t);
      FloatVector a01 = FloatVector.fromArray(S, d, t + L);
      FloatVector a10 = FloatVector.fromArray(S, d, t + cout);
      FloatVector a11 = FloatVector.fromArray(S, d, t + cout + L);
      FloatVector a20 = FloatVector.fromArray(S, d, t + 2 * cout);
      FloatVector a21 = FloatVector.fromArray(S, d, t + 2 * cout + L);
      for (int p = 0, r = xs, at = os + cb; p < pixels; p++, r += step, at += cout) {
        FloatVector g0 = FloatVector.fromArray(S, dy, at);
        FloatVector g1 = FloatVector.fromArray(S, dy, at + L);
        FloatVector b0 = FloatVector.broadcast(S, x[r]);
        FloatVector b1 = FloatVector.broadcast(S, x[r + 1]);
        FloatVector b2 = FloatVector.broadcast(S, x[r + 2]);
        a00 = b0.fma(g0, a00);
        a01 = b0.fma(g1, a01);
        a10 = b1.fma(g0, a10);
        a11 = b1.fma(g1, a11);
        a20 = b2.fma(g0, a20);
        a21 = b2.fma(g1, a21);
      }
      Lanes.known(a00).intoArray(d, t);
      Lanes.known(a01).intoArray(d, t + L);
      Lanes.known(a10).intoArray(d, t + cout);
      Lanes.known(a11).intoArray(d, t + cout + L);
      Lanes.known(a20).intoArray(d, t + 2 * cout);
      Lanes.known(a21).intoArray(d, t + 2 * cout + L);
    }
  }

  /** {@link #kernel3} for one tap. */
  private static void kernel1(
      float[] x, int xs, int step, float[] dy, int os, int cout, float[] d, int dt, int pixels) {
    for (int cb = 0; cb < cout; cb += 2 * L) {
      int t = dt + cb;
      FloatVector a0 = FloatVector.fromArray(S, d, t);
      FloatVector a1 = FloatVector.fromArray(S, d, t + L);
      for (int p = 0, r = xs, at = os + cb; p < pixels; p++, r += step, at += cout) {
        FloatVector b = FloatVector.broadcast(S, x[r]);
        a0 = b.fma(FloatVector.fromArray(S, dy, at), a0);
        a1 = b.fma(FloatVector.fromArray(S, dy, at + L), a1);
      }
      a0.intoArray(d, t);
      a1.intoArray(d, t + L);
    }
  }

  /** {@code d[dOff + c] += sum over p < pixels of dy[o + p*cout + c]}: the bias gradient. */
  private static void sumRows(float[] dy, int o, int pixels, int cout, float[] d, int dOff) {
    for (int cb = 0; cb < cout; cb += 2 * L) {
      FloatVector s0 = FloatVector.fromArray(S, d, dOff + cb);
      FloatVector s1 = FloatVector.fromArray(S, d, dOff + cb + L);
      for (int p = 0, at = o + cb; p < pixels; p++, at += cout) {
        s0 = FloatVector.fromArray(S, dy, at).add(s0);
        s1 = FloatVector.fromArray(S, dy, at + L).add(s1);
      }
      Lanes.known(s0).intoArray(d, dOff + cb);
      Lanes.known(s1).intoArray(d, dOff + cb + L);
    }
  }
}
