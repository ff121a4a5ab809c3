package dev.graft.tensor.conv;

import dev.graft.tensor.support.JitWarmup;

/**
 * {@link dev.graft.tensor.vector.VectorConv}'s kernels in plain Java, giving the same floats bit
 * for bit: every output channel goes through the same fused multiply-adds in the same order (the
 * vector kernels only work lane by lane). {@link ConvVector} runs these while the JIT has not yet
 * compiled the Vector API code: interpreted, that code is a hundred times slower than these loops
 * (see {@link JitWarmup}).
 */
final class ScalarConv implements ConvRowKernels {
  private final int channelBlock;

  /** The twin of a vector implementation whose blocks are {@code channelBlock} channels. */
  ScalarConv(int channelBlock) {
    this.channelBlock = channelBlock;
  }

  @Override
  public int channelBlock() {
    return channelBlock;
  }

  @Override
  public int forwardTile() {
    return 1;
  }

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
    for (int q = 0; q < count; q++) {
      int o = outOff + q * g.outW() * cout;
      for (int p = 0, at = o; p < g.outW(); p++, at += cout) {
        if (bias == null) {
          java.util.Arrays.fill(out, at, at + cout, 0f);
        } else {
          System.arraycopy(bias, bOff, out, at, cout);
        }
      }
      row(x, xOff, g, w, wOff, out, o, cout, n, oh0 + q, false);
    }
  }

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
        int b = dOff + k * cout;
        for (int p = 0, at = o; p < g.outW(); p++, at += cout) {
          for (int c = 0; c < cout; c++) {
            d[b + c] += dy[at + c];
          }
        }
      }
      row(x, xOff, g, d, dOff, dy, o, cout, n, oh0 + q, true);
    }
  }

  /**
   * One output row, walked as {@code VectorConv.row} walks it; each tap's multiply-adds go to every
   * channel in pixel order, so each float sees the vector kernel's sequence of operations.
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
      boolean gradient) {
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
        int lo = g.insideFrom(w0);
        int hi = g.insideTo(w0, lo);
        int xs = rowX + (lo * g.strideW() + w0) * cin;
        int t = tapsOff + (i * g.kw() + j) * cin * cout;
        int os = o + lo * cout;
        // The vector kernel takes three input channels per pass, then one: the same order here.
        int ci = 0;
        for (; lo < hi && ci + 3 <= cin; ci += 3) {
          taps(x, xs + ci, step, taps, t + ci * cout, 3, cout, pixels, os, hi - lo, gradient);
        }
        for (; lo < hi && ci < cin; ci++) {
          taps(x, xs + ci, step, taps, t + ci * cout, 1, cout, pixels, os, hi - lo, gradient);
        }
      }
    }
  }

  /**
   * {@code width} consecutive taps over {@code pixels} output pixels: forward, pixel p's channels
   * gain {@code x[tap] * w[tap row]}, tap after tap; for the gradient, tap row t gains {@code x[tap
   * t] * dy[pixel]}, pixel after pixel.
   */
  private static void taps(
      float[] x,
      int xs,
      int step,
      float[] w,
      int wo,
      int width,
      int cout,
      float[] pixels,
      int os,
      int count,
      boolean gradient) {
    if (gradient && width == 3) {
      // Three taps by four channels, twelve chains at a time sharing the pixels' loads; each
      // chain over the pixels in order, as below.
      int r1 = wo + cout;
      int r2 = wo + 2 * cout;
      for (int cb = 0; cb < cout; cb += 4) {
        float a00 = w[wo + cb];
        float a01 = w[wo + cb + 1];
        float a02 = w[wo + cb + 2];
        float a03 = w[wo + cb + 3];
        float a10 = w[r1 + cb];
        float a11 = w[r1 + cb + 1];
        float a12 = w[r1 + cb + 2];
        float a13 = w[r1 + cb + 3];
        float a20 = w[r2 + cb];
        float a21 = w[r2 + cb + 1];
        float a22 = w[r2 + cb + 2];
        float a23 = w[r2 + cb + 3];
        for (int p = 0, r = xs, at = os + cb; p < count; p++, r += step, at += cout) {
          float v0 = x[r];
          float v1 = x[r + 1];
          float v2 = x[r + 2];
          float d0 = pixels[at];
          float d1 = pixels[at + 1];
          float d2 = pixels[at + 2];
          float d3 = pixels[at + 3];
          a00 = Math.fma(v0, d0, a00);
          a01 = Math.fma(v0, d1, a01);
          a02 = Math.fma(v0, d2, a02);
          a03 = Math.fma(v0, d3, a03);
          a10 = Math.fma(v1, d0, a10);
          a11 = Math.fma(v1, d1, a11);
          a12 = Math.fma(v1, d2, a12);
          a13 = Math.fma(v1, d3, a13);
          a20 = Math.fma(v2, d0, a20);
          a21 = Math.fma(v2, d1, a21);
          a22 = Math.fma(v2, d2, a22);
          a23 = Math.fma(v2, d3, a23);
        }
        w[wo + cb] = a00;
        w[wo + cb + 1] = a01;
        w[wo + cb + 2] = a02;
        w[wo + cb + 3] = a03;
        w[r1 + cb] = a10;
        w[r1 + cb + 1] = a11;
        w[r1 + cb + 2] = a12;
        w[r1 + cb + 3] = a13;
        w[r2 + cb] = a20;
        w[r2 + cb + 1] = a21;
        w[r2 + cb + 2] = a22;
        w[r2 + cb + 3] = a23;
      }
      return;
    }
    if (gradient) {
      for (int t = 0; t < width; t++) {
        int row = wo + t * cout;
        for (int cb = 0; cb < cout; cb += 4) {
          float a0 = w[row + cb];
          float a1 = w[row + cb + 1];
          float a2 = w[row + cb + 2];
          float a3 = w[row + cb + 3];
          for (int p = 0, r = xs + t, at = os + cb; p < count; p++, r += step, at += cout) {
            float v = x[r];
            a0 = Math.fma(v, pixels[at], a0);
            a1 = Math.fma(v, pixels[at + 1], a1);
            a2 = Math.fma(v, pixels[at + 2], a2);
            a3 = Math.fma(v, pixels[at + 3], a3);
          }
          w[row + cb] = a0;
          w[row + cb + 1] = a1;
          w[row + cb + 2] = a2;
          w[row + cb + 3] = a3;
        }
      }
      return;
    }
    if (width == 3) {
      // The three taps' chain per channel in registers: the same multiply-adds in the same order
      // as tap after tap through the array, without a store and a load between them; four channels
      // at a time, their twelve weights held across the pixels (each output is independent, so
      // the loops' order changes no float). Channels come in whole vector blocks (ConvVector takes
      // no others), as the gradient's loops above assume.
      int w1 = wo + cout;
      int w2 = wo + 2 * cout;
      for (int cb = 0; cb < cout; cb += 4) {
        float a0 = w[wo + cb];
        float a1 = w[wo + cb + 1];
        float a2 = w[wo + cb + 2];
        float a3 = w[wo + cb + 3];
        float b0 = w[w1 + cb];
        float b1 = w[w1 + cb + 1];
        float b2 = w[w1 + cb + 2];
        float b3 = w[w1 + cb + 3];
        float d0 = w[w2 + cb];
        float d1 = w[w2 + cb + 1];
        float d2 = w[w2 + cb + 2];
        float d3 = w[w2 + cb + 3];
        for (int p = 0, r = xs, at = os + cb; p < count; p++, r += step, at += cout) {
          float v0 = x[r];
          float v1 = x[r + 1];
          float v2 = x[r + 2];
          pixels[at] = Math.fma(v2, d0, Math.fma(v1, b0, Math.fma(v0, a0, pixels[at])));
          pixels[at + 1] = Math.fma(v2, d1, Math.fma(v1, b1, Math.fma(v0, a1, pixels[at + 1])));
          pixels[at + 2] = Math.fma(v2, d2, Math.fma(v1, b2, Math.fma(v0, a2, pixels[at + 2])));
          pixels[at + 3] = Math.fma(v2, d3, Math.fma(v1, b3, Math.fma(v0, a3, pixels[at + 3])));
        }
      }
      return;
    }
    for (int p = 0, r = xs, at = os; p < count; p++, r += step, at += cout) {
      for (int t = 0; t < width; t++) {
        float v = x[r + t];
        int row = wo + t * cout;
        for (int c = 0; c < cout; c++) {
          pixels[at + c] = Math.fma(v, w[row + c], pixels[at + c]);
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
    for (int q = 0; q < rows; q++) {
      for (int w = 0; w < outW; w++) {
        int s0 = (q * 2 * convW + w * 2) * c;
        int s2 = s0 + convW * c;
        int at = (q * outW + w) * c;
        for (int ch = 0; ch < c; ch++) {
          float v0 = block[s0 + ch];
          float v1 = block[s0 + c + ch];
          float v2 = block[s2 + ch];
          float v3 = block[s2 + c + ch];
          float top = Math.max(v0, v1);
          float bottom = Math.max(v2, v3);
          out[outOff + at + ch] = Math.max(top, bottom);
          if (taps != null) {
            // The sign bits as integers, without branches: on real data these tests are coin
            // flips, and mispredicted branches took most of this loop's time.
            int topTap = sign(v0 - v1);
            int bottomTap = 2 + sign(v2 - v3);
            taps[tapsOff + at + ch] = topTap + sign(top - bottom) * (bottomTap - topTap);
          }
        }
      }
    }
  }

  /** The sign bit, 1 when set: the vector kernel's test of a difference, NaN included. */
  private static int sign(float v) {
    return Float.floatToRawIntBits(v) >>> 31;
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
    for (int q = 0; q < rows; q++) {
      for (int w = 0; w < outW; w++) {
        int s0 = (q * 2 * convW + w * 2) * c;
        int s2 = s0 + convW * c;
        int at = (q * outW + w) * c;
        for (int ch = 0; ch < c; ch++) {
          // The gradient's bits masked in the tap's slot and +0 elsewhere, without branches (the
          // taps of real data are coin flips); taps are 0 to 3, as maxTiles2x2 writes them, or 4
          // (ConvPool.noTap), which no slot's mask lets through.
          int g = Float.floatToRawIntBits(dOut[dOff + at + ch]);
          int t = (int) taps[tapsOff + at + ch];
          block[s0 + ch] = Float.intBitsToFloat(g & ((t - 1) >> 31));
          block[s0 + c + ch] = Float.intBitsToFloat(g & (((t ^ 1) - 1) >> 31));
          block[s2 + ch] = Float.intBitsToFloat(g & (((t ^ 2) - 1) >> 31));
          block[s2 + c + ch] = Float.intBitsToFloat(g & (((t ^ 3) - 1) >> 31));
        }
      }
      if (convW % 2 == 1) {
        int last = (q * 2 * convW + convW - 1) * c;
        java.util.Arrays.fill(block, last, last + c, 0f);
        java.util.Arrays.fill(block, last + convW * c, last + convW * c + c, 0f);
      }
    }
  }
}
