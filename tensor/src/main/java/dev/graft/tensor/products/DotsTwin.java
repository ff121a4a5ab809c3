package dev.graft.tensor.products;

import dev.graft.tensor.support.JitWarmup;

/**
 * The long dot products of {@link dev.graft.tensor.vector.VectorProducts} in plain Java, the same
 * floats bit for bit (the vector kernel's per-lane partial sums, added in lane order, then the
 * tail), for {@link JitWarmup}: a {@code Dense(1)} head on a flattened image calls them once per
 * batch, too rarely for the JIT to compile them soon, and uncompiled they allocated about 390 KB of
 * vectors per batch-1 prediction of seed model 3. The two products go straight to the vector
 * kernels: a recurrent step calls them hundreds of times a step, so they compile within the first
 * one, and a plain-Java twin of them (about 1 GFLOP/s) measured slower overall.
 */
final class DotsTwin implements ProductKernels {
  private final ProductKernels vector;

  /** The twin of {@code vector}'s dots. */
  DotsTwin(ProductKernels vector) {
    this.vector = vector;
  }

  @Override
  public int lanes() {
    return vector.lanes();
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
    vector.product(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
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
    vector.productTransA(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
  }

  @Override
  public void productTransA(int m, int n, int k, float[] a, float[] b, float[] c) {
    vector.productTransA(m, n, k, a, b, c);
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
    int l = vector.lanes();
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
