package dev.graft.tensor.products;

/**
 * Matrix products on the Vector API for shapes where a BLAS call costs more than it computes, as
 * {@code dev.graft.tensor.vector.VectorProducts} implements them (reached through {@link
 * ProductVector}): a recurrent layer's per-step products and a Dense layer's product with few rows
 * and a long inner dimension. They read and write the Java arrays in place: no JNI copies.
 */
public interface ProductKernels {
  /** The vector width in floats. */
  int lanes();

  /**
   * {@code C += A·B} ({@code accumulate}) or {@code C = A·B} for row-major A (m x k, rows {@code
   * lda} apart), B (k x n, rows {@code ldb} apart) and C (m x n, rows {@code ldc} apart). {@code n}
   * must be a multiple of twice {@link #lanes()}.
   */
  void product(
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int cOff,
      int ldc,
      boolean accumulate);

  /**
   * {@code C += Aᵀ·B} ({@code accumulate}) or {@code C = Aᵀ·B} for row-major A (k x m, rows {@code
   * lda} apart), B (k x n, rows {@code ldb} apart) and C (m x n, rows {@code ldc} apart): a Dense
   * layer's kernel gradient {@code xᵀ·dy}. {@code n} must be a multiple of twice {@link #lanes()}.
   */
  void productTransA(
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int cOff,
      int ldc,
      boolean accumulate);

  /**
   * {@code C = Aᵀ·B} with A (k x m) and B (k x n) dense from offset 0 and C (m x n) dense: the LSTM
   * inference kernel's per-step gates from its stacked weights. {@code m} must be a multiple of 4.
   * Each column's values are the same whatever {@code n} is.
   */
  void productTransA(int m, int n, int k, float[] a, float[] b, float[] c);

  /**
   * {@code c[cOff + i*ldc] = beta*c[...] + dot(A row i, v)} for row-major A (m x k, rows {@code
   * lda} apart) and a contiguous vector v: a matrix times a vector, as a {@code Dense(1)} head.
   * Each row's sum is taken in the same order whatever m is.
   */
  void dots(
      int m,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] v,
      int vOff,
      float beta,
      float[] c,
      int cOff,
      int ldc);
}
