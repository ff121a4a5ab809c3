package dev.graft.tensor.products;

import dev.graft.tensor.support.JitWarmup;

/**
 * The Vector API product kernels ({@link dev.graft.tensor.vector.VectorProducts}) in plain Java,
 * the same floats bit for bit, for {@link JitWarmup}. Products: each output value of the vector
 * kernels is one chain of fused multiply-adds over the inner dimension in order, from zero or from
 * C, so a scalar chain in that order gives the same bits. Dots: the vector kernel's per-lane
 * partial sums, added in lane order, then the tail. A {@code Dense(1)} head on a flattened image
 * calls the dots once per batch, too rarely for the JIT to compile them soon (uncompiled they
 * allocated about 390 KB of vectors per batch-1 prediction of seed model 3); the small batched
 * products of a seeded run and the LSTM inference gates take the products until the vector code is
 * compiled.
 */
final class ProductsTwin implements ProductKernels {
  private final int lanes;

  /** The twin of {@code vector}'s kernels. */
  ProductsTwin(ProductKernels vector) {
    lanes = vector.lanes();
  }

  @Override
  public int lanes() {
    return lanes;
  }

  @Override
  public void product(
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int cOff,
      int ldc,
      boolean accumulate) {
    for (int i = 0; i < m; i++) {
      int row = aOff + i * lda;
      int out = cOff + i * ldc;
      for (int j = 0; j < n; j++) {
        float s = accumulate ? c[out + j] : 0f;
        for (int q = 0, bq = bOff + j; q < k; q++, bq += ldb) {
          s = Math.fma(a[row + q], b[bq], s);
        }
        c[out + j] = s;
      }
    }
  }

  @Override
  public void productTransA(
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int cOff,
      int ldc,
      boolean accumulate) {
    for (int i = 0; i < m; i++) {
      int out = cOff + i * ldc;
      for (int j = 0; j < n; j++) {
        float s = accumulate ? c[out + j] : 0f;
        for (int q = 0, aq = aOff + i, bq = bOff + j; q < k; q++, aq += lda, bq += ldb) {
          s = Math.fma(a[aq], b[bq], s);
        }
        c[out + j] = s;
      }
    }
  }

  @Override
  public void productTransA(int m, int n, int k, float[] a, float[] b, float[] c) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float s = 0f;
        for (int q = 0; q < k; q++) {
          s = Math.fma(a[q * m + i], b[q * n + j], s);
        }
        c[i * n + j] = s;
      }
    }
  }

  @Override
  public void dots(
      int m,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] v,
      int vOff,
      float beta,
      float[] c,
      int cOff,
      int ldc) {
    int l = lanes;
    for (int i = 0; i < m; i++) {
      int row = aOff + i * lda;
      float sum = 0f;
      for (int lane = 0; lane < l; lane++) {
        // Lane `lane` of the vector kernel's two accumulators, then their sum, in lane order.
        float s0 = 0f;
        float s1 = 0f;
        for (int q = 0; q + 2 * l <= k; q += 2 * l) {
          s0 = Math.fma(a[row + q + lane], v[vOff + q + lane], s0);
          s1 = Math.fma(a[row + q + l + lane], v[vOff + q + l + lane], s1);
        }
        sum = lane == 0 ? s0 + s1 : sum + (s0 + s1);
      }
      for (int q = k - k % (2 * l); q < k; q++) {
        sum = Math.fma(a[row + q], v[vOff + q], sum);
      }
      int at = cOff + i * ldc;
      c[at] = beta == 0f ? sum : sum + beta * c[at];
    }
  }
}
