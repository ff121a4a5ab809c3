package dev.graft.tensor.blas;

/**
 * Argument checks and degenerate cases shared by every back-end, so that a bad call fails with a
 * clear message in Java instead of reading out of bounds in native code.
 */
final class GemmChecks {
  private GemmChecks() {}

  /**
   * Validates a row-major GEMM call and handles the cases with nothing to multiply: returns {@code
   * true} (after scaling C by {@code beta} where needed) when {@code m}, {@code n} or {@code k} is
   * zero or {@code alpha} is zero, so the caller must do nothing more.
   */
  static boolean trivial(
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
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("sgemm: negative size m=" + m + ", n=" + n + ", k=" + k);
    }
    check("A", a, aOffset, transA ? k : m, transA ? m : k, lda);
    check("B", b, bOffset, transB ? n : k, transB ? k : n, ldb);
    check("C", c, cOffset, m, n, ldc);
    if (m == 0 || n == 0) {
      return true;
    }
    if (k == 0 || alpha == 0f) {
      scale(beta, c, cOffset, m, n, ldc);
      return true;
    }
    return false;
  }

  /** {@code C = beta * C} on an {@code m x n} block; {@code beta == 0} clears NaNs too. */
  static void scale(float beta, float[] c, int cOffset, int m, int n, int ldc) {
    if (beta == 1f) {
      return;
    }
    for (int i = 0; i < m; i++) {
      int ci = cOffset + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, ci, ci + n, 0f);
      } else {
        for (int j = 0; j < n; j++) {
          c[ci + j] *= beta;
        }
      }
    }
  }

  /** Elements from the first to the last of a {@code rows x cols} matrix with leading dim ld. */
  static int span(int rows, int cols, int ld) {
    return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
  }

  private static void check(String what, float[] x, int offset, int rows, int cols, int ld) {
    if (x == null) {
      throw new IllegalArgumentException("sgemm: " + what + " is null");
    }
    if (ld < Math.max(1, cols)) {
      throw new IllegalArgumentException(
          "sgemm: leading dimension of "
              + what
              + " is "
              + ld
              + ", less than its "
              + cols
              + " columns");
    }
    long end = rows == 0 || cols == 0 ? offset : offset + (long) (rows - 1) * ld + cols;
    if (offset < 0 || end > x.length) {
      throw new IllegalArgumentException(
          "sgemm: "
              + what
              + " ("
              + rows
              + "x"
              + cols
              + ", leading dimension "
              + ld
              + ", offset "
              + offset
              + ") does not fit in an array of "
              + x.length);
    }
  }
}
