package dev.graft.tensor.blas;

import dev.graft.tensor.Blas;

/** Pure-Java GEMM: no native code, always available. */
public final class JavaBlas implements Blas {
  /** The single instance. */
  public static final JavaBlas INSTANCE = new JavaBlas();

  private JavaBlas() {}

  @Override
  public String name() {
    return "java";
  }

  @Override
  public void sgemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      float[] a,
      int aOffset,
      int lda,
      float[] b,
      int bOffset,
      int ldb,
      float beta,
      float[] c,
      int cOffset,
      int ldc) {
    for (int i = 0; i < m; i++) {
      int ci = cOffset + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, ci, ci + n, 0f);
      } else if (beta != 1f) {
        for (int j = 0; j < n; j++) {
          c[ci + j] *= beta;
        }
      }
      for (int p = 0; p < k; p++) {
        float av = alpha * (transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p]);
        if (av == 0f) {
          continue;
        }
        if (transB) {
          for (int j = 0; j < n; j++) {
            c[ci + j] += av * b[bOffset + j * ldb + p];
          }
        } else {
          int bp = bOffset + p * ldb;
          for (int j = 0; j < n; j++) {
            c[ci + j] += av * b[bp + j];
          }
        }
      }
    }
  }
}
