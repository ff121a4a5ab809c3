package dev.graft.tensor.products;

import dev.graft.tensor.Parallel;

/**
 * Products with a short inner dimension and one operand of many megabytes, on the Vector API
 * kernels of {@link ProductKernels} in place on the Java arrays: a Dense layer's backward pass over
 * a long input (seed model 1's 30752 x 128 kernel). Through OpenBLAS, JavaCPP copied the 15.7 MB
 * operand off the heap (or the gradient back onto it) on every call, which cost about as much as
 * the product itself: with 32 or 128 multiply-adds per element of the large operand, these products
 * are bound by memory traffic, and the copy doubled it.
 *
 * <ul>
 *   <li>{@link #tall}: {@code C = Aᵀ·B} with A (k x m) and m large: the kernel gradient {@code
 *       xᵀ·dy}, rows of C shared out over the workers; also a small C over a long k.
 *   <li>{@link #wide}: {@code C = A·Bᵀ} with B (n x k) and n large: the input gradient {@code
 *       dy·Wᵀ}. Where m fills whole vector blocks, as {@code Cᵀ = B·Aᵀ} with B read in place and
 *       only a panel of Cᵀ transposed into C (m x n floats moved rather than n x k); otherwise B
 *       packed transposed a panel of columns at a time into a buffer of the worker.
 * </ul>
 *
 * <p>Each output value is one chain of fused multiply-adds in a fixed order whatever the split over
 * workers, so results do not depend on the thread count.
 */
final class ShallowProducts {
  /** The deepest inner dimension taken: a panel or B's rows stay in the core's cache. */
  static final int MAX_DEPTH = 256;

  /** The fewest floats in the large operand: below it, the copies cost BLAS little. */
  static final long MIN_LARGE = 1L << 20;

  /** Columns of B packed at a time by {@link #wide}, in units of the kernel's block width. */
  private static final int PANEL_BLOCKS = 2;

  private ShallowProducts() {}

  /**
   * Whether {@code Aᵀ·B} (A k x m) takes {@link #tall}, now: a large C over a short k, or a C that
   * stays in the core's cache over a long k (the kernel gradient of a projection applied per time
   * step, 128 x 128 over 2048 rows), walked in blocks of {@link #MAX_DEPTH}.
   */
  static boolean suitsTall(int m, int n, int k) {
    boolean shallow = k <= MAX_DEPTH && (long) m * n >= MIN_LARGE;
    boolean deep = k > MAX_DEPTH && m * n <= MAX_CACHED_C && (long) k * (m + n) >= MIN_DEEP;
    return (shallow || deep)
        && ProductVector.suitsProduct(n)
        && ProductVector.productsNow() != null;
  }

  /** The largest C (floats) a deep {@link #tall} product keeps in cache over its blocks of k. */
  static final int MAX_CACHED_C = 1 << 16;

  /**
   * The fewest floats of A and B for a deep {@link #tall} product: below it, copies cost little.
   */
  static final long MIN_DEEP = 1L << 17;

  /** Whether {@code A·Bᵀ} (B n x k) takes {@link #wide}, now. */
  static boolean suitsWide(int m, int n, int k) {
    return k <= MAX_DEPTH
        && m <= 64
        && ProductVector.suitsProduct(n)
        && (long) n * k >= MIN_LARGE
        && ProductVector.productsNow() != null;
  }

  /**
   * {@code C = Aᵀ·B + beta·C} (beta 0 or 1) for A (k x m, rows {@code lda} apart), B (k x n) and C
   * (m x n), row-major.
   */
  static void tall(
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      boolean accumulate,
      float[] c,
      int cOff,
      int ldc) {
    ProductKernels kernels = ProductVector.forProducts();
    // Units of four rows (the kernel's block), at least about 256K multiply-adds per hand-off.
    int units = (m + 3) / 4;
    int minUnits = (int) Math.max(1, (1L << 18) / (4L * n * k));
    Parallel.forRange(
        units,
        minUnits,
        (from, to) -> {
          int i0 = from * 4;
          int rows = Math.min(m, to * 4) - i0;
          // Blocks of k, each continuing every output's chain where the last one stopped.
          for (int q = 0; q < k; q += MAX_DEPTH) {
            kernels.productTransA(
                rows,
                n,
                Math.min(MAX_DEPTH, k - q),
                a,
                aOff + q * lda + i0,
                lda,
                b,
                bOff + q * ldb,
                ldb,
                c,
                cOff + i0 * ldc,
                ldc,
                accumulate || q > 0);
          }
        });
  }

  /**
   * {@code C = A·Bᵀ + beta·C} (beta 0 or 1) for A (m x k), B (n x k, rows {@code ldb} apart) and C
   * (m x n), row-major.
   */
  static void wide(
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      boolean accumulate,
      float[] c,
      int cOff,
      int ldc) {
    ProductKernels kernels = ProductVector.forProducts();
    int panel = PANEL_BLOCKS * 2 * kernels.lanes();
    int units = (n + panel - 1) / panel;
    if (ProductVector.suitsProduct(m)) {
      byRowsOfB(
          kernels, panel, units, m, n, k, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc);
      return;
    }
    Parallel.forRange(
        units,
        1,
        (from, to) -> {
          float[] p = Packing.buffer(Packing.PANEL, k * panel);
          for (int u = from; u < to; u++) {
            int j0 = u * panel;
            int cols = Math.min(panel, n - j0);
            Packing.transpose(b, bOff + j0 * ldb, ldb, cols, k, p);
            kernels.product(m, cols, k, a, aOff, lda, p, 0, cols, c, cOff + j0, ldc, accumulate);
          }
        });
  }

  /**
   * {@link #wide} as {@code Cᵀ = B·Aᵀ}, for m a whole number of the kernel's blocks: B's rows (the
   * Dense kernel's, 15.7 MB for seed model 1) are read in place rather than packed, a transposition
   * of n x k floats that took more time than the product it fed; only Aᵀ (k x m, once) and each
   * panel of Cᵀ (into C) are moved. Each output is the same chain of multiply-adds over k in the
   * same order as the packed path's, so the floats are the same.
   */
  private static void byRowsOfB(
      ProductKernels kernels,
      int panel,
      int units,
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      boolean accumulate,
      float[] c,
      int cOff,
      int ldc) {
    // Written by the caller before the hand-off, only read by the workers.
    float[] at = Packing.buffer(Packing.WIDE_A, k * m);
    Packing.transpose(a, aOff, lda, m, k, at);
    Parallel.forRange(
        units,
        1,
        (from, to) -> {
          float[] ct = Packing.buffer(Packing.PANEL, panel * m);
          for (int u = from; u < to; u++) {
            int j0 = u * panel;
            int cols = Math.min(panel, n - j0);
            if (accumulate) {
              Packing.transpose(c, cOff + j0, ldc, m, cols, ct);
            }
            kernels.product(cols, m, k, b, bOff + j0 * ldb, ldb, at, 0, m, ct, 0, m, accumulate);
            Packing.transpose(ct, 0, m, cols, m, c, cOff + j0, ldc);
          }
        });
  }
}
