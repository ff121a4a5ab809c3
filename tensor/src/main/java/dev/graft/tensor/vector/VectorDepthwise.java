package dev.graft.tensor.vector;

import dev.graft.tensor.conv.DepthwiseRowKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DepthwiseRowKernel} on the Vector API: {@link #TILE} pixels' channel vector in registers
 * over every tap of their windows, one load of the tap's weights for the six, then one store per
 * pixel, where a tap-by-tap walk loaded and stored the output once per tap. Pixels whose window
 * crosses the row's edge, and channels past the last whole vector, go one at a time with the same
 * fused multiply-adds in the same order. Nothing is checked beyond Java's bounds checks: the
 * callers check shapes. Made by name, only when the JVM has the {@code jdk.incubator.vector}
 * module.
 */
public final class VectorDepthwise implements DepthwiseRowKernel {
  /** Made by name when the module is present (see {@link DepthwiseRowKernel}). */
  public VectorDepthwise() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Pixels per register tile: six accumulators, as the convolution tiles keep twelve. */
  static final int TILE = 6;

  @Override
  public void row(
      float[] src,
      int s,
      int[] rowOff,
      int[] shift,
      float[] k,
      int[] kOff,
      int taps,
      int width,
      float[] bias,
      int bo,
      float[] out,
      int o,
      int pixels,
      int c) {
    // Pixels [lo, hi) have every tap's column inside the row.
    int lo = 0;
    int hi = pixels;
    for (int t = 0; t < taps; t++) {
      lo = Math.max(lo, -shift[t]);
      hi = Math.min(hi, width - shift[t]);
    }
    int whole = c - c % L;
    int p = 0;
    for (; p < Math.min(lo, pixels); p++) {
      pixel(src, s, rowOff, shift, k, kOff, taps, width, bias, bo, out, o, p, c, whole);
    }
    for (; p + TILE <= hi; p += TILE) {
      for (int cb = 0; cb < whole; cb += L) {
        tile(
            src,
            s + p * c + cb,
            rowOff,
            shift,
            k,
            kOff,
            cb,
            taps,
            bias,
            bo + cb,
            out,
            o + p * c + cb,
            c);
      }
      for (int q = p; q < p + TILE && whole < c; q++) {
        channels(src, s, rowOff, shift, k, kOff, taps, width, bias, bo, out, o, q, c, whole);
      }
    }
    for (; p < pixels; p++) {
      pixel(src, s, rowOff, shift, k, kOff, taps, width, bias, bo, out, o, p, c, whole);
    }
  }

  /**
   * Six pixels' L channels from {@code out[at]} (a pixel every {@code c} floats): one loop over the
   * taps, every tap inside the row (a nested loop over the window's rows and columns would box the
   * accumulators).
   */
  private static void tile(
      float[] src,
      int sb,
      int[] rowOff,
      int[] shift,
      float[] k,
      int[] kOff,
      int cb,
      int taps,
      float[] bias,
      int bo,
      float[] out,
      int at,
      int c) {
    FloatVector b = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, bo);
    FloatVector a0 = b;
    FloatVector a1 = b;
    FloatVector a2 = b;
    FloatVector a3 = b;
    FloatVector a4 = b;
    FloatVector a5 = b;
    for (int t = 0; t < taps; t++) {
      FloatVector w = FloatVector.fromArray(S, k, kOff[t] + cb);
      int r = sb + rowOff[t] + shift[t] * c;
      a0 = FloatVector.fromArray(S, src, r).fma(w, a0);
      a1 = FloatVector.fromArray(S, src, r + c).fma(w, a1);
      a2 = FloatVector.fromArray(S, src, r + 2 * c).fma(w, a2);
      a3 = FloatVector.fromArray(S, src, r + 3 * c).fma(w, a3);
      a4 = FloatVector.fromArray(S, src, r + 4 * c).fma(w, a4);
      a5 = FloatVector.fromArray(S, src, r + 5 * c).fma(w, a5);
    }
    a0.intoArray(out, at);
    a1.intoArray(out, at + c);
    a2.intoArray(out, at + 2 * c);
    a3.intoArray(out, at + 3 * c);
    a4.intoArray(out, at + 4 * c);
    a5.intoArray(out, at + 5 * c);
  }

  @Override
  public void gradientRow(
      float[] src,
      int s,
      int[] rowOff,
      int[] shift,
      int taps,
      int width,
      float[] dy,
      int d,
      int pixels,
      int c,
      float[] acc,
      int[] aOff,
      boolean withBias,
      int biasAt) {
    int whole = c - c % L;
    if (withBias) {
      for (int cb = 0; cb < whole; cb += L) {
        FloatVector sum = FloatVector.zero(S);
        for (int p = 0; p < pixels; p++) {
          sum = sum.add(FloatVector.fromArray(S, dy, d + p * c + cb));
        }
        addInto(acc, biasAt + cb, sum);
      }
      for (int ch = whole; ch < c; ch++) {
        acc[biasAt + ch] += DepthwiseRowKernel.biasSum(dy, d, pixels, c, ch);
      }
    }
    for (int t0 = 0; t0 < taps; t0 += CHUNK) {
      int nt = Math.min(CHUNK, taps - t0);
      // Pixels [lo, hi) have every tap of the chunk inside the row; the rest are summed apart.
      int lo = DepthwiseRowKernel.inside(shift, t0, nt, width, pixels, true);
      int hi = DepthwiseRowKernel.inside(shift, t0, nt, width, pixels, false);
      for (int cb = 0; cb < whole; cb += L) {
        if (nt == CHUNK) {
          chunk(src, s, rowOff, shift, t0, dy, d, lo, hi, c, cb, acc, aOff);
        } else {
          for (int t = t0; t < t0 + nt; t++) {
            edge(src, s, rowOff[t], shift[t], width, dy, d, lo, hi, c, cb, acc, aOff[t]);
          }
        }
        for (int t = t0; t < t0 + nt; t++) {
          edge(src, s, rowOff[t], shift[t], width, dy, d, 0, lo, c, cb, acc, aOff[t]);
          edge(src, s, rowOff[t], shift[t], width, dy, d, hi, pixels, c, cb, acc, aOff[t]);
        }
      }
      for (int ch = whole; ch < c; ch++) {
        for (int t = t0; t < t0 + nt; t++) {
          acc[aOff[t] + ch] +=
              DepthwiseRowKernel.tapSum(src, s, rowOff[t], shift[t], width, dy, d, lo, hi, c, ch);
        }
        for (int t = t0; t < t0 + nt; t++) {
          acc[aOff[t] + ch] +=
              DepthwiseRowKernel.tapSum(src, s, rowOff[t], shift[t], width, dy, d, 0, lo, c, ch);
          acc[aOff[t] + ch] +=
              DepthwiseRowKernel.tapSum(
                  src, s, rowOff[t], shift[t], width, dy, d, hi, pixels, c, ch);
        }
      }
    }
  }

  /**
   * Nine taps' gradients over pixels {@code [lo, hi)}, all inside the row, in registers: one load
   * of the output gradient for the nine; added to their accumulators once at the end.
   */
  private static void chunk(
      float[] src,
      int s,
      int[] rowOff,
      int[] shift,
      int t0,
      float[] dy,
      int d,
      int lo,
      int hi,
      int c,
      int cb,
      float[] acc,
      int[] aOff) {
    int r0 = s + rowOff[t0] + shift[t0] * c + cb;
    int r1 = s + rowOff[t0 + 1] + shift[t0 + 1] * c + cb;
    int r2 = s + rowOff[t0 + 2] + shift[t0 + 2] * c + cb;
    int r3 = s + rowOff[t0 + 3] + shift[t0 + 3] * c + cb;
    int r4 = s + rowOff[t0 + 4] + shift[t0 + 4] * c + cb;
    int r5 = s + rowOff[t0 + 5] + shift[t0 + 5] * c + cb;
    int r6 = s + rowOff[t0 + 6] + shift[t0 + 6] * c + cb;
    int r7 = s + rowOff[t0 + 7] + shift[t0 + 7] * c + cb;
    int r8 = s + rowOff[t0 + 8] + shift[t0 + 8] * c + cb;
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector a4 = a0;
    FloatVector a5 = a0;
    FloatVector a6 = a0;
    FloatVector a7 = a0;
    FloatVector a8 = a0;
    for (int p = lo; p < hi; p++) {
      int q = p * c;
      FloatVector g = FloatVector.fromArray(S, dy, d + q + cb);
      a0 = FloatVector.fromArray(S, src, r0 + q).fma(g, a0);
      a1 = FloatVector.fromArray(S, src, r1 + q).fma(g, a1);
      a2 = FloatVector.fromArray(S, src, r2 + q).fma(g, a2);
      a3 = FloatVector.fromArray(S, src, r3 + q).fma(g, a3);
      a4 = FloatVector.fromArray(S, src, r4 + q).fma(g, a4);
      a5 = FloatVector.fromArray(S, src, r5 + q).fma(g, a5);
      a6 = FloatVector.fromArray(S, src, r6 + q).fma(g, a6);
      a7 = FloatVector.fromArray(S, src, r7 + q).fma(g, a7);
      a8 = FloatVector.fromArray(S, src, r8 + q).fma(g, a8);
    }
    addInto(acc, aOff[t0] + cb, a0);
    addInto(acc, aOff[t0 + 1] + cb, a1);
    addInto(acc, aOff[t0 + 2] + cb, a2);
    addInto(acc, aOff[t0 + 3] + cb, a3);
    addInto(acc, aOff[t0 + 4] + cb, a4);
    addInto(acc, aOff[t0 + 5] + cb, a5);
    addInto(acc, aOff[t0 + 6] + cb, a6);
    addInto(acc, aOff[t0 + 7] + cb, a7);
    addInto(acc, aOff[t0 + 8] + cb, a8);
  }

  private static void addInto(float[] acc, int at, FloatVector v) {
    v.add(FloatVector.fromArray(S, acc, at)).intoArray(acc, at);
  }

  /** One tap's gradient over pixels {@code [from, to)}, skipping those outside the row. */
  private static void edge(
      float[] src,
      int s,
      int rowOff,
      int shift,
      int width,
      float[] dy,
      int d,
      int from,
      int to,
      int c,
      int cb,
      float[] acc,
      int at) {
    // The valid pixels as bounds, not a test in the loop: C2 boxes a vector updated conditionally.
    int lo = Math.max(from, -shift);
    int hi = Math.min(to, width - shift);
    FloatVector a = FloatVector.zero(S);
    for (int p = lo; p < hi; p++) {
      a =
          FloatVector.fromArray(S, src, s + rowOff + (p + shift) * c + cb)
              .fma(FloatVector.fromArray(S, dy, d + p * c + cb), a);
    }
    addInto(acc, at + cb, a);
  }

  /** Pixel {@code p}, any of its taps possibly outside the row: whole vectors, then the rest. */
  private static void pixel(
      float[] src,
      int s,
      int[] rowOff,
      int[] shift,
      float[] k,
      int[] kOff,
      int taps,
      int width,
      float[] bias,
      int bo,
      float[] out,
      int o,
      int p,
      int c,
      int whole) {
    // Summed in the output row rather than a register: C2 boxes a vector updated conditionally,
    // and a row has only a few such pixels.
    int at = o + p * c;
    for (int cb = 0; cb < whole; cb += L) {
      if (bias == null) {
        FloatVector.zero(S).intoArray(out, at + cb);
      } else {
        FloatVector.fromArray(S, bias, bo + cb).intoArray(out, at + cb);
      }
    }
    for (int t = 0; t < taps; t++) {
      int col = p + shift[t];
      if (col < 0 || col >= width) {
        continue;
      }
      int r = s + rowOff[t] + col * c;
      for (int cb = 0; cb < whole; cb += L) {
        FloatVector w = FloatVector.fromArray(S, k, kOff[t] + cb);
        FloatVector.fromArray(S, src, r + cb)
            .fma(w, FloatVector.fromArray(S, out, at + cb))
            .intoArray(out, at + cb);
      }
    }
    channels(src, s, rowOff, shift, k, kOff, taps, width, bias, bo, out, o, p, c, whole);
  }

  /** Pixel {@code p}'s channels from {@code first} on, one at a time. */
  private static void channels(
      float[] src,
      int s,
      int[] rowOff,
      int[] shift,
      float[] k,
      int[] kOff,
      int taps,
      int width,
      float[] bias,
      int bo,
      float[] out,
      int o,
      int p,
      int c,
      int first) {
    for (int ch = first; ch < c; ch++) {
      float a = bias == null ? 0f : bias[bo + ch];
      for (int t = 0; t < taps; t++) {
        int col = p + shift[t];
        if (col >= 0 && col < width) {
          a = Math.fma(src[s + rowOff[t] + col * c + ch], k[kOff[t] + ch], a);
        }
      }
      out[o + p * c + ch] = a;
    }
  }
}
