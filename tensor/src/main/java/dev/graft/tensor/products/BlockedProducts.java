package dev.graft.tensor.products;

import dev.graft.tensor.Parallel;

/**
 * Large products ({@code C = op(A)·op(B)} of at least {@link #MIN_MACS} multiply-adds) on the
 * Vector API kernel of {@link ProductKernels}, in blocks that stay in the core's caches: B in
 * panels of {@link #DEPTH} x {@link #WIDTH} floats (256 KB, copied contiguous into a buffer of the
 * thread, transposed when B is), walked by {@link #ROWS} rows of A at a time. Rows of C are shared
 * out over the workers, each packing the panels it reads: no barrier between workers, and a panel
 * costs one copy per float against a multiply-add per float for each of the worker's rows. Through
 * OpenBLAS, JavaCPP copied A and B off the heap and C back on every call (12 MB for a 1024³
 * product), and the kernel measured faster than the bundled OpenBLAS: 1024³ in 15.0 ms on one
 * thread against 20.8–22.7.
 *
 * <p>Each output value is one chain of fused multiply-adds over k in order, continued block after
 * block (the kernel reloads C): the same bits whatever the split over workers, and as {@link
 * ProductsTwin}'s product over the whole of k.
 */
final class BlockedProducts {
  /** The fewest multiply-adds taken: below it the products above (or BLAS) do better. */
  static final long MIN_MACS = 1L << 24;

  /** Terms of k per block. */
  static final int DEPTH = 256;

  /** Columns of B per packed panel. */
  static final int WIDTH = 256;

  /** Rows of A walked over one panel at a time (64 x 256 floats of A: 64 KB). */
  static final int ROWS = 64;

  private BlockedProducts() {}

  /** Whether {@code op(A)·op(B)} (C m x n, inner k) runs here, now. */
  static boolean suits(int m, int n, int k) {
    return (long) m * n * k >= MIN_MACS
        && ProductVector.suitsProduct(n)
        && ProductVector.productsNow() != null;
  }

  /**
   * {@code C = op(A)·op(B)}, or {@code C += ...} when {@code accumulate}, for row-major operands: A
   * m x k ({@code transA}: k x m), B k x n ({@code transB}: n x k), C m x n; rows {@code lda},
   * {@code ldb}, {@code ldc} apart.
   */
  static void product(
      boolean transA,
      boolean transB,
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
    Parallel.forRange(
        (m + 3) / 4,
        ROWS / 4,
        (from, to) -> {
          int r0 = from * 4;
          int r1 = Math.min(m, to * 4);
          float[] panel = Packing.buffer(Packing.BLOCK_B, DEPTH * WIDTH);
          for (int q = 0; q < k; q += DEPTH) {
            int depth = Math.min(DEPTH, k - q);
            boolean onto = accumulate || q > 0;
            for (int j = 0; j < n; j += WIDTH) {
              int width = Math.min(WIDTH, n - j);
              if (transB) {
                Packing.transpose(b, bOff + j * ldb + q, ldb, width, depth, panel);
              } else {
                for (int t = 0; t < depth; t++) {
                  System.arraycopy(b, bOff + (q + t) * ldb + j, panel, t * width, width);
                }
              }
              for (int i = r0; i < r1; i += ROWS) {
                int rows = Math.min(ROWS, r1 - i);
                int at = cOff + i * ldc + j;
                if (transA) {
                  kernels.productTransA(
                      rows,
                      width,
                      depth,
                      a,
                      aOff + q * lda + i,
                      lda,
                      panel,
                      0,
                      width,
                      c,
                      at,
                      ldc,
                      onto);
                } else {
                  kernels.product(
                      rows,
                      width,
                      depth,
                      a,
                      aOff + i * lda + q,
                      lda,
                      panel,
                      0,
                      width,
                      c,
                      at,
                      ldc,
                      onto);
                }
              }
            }
          }
        });
  }
}
