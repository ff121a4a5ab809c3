package dev.graft.tensor.products;

/**
 * The many small products of attention ({@code Q·Kᵀ}, {@code P·V} and their gradients, per batch
 * row and head: 64 x 64 x 32 for 64 steps of 32-wide heads) on the Vector API kernels of {@link
 * ProductKernels}, reading and writing the Java arrays where they lie. Through BLAS every such call
 * copied its operands off the heap, whole rows of the heads layout included (four times the matrix
 * for four heads), and cost more than it computed. An operand the kernel cannot read as it lies (a
 * transposed one, or A scaled by {@code alpha}) is first packed into a buffer of the calling
 * thread: {@code m·k + k·n} copies against the product's {@code m·n·k} multiply-adds.
 *
 * <p>Each output value is one chain of fused multiply-adds in a fixed order, on every thread.
 */
final class SmallProducts {
  /** Products up to this many multiply-adds; larger ones amortise BLAS's copies and blocking. */
  static final long MAX_MACS = 1L << 20;

  /** The deepest inner dimension: a packed B of k x n floats should stay in the core's cache. */
  static final int MAX_DEPTH = 512;

  private SmallProducts() {}

  /**
   * Whether {@code op(A)·op(B)} of this shape runs here rather than through BLAS (see {@link
   * ProductVector#productsNow} for the first calls).
   */
  static boolean suits(int m, int n, int k) {
    return ProductVector.suitsProduct(n)
        && k <= MAX_DEPTH
        && (long) m * n * k <= MAX_MACS
        && ProductVector.productsNow() != null;
  }

  /**
   * {@code C = alpha·op(A)·op(B)}, or {@code C += ...} when {@code accumulate}, for row-major
   * operands with leading dimensions {@code lda}, {@code ldb}, {@code ldc}; the shape must {@link
   * #suits}.
   */
  static void product(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
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
    if (alpha != 1f) {
      float[] p = Packing.buffer(Packing.SMALL_A, m * k);
      for (int i = 0; i < m; i++) {
        if (transA) {
          for (int q = 0; q < k; q++) {
            p[i * k + q] = alpha * a[aOff + q * lda + i];
          }
        } else {
          // A row at a time: a loop the JIT vectorizes.
          int from = aOff + i * lda;
          for (int q = 0; q < k; q++) {
            p[i * k + q] = alpha * a[from + q];
          }
        }
      }
      a = p;
      aOff = 0;
      lda = k;
      transA = false;
    }
    if (transB) {
      float[] p = Packing.buffer(Packing.SMALL_B, k * n);
      Packing.transpose(b, bOff, ldb, n, k, p);
      b = p;
      bOff = 0;
      ldb = n;
    }
    // A transposed is read in place (its columns are the kernel's rows): the same multiply-adds
    // in the same order as on a packed copy.
    if (transA) {
      ProductVector.forProducts()
          .productTransA(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
      return;
    }
    ProductVector.forProducts()
        .product(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
  }
}
