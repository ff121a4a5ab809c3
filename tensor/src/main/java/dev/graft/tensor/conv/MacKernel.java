package dev.graft.tensor.conv;

import dev.graft.tensor.support.VectorSupport;

/**
 * The multiply-accumulate of two float runs into a third at arbitrary offsets, {@code acc[ao + t]
 * += a[ab + t] * b[bb + t]}, as {@link dev.graft.tensor.vector.VectorMac} implements it on the
 * Vector API. The JDK 17 JIT does not vectorise this loop when the offsets differ (it cannot rule
 * out that the arrays overlap; measured ~2 G elements/s against ~15 with offset-free arrays), and
 * {@link DepthwiseConv2d} needs exactly these shifted runs. Loaded by name (see {@link
 * VectorSupport}), so nothing else links against the incubator module.
 */
public interface MacKernel {
  /**
   * {@code acc[ao + t] += a[ab + t] * b[bb + t]} for {@code t < len}.
   *
   * @param acc the accumulator array, added to
   * @param ao the index in {@code acc} of the first sum
   * @param a the first factor's array
   * @param ab the index in {@code a} of the first factor
   * @param b the second factor's array
   * @param bb the index in {@code b} of the first second factor
   * @param len the number of products, {@code >= 0}
   */
  void mac(float[] acc, int ao, float[] a, int ab, float[] b, int bb, int len);
}
