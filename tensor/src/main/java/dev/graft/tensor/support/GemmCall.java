package dev.graft.tensor.support;

/**
 * The arguments of one {@code sgemm} call, held by a reusable loop body that splits the call over
 * {@link dev.graft.tensor.Parallel}'s workers (one per calling thread, so nothing is allocated per
 * call). {@link #clear} drops the array references once the call is done.
 */
public abstract class GemmCall {
  protected boolean transA;
  protected boolean transB;
  protected int m;
  protected int n;
  protected int k;
  protected float alpha;
  protected float[] a;
  protected int aOffset;
  protected int lda;
  protected float[] b;
  protected int bOffset;
  protected int ldb;
  protected float beta;
  protected float[] c;
  protected int cOffset;
  protected int ldc;

  /**
   * Holds a call's arguments, as {@code Blas.sgemm} takes them.
   *
   * @param transA whether A is transposed
   * @param transB whether B is transposed
   * @param m rows of C
   * @param n columns of C
   * @param k the inner dimension
   * @param alpha the product's factor
   * @param a A's array
   * @param aOffset A's first element
   * @param lda A's row stride
   * @param b B's array
   * @param bOffset B's first element
   * @param ldb B's row stride
   * @param beta C's factor
   * @param c C's array
   * @param cOffset C's first element
   * @param ldc C's row stride
   */
  public void set(
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
    this.transA = transA;
    this.transB = transB;
    this.m = m;
    this.n = n;
    this.k = k;
    this.alpha = alpha;
    this.a = a;
    this.aOffset = aOffset;
    this.lda = lda;
    this.b = b;
    this.bOffset = bOffset;
    this.ldb = ldb;
    this.beta = beta;
    this.c = c;
    this.cOffset = cOffset;
    this.ldc = ldc;
  }

  /** Drops the array references, so that a thread's reused body does not keep them alive. */
  public void clear() {
    a = null;
    b = null;
    c = null;
  }
}
