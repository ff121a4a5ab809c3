package dev.graft.tensor.blas;

/**
 * The pure-Java GEMM's path for products with one output column ({@code n = 1}: a matrix times a
 * vector, as in a {@code Dense(1)} head) or one depth ({@code k = 1}: an outer product, that head's
 * input gradient). The blocked kernel of {@link JavaBlas} packs panels and runs inner loops of
 * length n, which here is 1. These loops run along contiguous memory instead: measured on model 3's
 * 32x14400 head at one thread, 0.04–0.13 ms per product against 0.09–0.18 ms through OpenBLAS
 * (whose JNI call copies the 1.8 MB operand) and 0.13–0.52 ms through the blocked kernel.
 */
final class ThinGemm {
  private ThinGemm() {}

  private static final ThreadLocal<float[][]> COLUMN =
      ThreadLocal.withInitial(() -> new float[1][0]);

  /** Whether this path takes a product of this shape. */
  static boolean takes(int n, int k) {
    return n == 1 || k == 1;
  }

  /** As {@link JavaBlas#sgemm}, for {@code n == 1} or {@code k == 1}; on the calling thread. */
  static void sgemm(
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
    if (k == 1) {
      outer(transA, transB, m, n, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    } else if (transA) {
      columnSums(m, k, alpha, a, aOffset, lda, b, bOffset, transB ? 1 : ldb, beta, c, cOffset, ldc);
    } else {
      dots(m, k, alpha, a, aOffset, lda, b, bOffset, transB ? 1 : ldb, beta, c, cOffset, ldc);
    }
  }

  /** {@code C = alpha * op(A)[:, 0] * op(B)[0, :] + beta * C}. */
  private static void outer(
      boolean transA,
      boolean transB,
      int m,
      int n,
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
    int bStep = transB ? ldb : 1;
    for (int i = 0; i < m; i++) {
      float ai = alpha * a[aOffset + (transA ? i : i * lda)];
      int row = cOffset + i * ldc;
      if (bStep == 1 && beta == 0f) {
        for (int j = 0; j < n; j++) {
          c[row + j] = ai * b[bOffset + j];
        }
      } else if (bStep == 1) {
        for (int j = 0; j < n; j++) {
          c[row + j] = ai * b[bOffset + j] + beta * c[row + j];
        }
      } else {
        for (int j = 0; j < n; j++) {
          float old = beta == 0f ? 0f : beta * c[row + j];
          c[row + j] = ai * b[bOffset + j * bStep] + old;
        }
      }
    }
  }

  /**
   * {@code C[:, 0] = alpha * Aᵀ·v + beta * C[:, 0]} with A (k x m): a row of A at a time, each
   * added to a contiguous column of sums (C itself when its column is contiguous).
   */
  private static void columnSums(
      int m,
      int k,
      float alpha,
      float[] a,
      int aOffset,
      int lda,
      float[] v,
      int vOffset,
      int vStep,
      float beta,
      float[] c,
      int cOffset,
      int ldc) {
    float[] sums = c;
    int at = cOffset;
    if (ldc != 1) {
      float[][] holder = COLUMN.get();
      if (holder[0].length < m) {
        holder[0] = new float[m];
      }
      sums = holder[0];
      at = 0;
    }
    for (int i = 0; i < m; i++) {
      sums[at + i] = beta == 0f ? 0f : beta * c[cOffset + i * ldc];
    }
    for (int q = 0; q < k; q++) {
      float s = alpha * v[vOffset + q * vStep];
      int row = aOffset + q * lda;
      for (int i = 0; i < m; i++) {
        sums[at + i] += s * a[row + i];
      }
    }
    if (sums != c) {
      for (int i = 0; i < m; i++) {
        c[cOffset + i * ldc] = sums[i];
      }
    }
  }

  /**
   * {@code C[:, 0] = alpha * A·v + beta * C[:, 0]} with A (m x k): one dot product per row, in four
   * interleaved partial sums so that the additions do not wait on each other.
   */
  private static void dots(
      int m,
      int k,
      float alpha,
      float[] a,
      int aOffset,
      int lda,
      float[] v,
      int vOffset,
      int vStep,
      float beta,
      float[] c,
      int cOffset,
      int ldc) {
    for (int i = 0; i < m; i++) {
      int row = aOffset + i * lda;
      float s0 = 0f;
      float s1 = 0f;
      float s2 = 0f;
      float s3 = 0f;
      int q = 0;
      for (; q + 4 <= k; q += 4) {
        int p = vOffset + q * vStep;
        s0 += a[row + q] * v[p];
        s1 += a[row + q + 1] * v[p + vStep];
        s2 += a[row + q + 2] * v[p + 2 * vStep];
        s3 += a[row + q + 3] * v[p + 3 * vStep];
      }
      for (; q < k; q++) {
        s0 += a[row + q] * v[vOffset + q * vStep];
      }
      float dot = alpha * ((s0 + s1) + (s2 + s3));
      int at = cOffset + i * ldc;
      c[at] = beta == 0f ? dot : dot + beta * c[at];
    }
  }
}
