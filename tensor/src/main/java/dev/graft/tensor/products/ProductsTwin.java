package dev.graft.tensor.products;

import dev.graft.tensor.support.JitWarmup;

/**
 * The Vector API product kernels ({@link dev.graft.tensor.vector.VectorProducts}) in plain Java,
 * the same floats bit for bit, for {@link JitWarmup}. Products: each output value of the vector
 * kernels is one chain of fused multiply-adds over the inner dimension in order, from zero or from
 * C, so a scalar chain in that order gives the same bits. Dots: the vector kernel's per-lane
 * partial sums, added in lane order, then the tail. A {@code Dense(1)} head on a flattened image
 * calls the dots once per batch, too rarely for the JIT to compile them soon (uncompiled they
 * allocated about 390 KB of vectors per batch-1 prediction of seed model 3); the small batched
 * products of a seeded run and the LSTM inference gates take the products until the vector code is
 * compiled.
 */
final class ProductsTwin implements ProductKernels {
  private final int lanes;

  /** The twin of {@code vector}'s kernels. */
  ProductsTwin(ProductKernels vector) {
    this(vector.lanes());
  }

  /** The twin of vector kernels of {@code lanes} lanes (the lanes matter to the dots only). */
  ProductsTwin(int lanes) {
    this.lanes = lanes;
  }

  @Override
  public int lanes() {
    return lanes;
  }

  @Override
  public void product(
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
      boolean accumulate) {
    chains(m, n, k, a, aOff, lda, 1, b, bOff, ldb, c, cOff, ldc, accumulate);
  }

  @Override
  public void productTransA(
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
      boolean accumulate) {
    chains(m, n, k, a, aOff, 1, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
  }

  @Override
  public void productTransA(int m, int n, int k, float[] a, float[] b, float[] c) {
    chains(m, n, k, a, 0, 1, m, b, 0, n, c, 0, n, false);
  }

  /**
   * {@code C (+)= A·B} where A's element (i, q) is {@code a[aOff + i * ai + q * aq]}: one chain of
   * fused multiply-adds over q in order per output, as the vector kernels' lanes. Four rows by four
   * columns at a time, sixteen independent chains, so that the CPU overlaps their latencies: one
   * chain at a time ran at a quarter of a multiply-add per cycle.
   */
  private static void chains(
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int ai,
      int aq,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int cOff,
      int ldc,
      boolean accumulate) {
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      int j = 0;
      for (; j + 4 <= n; j += 4) {
        block4x4(
            k, a, aOff + i * ai, ai, aq, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate);
      }
      for (; j < n; j++) {
        block4x1(
            k, a, aOff + i * ai, ai, aq, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate);
      }
    }
    for (; i < m; i++) {
      int j = 0;
      for (; j + 8 <= n; j += 8) {
        row8(k, a, aOff + i * ai, aq, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate);
      }
      for (; j < n; j++) {
        chain(k, a, aOff + i * ai, aq, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate);
      }
    }
  }

  /**
   * One column of four rows, four independent chains (the LSTM gates of a single request: one
   * column of 4u rows).
   */
  private static void block4x1(
      int k,
      float[] a,
      int ao,
      int ai,
      int aq,
      float[] b,
      int bo,
      int ldb,
      float[] c,
      int co,
      int ldc,
      boolean acc) {
    int c1 = co + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    float s0 = acc ? c[co] : 0f;
    float s1 = acc ? c[c1] : 0f;
    float s2 = acc ? c[c2] : 0f;
    float s3 = acc ? c[c3] : 0f;
    int a2 = 2 * ai;
    int a3 = 3 * ai;
    for (int q = 0; q < k; q++, ao += aq, bo += ldb) {
      float y = b[bo];
      s0 = Math.fma(a[ao], y, s0);
      s1 = Math.fma(a[ao + ai], y, s1);
      s2 = Math.fma(a[ao + a2], y, s2);
      s3 = Math.fma(a[ao + a3], y, s3);
    }
    c[co] = s0;
    c[c1] = s1;
    c[c2] = s2;
    c[c3] = s3;
  }

  /**
   * Eight columns of one row, eight independent chains (a single request's rows come one at a time:
   * one chain at a time took 6 ms for a Dense 30752→128 at batch 1, eight take 1).
   */
  private static void row8(
      int k,
      float[] a,
      int ao,
      int aq,
      float[] b,
      int bo,
      int ldb,
      float[] c,
      int co,
      boolean acc) {
    float s0 = acc ? c[co] : 0f;
    float s1 = acc ? c[co + 1] : 0f;
    float s2 = acc ? c[co + 2] : 0f;
    float s3 = acc ? c[co + 3] : 0f;
    float s4 = acc ? c[co + 4] : 0f;
    float s5 = acc ? c[co + 5] : 0f;
    float s6 = acc ? c[co + 6] : 0f;
    float s7 = acc ? c[co + 7] : 0f;
    for (int q = 0; q < k; q++, ao += aq, bo += ldb) {
      float x = a[ao];
      s0 = Math.fma(x, b[bo], s0);
      s1 = Math.fma(x, b[bo + 1], s1);
      s2 = Math.fma(x, b[bo + 2], s2);
      s3 = Math.fma(x, b[bo + 3], s3);
      s4 = Math.fma(x, b[bo + 4], s4);
      s5 = Math.fma(x, b[bo + 5], s5);
      s6 = Math.fma(x, b[bo + 6], s6);
      s7 = Math.fma(x, b[bo + 7], s7);
    }
    c[co] = s0;
    c[co + 1] = s1;
    c[co + 2] = s2;
    c[co + 3] = s3;
    c[co + 4] = s4;
    c[co + 5] = s5;
    c[co + 6] = s6;
    c[co + 7] = s7;
  }

  private static void chain(
      int k,
      float[] a,
      int ao,
      int aq,
      float[] b,
      int bo,
      int ldb,
      float[] c,
      int co,
      boolean acc) {
    float s = acc ? c[co] : 0f;
    for (int q = 0; q < k; q++, ao += aq, bo += ldb) {
      s = Math.fma(a[ao], b[bo], s);
    }
    c[co] = s;
  }

  private static void block4x4(
      int k,
      float[] a,
      int ao,
      int ai,
      int aq,
      float[] b,
      int bo,
      int ldb,
      float[] c,
      int co,
      int ldc,
      boolean acc) {
    int c1 = co + ldc;
    int c2 = c1 + ldc;
    int c3 = c2 + ldc;
    float s00 = acc ? c[co] : 0f;
    float s01 = acc ? c[co + 1] : 0f;
    float s02 = acc ? c[co + 2] : 0f;
    float s03 = acc ? c[co + 3] : 0f;
    float s10 = acc ? c[c1] : 0f;
    float s11 = acc ? c[c1 + 1] : 0f;
    float s12 = acc ? c[c1 + 2] : 0f;
    float s13 = acc ? c[c1 + 3] : 0f;
    float s20 = acc ? c[c2] : 0f;
    float s21 = acc ? c[c2 + 1] : 0f;
    float s22 = acc ? c[c2 + 2] : 0f;
    float s23 = acc ? c[c2 + 3] : 0f;
    float s30 = acc ? c[c3] : 0f;
    float s31 = acc ? c[c3 + 1] : 0f;
    float s32 = acc ? c[c3 + 2] : 0f;
    float s33 = acc ? c[c3 + 3] : 0f;
    int a2 = 2 * ai;
    int a3 = 3 * ai;
    for (int q = 0; q < k; q++, ao += aq, bo += ldb) {
      float x0 = a[ao];
      float x1 = a[ao + ai];
      float x2 = a[ao + a2];
      float x3 = a[ao + a3];
      float y0 = b[bo];
      float y1 = b[bo + 1];
      float y2 = b[bo + 2];
      float y3 = b[bo + 3];
      s00 = Math.fma(x0, y0, s00);
      s01 = Math.fma(x0, y1, s01);
      s02 = Math.fma(x0, y2, s02);
      s03 = Math.fma(x0, y3, s03);
      s10 = Math.fma(x1, y0, s10);
      s11 = Math.fma(x1, y1, s11);
      s12 = Math.fma(x1, y2, s12);
      s13 = Math.fma(x1, y3, s13);
      s20 = Math.fma(x2, y0, s20);
      s21 = Math.fma(x2, y1, s21);
      s22 = Math.fma(x2, y2, s22);
      s23 = Math.fma(x2, y3, s23);
      s30 = Math.fma(x3, y0, s30);
      s31 = Math.fma(x3, y1, s31);
      s32 = Math.fma(x3, y2, s32);
      s33 = Math.fma(x3, y3, s33);
    }
    c[co] = s00;
    c[co + 1] = s01;
    c[co + 2] = s02;
    c[co + 3] = s03;
    c[c1] = s10;
    c[c1 + 1] = s11;
    c[c1 + 2] = s12;
    c[c1 + 3] = s13;
    c[c2] = s20;
    c[c2 + 1] = s21;
    c[c2 + 2] = s22;
    c[c2 + 3] = s23;
    c[c3] = s30;
    c[c3 + 1] = s31;
    c[c3 + 2] = s32;
    c[c3 + 3] = s33;
  }

  @Override
  public void dots(
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
      int ldc) {
    int l = lanes;
    for (int i = 0; i < m; i++) {
      int row = aOff + i * lda;
      float sum = 0f;
      for (int lane = 0; lane < l; lane++) {
        // Lane `lane` of the vector kernel's two accumulators, then their sum, in lane order.
        float s0 = 0f;
        float s1 = 0f;
        for (int q = 0; q + 2 * l <= k; q += 2 * l) {
          s0 = Math.fma(a[row + q + lane], v[vOff + q + lane], s0);
          s1 = Math.fma(a[row + q + l + lane], v[vOff + q + l + lane], s1);
        }
        sum = lane == 0 ? s0 + s1 : sum + (s0 + s1);
      }
      for (int q = k - k % (2 * l); q < k; q++) {
        sum = Math.fma(a[row + q], v[vOff + q], sum);
      }
      int at = cOff + i * ldc;
      c[at] = beta == 0f ? sum : sum + beta * c[at];
    }
  }
}
