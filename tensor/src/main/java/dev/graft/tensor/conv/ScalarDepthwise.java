package dev.graft.tensor.conv;

/**
 * {@link DepthwiseRowKernel} in plain Java, the floats of {@link
 * dev.graft.tensor.vector.VectorDepthwise} bit for bit (the same fused multiply-adds in the same
 * order, see the interface): the stand-in while the JIT compiles the vector kernel, which the JVM
 * compiles within milliseconds. Sums run along a pixel's channels, in the output row (forward) or a
 * row of per-channel sums (kernel gradient), per thread.
 */
final class ScalarDepthwise implements DepthwiseRowKernel {
  private static final ThreadLocal<float[]> SUMS = ThreadLocal.withInitial(() -> new float[0]);

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
    for (int p = 0; p < pixels; p++) {
      int at = o + p * c;
      if (bias == null) {
        java.util.Arrays.fill(out, at, at + c, 0f);
      } else {
        System.arraycopy(bias, bo, out, at, c);
      }
      for (int t = 0; t < taps; t++) {
        int col = p + shift[t];
        if (col < 0 || col >= width) {
          continue;
        }
        int r = s + rowOff[t] + col * c;
        int w = kOff[t];
        for (int ch = 0; ch < c; ch++) {
          out[at + ch] = Math.fma(src[r + ch], k[w + ch], out[at + ch]);
        }
      }
    }
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
    float[] sums = SUMS.get();
    if (sums.length < c) {
      sums = new float[c];
      SUMS.set(sums);
    }
    if (withBias) {
      java.util.Arrays.fill(sums, 0, c, 0f);
      for (int p = 0; p < pixels; p++) {
        for (int ch = 0; ch < c; ch++) {
          sums[ch] += dy[d + p * c + ch];
        }
      }
      addInto(acc, biasAt, sums, c);
    }
    for (int t0 = 0; t0 < taps; t0 += CHUNK) {
      int nt = Math.min(CHUNK, taps - t0);
      int lo = DepthwiseRowKernel.inside(shift, t0, nt, width, pixels, true);
      int hi = DepthwiseRowKernel.inside(shift, t0, nt, width, pixels, false);
      for (int t = t0; t < t0 + nt; t++) {
        tapSums(src, s, rowOff[t], shift[t], width, dy, d, lo, hi, c, sums);
        addInto(acc, aOff[t], sums, c);
      }
      for (int t = t0; t < t0 + nt; t++) {
        tapSums(src, s, rowOff[t], shift[t], width, dy, d, 0, lo, c, sums);
        addInto(acc, aOff[t], sums, c);
        tapSums(src, s, rowOff[t], shift[t], width, dy, d, hi, pixels, c, sums);
        addInto(acc, aOff[t], sums, c);
      }
    }
  }

  /** {@link DepthwiseRowKernel#tapSum} for every channel at once, into {@code sums}. */
  private static void tapSums(
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
      float[] sums) {
    java.util.Arrays.fill(sums, 0, c, 0f);
    int lo = Math.max(from, -shift);
    int hi = Math.min(to, width - shift);
    for (int p = lo; p < hi; p++) {
      int x = s + rowOff + (p + shift) * c;
      int g = d + p * c;
      for (int ch = 0; ch < c; ch++) {
        sums[ch] = Math.fma(src[x + ch], dy[g + ch], sums[ch]);
      }
    }
  }

  private static void addInto(float[] acc, int at, float[] sums, int c) {
    for (int ch = 0; ch < c; ch++) {
      acc[at + ch] = sums[ch] + acc[at + ch];
    }
  }
}
