package dev.graft.tensor.products;

import dev.graft.tensor.support.JitWarmup;

/**
 * The products of {@link dev.graft.tensor.vector.VectorProducts} in plain Java, the same floats bit
 * for bit, for {@link JitWarmup}: each output value of the vector kernels is one chain of fused
 * multiply-adds over the inner dimension in order, from zero or from C, so a scalar chain in that
 * order gives the same bits. Used by a seeded run's small batched products ({@link SmallProducts})
 * until the vector code is compiled; {@code dots} is {@link DotsTwin}'s.
 */
final class ProductsTwin implements ProductKernels {
  private final DotsTwin dots;

  /** The twin of {@code vector}'s products. */
  ProductsTwin(ProductKernels vector) {
    dots = new DotsTwin(vector);
  }

  @Override
  public int lanes() {
    return dots.lanes();
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
    dots.dots(m, k, a, aOff, lda, v, vOff, beta, c, cOff, ldc);
  }
}
