package dev.graft.tensor.blas;

import org.jblas.NativeBlas;

/**
 * jblas's bundled native BLAS. jblas is column-major (Fortran); a row-major {@code C} is the
 * column-major {@code C^T}, and {@code C^T = op(B)^T * op(A)^T}, so the call swaps the operands
 * instead of transposing anything. It needs the system's {@code libgfortran.so.5}, and jblas itself
 * is an optional dependency of Graft: add {@code org.jblas:jblas} to select this back-end.
 */
public final class JBlas implements Blas {
  private static volatile JBlas instance;
  private static Throwable loadFailure;

  private JBlas() {}

  /**
   * The back-end, loading jblas's native library on first use (quietly: jblas logs its loading to
   * stderr at INFO level otherwise).
   *
   * @return the back-end
   * @throws UnsupportedOperationException if the library cannot load (the cause says why)
   */
  public static JBlas load() {
    JBlas b = instance;
    if (b != null) {
      return b;
    }
    synchronized (JBlas.class) {
      if (instance == null && loadFailure == null) {
        try {
          // Before any jblas class is touched: jblas is optional and may be absent.
          Class<?> nativeBlas =
              Class.forName("org.jblas.NativeBlas", false, JBlas.class.getClassLoader());
          // On the module path (module dev.graft), jblas is not required, so read it now.
          JBlas.class.getModule().addReads(nativeBlas.getModule());
          org.jblas.util.Logger.getLogger().setLevel(org.jblas.util.Logger.WARNING);
          float[] one = {1f};
          float[] out = {0f};
          NativeBlas.sgemm('N', 'N', 1, 1, 1, 2f, one, 0, 1, one, 0, 1, 0f, out, 0, 1);
          if (out[0] != 2f) {
            throw new IllegalStateException("jblas computed 2*1*1 = " + out[0]);
          }
          instance = new JBlas();
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
          loadFailure = e;
        }
      }
      if (loadFailure instanceof ClassNotFoundException) {
        throw new UnsupportedOperationException(
            "jblas: org.jblas:jblas is not on the class path (it is an optional dependency of"
                + " graft-tensor; add it to use this back-end)",
            loadFailure);
      }
      if (instance == null) {
        throw new UnsupportedOperationException(
            "jblas: its native library could not load (it needs the system's libgfortran.so.5,"
                + " Debian package libgfortran5): "
                + loadFailure,
            loadFailure);
      }
      return instance;
    }
  }

  @Override
  public String name() {
    return "jblas";
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
    if (GemmChecks.trivial(
        transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc)) {
      return;
    }
    if (beta == 0f) {
      // Reference BLAS ignores C when beta is 0, but clearing first costs little and rules out
      // NaN garbage leaking through an implementation that computes 0 * C.
      GemmChecks.scale(0f, c, cOffset, m, n, ldc);
    }
    // jblas's bundled BLAS is not reentrant: two threads in sgemm at once corrupt each other's
    // results (seen as zero rows from Conv2d's parallel chunks), so calls take turns.
    synchronized (JBlas.class) {
      NativeBlas.sgemm(
          transB ? 'T' : 'N',
          transA ? 'T' : 'N',
          n,
          m,
          k,
          alpha,
          b,
          bOffset,
          ldb,
          a,
          aOffset,
          lda,
          beta,
          c,
          cOffset,
          ldc);
    }
  }
}
