package dev.graft.tensor;

import dev.graft.tensor.blas.BlasRegistry;

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
   */
  String name();

  /**
   * {@code C = alpha * op(A) * op(B) + beta * C}, row-major. With {@code beta == 0} the old
   * contents of C are ignored (NaNs included).
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
   */
  default Blas singleThreaded() {
    return this;
  }

  /** The back-end in use (from {@code -Dgraft.blas}, default {@code auto}). */
  static Blas current() {
    return BlasRegistry.current();
  }

  /** Makes {@code blas} the back-end for every later call. */
  static void use(Blas blas) {
    BlasRegistry.use(blas);
  }

  /**
   * The back-end with the given name, loading it if needed.
   *
   * @throws IllegalArgumentException for an unknown name
   * @throws UnsupportedOperationException if its native library cannot load (the message says why)
   */
  static Blas named(String name) {
    return BlasRegistry.named(name);
  }
}
