package dev.graft.tensor.conv;

/**
 * One row of a depthwise convolution with unit horizontal stride and multiplier 1, every tap of a
 * pixel's window summed in registers before the pixel is stored, as {@link
 * dev.graft.tensor.vector.VectorDepthwise} implements it on the Vector API. The input gradient is
 * the same sum over the output gradient with the taps' offsets mirrored, so one kernel serves both.
 * Loaded by name (see {@link dev.graft.tensor.support.VectorSupport}), so nothing else links
 * against the incubator module.
 */
public interface DepthwiseRowKernel {
  /**
   * For pixels {@code p < pixels} and channels {@code ch < c}: {@code out[o + p*c + ch] = init +
   * sum over taps t < taps, in order, of src[s + rowOff[t] + (p + shift[t])*c + ch] * k[kOff[t] +
   * ch]}, each a fused multiply-add, skipping the taps whose column {@code p + shift[t]} falls
   * outside {@code [0, width)}; {@code init} is {@code bias[bo + ch]}, or 0 when {@code bias} is
   * null.
   *
   * @param src the source rows (input images, or output gradients)
   * @param s the index in {@code src} that {@code rowOff} counts from
   * @param rowOff each tap's source row, as an offset from {@code s}
   * @param shift each tap's column offset from the pixel's own column
   * @param k the kernel
   * @param kOff each tap's {@code c} weights' index in {@code k}
   * @param taps the number of taps to sum
   * @param width the source rows' width in pixels
   * @param bias the initial values, or null for zeros
   * @param bo the index in {@code bias} of channel 0
   * @param out the row written
   * @param o the index in {@code out} of pixel 0, channel 0
   * @param pixels the pixels written
   * @param c the channels of a pixel
   */
  // row: every implementation gives each output its bias (or zero) then one fused multiply-add
  // per tap inside the row, in tap order, so that they give the same floats.
  void row(
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
      int c);

  /**
   * The kernel gradient's share of one output row: for taps {@code t < taps} and channels {@code ch
   * < c}, adds to {@code acc[aOff[t] + ch]} the sum over pixels {@code p < pixels} whose column
   * {@code p + shift[t]} lies in {@code [0, width)} of {@code src[s + rowOff[t] + (p + shift[t])*c
   * + ch] * dy[d + p*c + ch]}; when {@code withBias}, also adds the row's {@code sum_p dy[d + p*c +
   * ch]} to {@code acc[biasAt + ch]}.
   *
   * <p>Every implementation sums in the same order, so that they give the same floats: the bias sum
   * first ({@link #biasSum}); then taps in chunks of {@link #CHUNK}, and for each tap of a chunk,
   * the sum over the pixels every tap of the chunk has inside the row ({@link #inside}), then over
   * those to its left and to its right, each a chain of fused multiply-adds from zero in pixel
   * order ({@link #tapSum}) added to the accumulator.
   *
   * @param src the input rows
   * @param s the index in {@code src} that {@code rowOff} counts from
   * @param rowOff each tap's input row, as an offset from {@code s}
   * @param shift each tap's column offset from the output pixel's column
   * @param taps the number of taps
   * @param width the input rows' width in pixels
   * @param dy the output gradient
   * @param d the index in {@code dy} of this row's pixel 0, channel 0
   * @param pixels the pixels of the output row
   * @param c the channels of a pixel
   * @param acc the accumulators, added to
   * @param aOff each tap's {@code c} accumulators' index in {@code acc}
   * @param withBias whether to add the row's output gradient to the bias accumulators
   * @param biasAt the index in {@code acc} of the bias accumulators
   */
  void gradientRow(
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
      int biasAt);

  /** Taps per chunk of {@link #gradientRow}'s order: a 3x3 window. */
  int CHUNK = 9;

  /**
   * The first ({@code lo}) or one past the last pixel whose column is inside the row for every tap
   * {@code t0 .. t0+nt-1}: {@code 0 <= lo <= hi <= pixels}.
   *
   * @param shift the taps' column offsets
   * @param t0 the chunk's first tap
   * @param nt the chunk's taps
   * @param width the source row's width
   * @param pixels the output row's pixels
   * @param low whether to return {@code lo} rather than {@code hi}
   * @return the bound
   */
  static int inside(int[] shift, int t0, int nt, int width, int pixels, boolean low) {
    int lo = 0;
    int hi = pixels;
    for (int t = t0; t < t0 + nt; t++) {
      lo = Math.max(lo, -shift[t]);
      hi = Math.min(hi, width - shift[t]);
    }
    lo = Math.min(lo, pixels);
    return low ? lo : Math.max(hi, lo);
  }

  /**
   * One channel of one tap's gradient over pixels {@code [from, to)} that are inside the row, a
   * chain of fused multiply-adds from zero in pixel order.
   *
   * @param src the input rows
   * @param s the index that {@code rowOff} counts from
   * @param rowOff the tap's input row offset
   * @param shift the tap's column offset
   * @param width the input row's width
   * @param dy the output gradient
   * @param d the index of the output row's pixel 0
   * @param from the first pixel
   * @param to one past the last pixel
   * @param c the channels of a pixel
   * @param ch the channel
   * @return the sum
   */
  static float tapSum(
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
      int ch) {
    int lo = Math.max(from, -shift);
    int hi = Math.min(to, width - shift);
    float sum = 0f;
    for (int p = lo; p < hi; p++) {
      sum = Math.fma(src[s + rowOff + (p + shift) * c + ch], dy[d + p * c + ch], sum);
    }
    return sum;
  }

  /**
   * One channel's sum of an output row's gradient, from zero in pixel order.
   *
   * @param dy the output gradient
   * @param d the index of the row's pixel 0
   * @param pixels the row's pixels
   * @param c the channels of a pixel
   * @param ch the channel
   * @return the sum
   */
  static float biasSum(float[] dy, int d, int pixels, int c, int ch) {
    float sum = 0f;
    for (int p = 0; p < pixels; p++) {
      sum += dy[d + p * c + ch];
    }
    return sum;
  }
}
