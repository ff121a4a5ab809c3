package dev.graft.tensor.blas;

import java.util.concurrent.atomic.AtomicInteger;

/** A back-end for tests: counts its products and hands each to another back-end. */
public final class CountingBlas implements Blas {
  private final Blas inner;
  private final AtomicInteger calls = new AtomicInteger();

  /**
   * Counts the products {@code inner} computes.
   *
   * @param inner the back-end that computes them
   */
  public CountingBlas(Blas inner) {
    this.inner = inner;
  }

  @Override
  public String name() {
    return "counting";
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
    calls.incrementAndGet();
    inner.sgemm(
        transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
  }

  /**
   * The products computed so far.
   *
   * @return the count
   */
  public int calls() {
    return calls.get();
  }

  /** Starts the count again at 0. */
  public void reset() {
    calls.set(0);
  }
}
