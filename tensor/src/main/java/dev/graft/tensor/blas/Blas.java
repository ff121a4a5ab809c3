package dev.graft.tensor.blas;

import dev.graft.tensor.Parallel;

/**
 * A single-precision matrix-multiply back-end. Row-major throughout: {@code C = alpha * op(A) *
 * op(B) + beta * C} with {@code op(A)} of shape {@code m x k}, {@code op(B)} of shape {@code k x
 * n}, leading dimensions in elements.
 *
 * <p>Back-ends: {@code openblas} (OpenBLAS through JavaCPP, bundled in its jar), {@code jblas}
 * (needs the system's {@code libgfortran5}) and {@code java} (pure Java, always there). The
 * default, {@code auto}, picks per call shape. Choose with {@code
 * -Dgraft.blas=openblas|jblas|java|auto} or {@link #use(Blas)}. A native back-end that fails to
 * load is replaced by {@code java} with one log line.
 */
public interface Blas {
  /**
   * The back-end's name ({@code openblas}, {@code jblas}, {@code java}, {@code auto}, or the
   * single-threaded {@code openblas-1t}, {@code java-1t}).
   *
   * @return the name {@link #named} knows it by
   */
  String name();

  /**
   * {@code C = alpha * op(A) * op(B) + beta * C}, row-major. With {@code beta == 0} the old
   * contents of C are ignored (NaNs included).
   *
   * @param transA whether A is stored transposed ({@code op(A) = A^T})
   * @param transB whether B is stored transposed ({@code op(B) = B^T})
   * @param m the rows of {@code op(A)} and of C
   * @param n the columns of {@code op(B)} and of C
   * @param k the columns of {@code op(A)}, the rows of {@code op(B)}
   * @param alpha the factor of the product
   * @param a A's storage
   * @param aOffset where A starts in {@code a}
   * @param lda the distance between A's rows in {@code a}, in elements
   * @param b B's storage
   * @param bOffset where B starts in {@code b}
   * @param ldb the distance between B's rows in {@code b}, in elements
   * @param beta the factor of C's old contents
   * @param c C's storage, overwritten with the result
   * @param cOffset where C starts in {@code c}
   * @param ldc the distance between C's rows in {@code c}, in elements
   */
  void sgemm(
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
      int ldc);

  /**
   * The variant of this back-end to call from inside a {@link Parallel} loop body: one that never
   * starts threads of its own, so that workers calling it side by side do not oversubscribe the
   * cores. Back-ends that are single-threaded already return themselves.
   *
   * @return the single-threaded variant
   */
  default Blas singleThreaded() {
    return this;
  }

  /**
   * The back-end in use (from {@code -Dgraft.blas}, default {@code auto}).
   *
   * @return the current back-end
   */
  static Blas current() {
    return BlasRegistry.current();
  }

  /**
   * Makes {@code blas} the back-end for every later call.
   *
   * @param blas the back-end to use
   */
  static void use(Blas blas) {
    BlasRegistry.use(blas);
  }

  /**
   * The back-end with the given name, loading it if needed.
   *
   * @param name one of {@code openblas}, {@code jblas}, {@code java}, {@code auto}, {@code
   *     openblas-1t}, {@code java-1t}
   * @return the back-end
   * @throws IllegalArgumentException for an unknown name
   * @throws UnsupportedOperationException if its native library cannot load (the message says why)
   */
  static Blas named(String name) {
    return BlasRegistry.named(name);
  }
}
