package dev.graft.tensor.blas;

/**
 * The arguments of one {@code sgemm} call, held by a reusable loop body that splits the call over
 * {@link dev.graft.tensor.Parallel}'s workers (one per calling thread, so nothing is allocated per
 * call). {@link #clear} drops the array references once the call is done.
 */
abstract class GemmCall {
  boolean transA;
  boolean transB;
  int m;
  int n;
  int k;
  float alpha;
  float[] a;
  int aOffset;
  int lda;
  float[] b;
  int bOffset;
  int ldb;
  float beta;
  float[] c;
  int cOffset;
  int ldc;

  void set(
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

  void clear() {
    a = null;
    b = null;
    c = null;
  }
}
