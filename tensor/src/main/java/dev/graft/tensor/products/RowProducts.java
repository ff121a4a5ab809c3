package dev.graft.tensor.products;

import dev.graft.tensor.Parallel;

/**
 * {@code C = A·op(B)} with many rows of A, a short inner dimension and a small B, on the Vector API
 * kernels of {@link ProductKernels} in place on the Java arrays: the projections of attention and
 * of a Dense layer applied per time step ({@code (batch·steps) x d} times {@code d x d'}, forward
 * and input gradient). Through OpenBLAS, JavaCPP copied A off the heap and C back on every call:
 * for MultiHeadAttention's eight such products (2048 x 128 x 128) about a tenth of their time, on
 * products the kernels run at OpenBLAS's speed (B stays in the core's cache while A streams through
 * once).
 *
 * <p>A transposed B is packed once per call into a buffer of the calling thread; rows of C are
 * shared out over the workers in blocks of four, each output value one chain of fused multiply-adds
 * in a fixed order whatever the split.
 */
final class RowProducts {
  /** The deepest inner dimension taken: B's block of columns stays in the core's cache. */
  static final int MAX_DEPTH = 256;

  /** The widest B taken, in columns. */
  static final int MAX_COLUMNS = 1024;

  /** The fewest floats of A: below it, BLAS's copies cost little. */
  static final long MIN_ROWS_FLOATS = 1L << 17;

  private RowProducts() {}

  /** Whether {@code A·op(B)} (A m x k) runs here, now. */
  static boolean suits(int m, int n, int k) {
    return k <= MAX_DEPTH
        && n <= MAX_COLUMNS
        && (long) m * k >= MIN_ROWS_FLOATS
        && ProductVector.suitsProduct(n)
        && ProductVector.productsNow() != null;
  }

  /**
   * {@code C = A·op(B) + beta·C} (beta 0 or 1) for A (m x k, rows {@code lda} apart), B (k x n, or
   * n x k when {@code transB}; rows {@code ldb} apart) and C (m x n), row-major.
   */
  static void product(
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      boolean transB,
      float[] b,
      int bOff,
      int ldb,
      boolean accumulate,
      float[] c,
      int cOff,
      int ldc) {
    ProductKernels kernels = ProductVector.forProducts();
    float[] pb = transB ? Packing.buffer(Packing.ROWS_B, k * n) : b;
    if (transB) {
      Packing.transpose(b, bOff, ldb, n, k, pb);
    }
    int pbo = transB ? 0 : bOff;
    int pbs = transB ? n : ldb;
    int units = (m + 3) / 4;
    Parallel.forRange(
        units,
        Math.max(1, 4096 / n),
        (from, to) -> {
          int i0 = from * 4;
          int rows = Math.min(m, to * 4) - i0;
          kernels.product(
              rows,
              n,
              k,
              a,
              aOff + i0 * lda,
              lda,
              pb,
              pbo,
              pbs,
              c,
              cOff + i0 * ldc,
              ldc,
              accumulate);
        });
  }
}
