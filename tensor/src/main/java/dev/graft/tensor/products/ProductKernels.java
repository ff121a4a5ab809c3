package dev.graft.tensor.products;

/**
 * Matrix products on the Vector API for shapes where a BLAS call costs more than it computes, as
 * {@code dev.graft.tensor.vector.VectorProducts} implements them (reached through {@link
 * ProductVector}): a recurrent layer's per-step products and a Dense layer's product with few rows
 * and a long inner dimension. They read and write the Java arrays in place: no JNI copies.
 */
public interface ProductKernels {
  /**
   * The vector width in floats.
   *
   * @return the number of floats in one vector register (the species' length), e.g. 8 with AVX2
   */
  int lanes();

  /**
   * {@code C += A·B} ({@code accumulate}) or {@code C = A·B} for row-major A (m x k, rows {@code
   * lda} apart), B (k x n, rows {@code ldb} apart) and C (m x n, rows {@code ldc} apart). {@code n}
   * must be a multiple of twice {@link #lanes()}.
   *
   * @param m the number of rows of C
   * @param n the number of columns of C
   * @param k the inner dimension
   * @param a the array holding A
   * @param aOff the index of A's first element in {@code a}
   * @param lda the distance between A's rows in {@code a}, {@code >=} its row length
   * @param b the array holding B
   * @param bOff the index of B's first element in {@code b}
   * @param ldb the distance between B's rows in {@code b}, {@code >= n}
   * @param c the array holding C, written (or added to)
   * @param cOff the index of C's first element in {@code c}
   * @param ldc the distance between C's rows in {@code c}, {@code >= n}
   * @param accumulate true to add to C's values, false to overwrite them
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
   *
   * @param m the number of rows of C
   * @param n the number of columns of C
   * @param k the inner dimension
   * @param a the array holding A
   * @param aOff the index of A's first element in {@code a}
   * @param lda the distance between A's rows in {@code a}, {@code >=} its row length
   * @param b the array holding B
   * @param bOff the index of B's first element in {@code b}
   * @param ldb the distance between B's rows in {@code b}, {@code >= n}
   * @param c the array holding C, written (or added to)
   * @param cOff the index of C's first element in {@code c}
   * @param ldc the distance between C's rows in {@code c}, {@code >= n}
   * @param accumulate true to add to C's values, false to overwrite them
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
   *
   * @param m the number of rows of C
   * @param n the number of columns of C
   * @param k the inner dimension
   * @param a A, {@code k x m} dense from index 0
   * @param b B, {@code k x n} dense from index 0
   * @param c C, {@code m x n} dense from index 0, overwritten
   */
  void productTransA(int m, int n, int k, float[] a, float[] b, float[] c);

  /**
   * {@code c[cOff + i*ldc] = beta*c[...] + dot(A row i, v)} for row-major A (m x k, rows {@code
   * lda} apart) and a contiguous vector v: a matrix times a vector, as a {@code Dense(1)} head.
   * Each row's sum is taken in the same order whatever m is.
   *
   * @param m the number of rows of A (and of results)
   * @param k the length of A's rows and of {@code v}
   * @param a the array holding A
   * @param aOff the index of A's first element in {@code a}
   * @param lda the distance between A's rows in {@code a}, {@code >=} its row length
   * @param v the array holding the vector
   * @param vOff the index of the vector's first element in {@code v}
   * @param beta the factor applied to C's old values; 0 overwrites them (even NaN)
   * @param c the array receiving the results, one per row of A
   * @param cOff the index of the first result in {@code c}
   * @param ldc the distance between results in {@code c}
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
