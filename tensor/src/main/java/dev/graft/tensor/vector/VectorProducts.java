package dev.graft.tensor.vector;

import dev.graft.tensor.products.ProductKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix products on the Vector API in register blocks of four rows of C by two vectors of columns:
 * each step over k loads two vectors of B, broadcasts four values of A and runs eight fused
 * multiply-adds. Measured for the LSTM(64) inference step (256 x 32 x 129): 18 us against 31 us
 * through OpenBLAS, which pays a JNI copy and packing on every such call.
 */
public final class VectorProducts implements ProductKernels {
  /**
   * Made by name when the module is present (see {@code dev.graft.tensor.support.VectorSupport}).
   */
  public VectorProducts() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  /** Whether {@link #block4x4}'s sixteen accumulators fit in the registers (see {@link #rows4}). */
  private static final boolean WIDE = L == 16;

  @Override
  public int lanes() {
    return L;
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
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      rows4(k, a, aOff + i * lda, lda, 1, n, b, bOff, ldb, c, cOff + i * ldc, ldc, accumulate);
    }
    for (; i < m; i++) {
      for (int j = 0; j < n; j += 2 * L) {
        rows1(k, a, aOff + i * lda, 1, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate);
      }
    }
  }

  /**
   * Four rows of C across its n columns: four vectors wide where the CPU has the registers for
   * sixteen accumulators (512-bit vectors: 32 registers), then two. Four wide loads one vector of B
   * per four multiply-adds instead of one per two: a 1024³ product ran at 138–142 GFLOP/s on one
   * core wherever B's buffer lay, against 118 (B 32 or 48 bytes past a cache line) to 150 (on one)
   * two wide. The order of each output's chain is the same either way.
   */
  private static void rows4(
      int k,
      float[] a,
      int ao,
      int rowStride,
      int depthStride,
      int n,
      float[] b,
      int bo,
      int ldb,
      float[] c,
      int co,
      int ldc,
      boolean accumulate) {
    int j = 0;
    for (; WIDE && j + 4 * L <= n; j += 4 * L) {
      block4x4(k, a, ao, rowStride, depthStride, b, bo + j, ldb, c, co + j, ldc, accumulate);
    }
    for (; j < n; j += 2 * L) {
      block4x2(k, a, ao, rowStride, depthStride, b, bo + j, ldb, c, co + j, ldc, accumulate);
    }
  }

  /** {@link #block4x2} four vectors wide (see {@link #rows4}). */
  private static void block4x4(
      int k,
      float[] a,
      int ao,
      int rowStride,
      int depthStride,
      float[] b,
      int bo,
      int ldb,
      float[] c,
      int co,
      int ldc,
      boolean accumulate) {
    int c1 = co + ldc;
    int c2 = co + 2 * ldc;
    int c3 = co + 3 * ldc;
    FloatVector s00 = FloatVector.zero(S);
    FloatVector s01 = s00;
    FloatVector s02 = s00;
    FloatVector s03 = s00;
    FloatVector s10 = s00;
    FloatVector s11 = s00;
    FloatVector s12 = s00;
    FloatVector s13 = s00;
    FloatVector s20 = s00;
    FloatVector s21 = s00;
    FloatVector s22 = s00;
    FloatVector s23 = s00;
    FloatVector s30 = s00;
    FloatVector s31 = s00;
    FloatVector s32 = s00;
    FloatVector s33 = s00;
    if (accumulate) {
      s00 = FloatVector.fromArray(S, c, co);
      s01 = FloatVector.fromArray(S, c, co + L);
      s02 = FloatVector.fromArray(S, c, co + 2 * L);
      s03 = FloatVector.fromArray(S, c, co + 3 * L);
      s10 = FloatVector.fromArray(S, c, c1);
      s11 = FloatVector.fromArray(S, c, c1 + L);
      s12 = FloatVector.fromArray(S, c, c1 + 2 * L);
      s13 = FloatVector.fromArray(S, c, c1 + 3 * L);
      s20 = FloatVector.fromArray(S, c, c2);
      s21 = FloatVector.fromArray(S, c, c2 + L);
      s22 = FloatVector.fromArray(S, c, c2 + 2 * L);
      s23 = FloatVector.fromArray(S, c, c2 + 3 * L);
      s30 = FloatVector.fromArray(S, c, c3);
      s31 = FloatVector.fromArray(S, c, c3 + L);
      s32 = FloatVector.fromArray(S, c, c3 + 2 * L);
      s33 = FloatVector.fromArray(S, c, c3 + 3 * L);
    }
    if (k == 0) {
      if (!accumulate) {
        for (int r = 0; r < 4; r++) {
          for (int v = 0; v < 4; v++) {
            FloatVector.zero(S).intoArray(c, co + r * ldc + v * L);
          }
        }
      }
      return;
    }
    // The last term is taken after the loop so that each store is made on a fresh vector, never on
    // a loop's accumulator (see Lanes; sixteen Lanes.known blends here made the method 40% slower).
    int last = k - 1;
    for (int q = 0, aq = ao, bq = bo; q < last; q++, aq += depthStride, bq += ldb) {
      FloatVector b0 = FloatVector.fromArray(S, b, bq);
      FloatVector b1 = FloatVector.fromArray(S, b, bq + L);
      FloatVector b2 = FloatVector.fromArray(S, b, bq + 2 * L);
      FloatVector b3 = FloatVector.fromArray(S, b, bq + 3 * L);
      FloatVector x = FloatVector.broadcast(S, a[aq]);
      s00 = x.fma(b0, s00);
      s01 = x.fma(b1, s01);
      s02 = x.fma(b2, s02);
      s03 = x.fma(b3, s03);
      x = FloatVector.broadcast(S, a[aq + rowStride]);
      s10 = x.fma(b0, s10);
      s11 = x.fma(b1, s11);
      s12 = x.fma(b2, s12);
      s13 = x.fma(b3, s13);
      x = FloatVector.broadcast(S, a[aq + 2 * rowStride]);
      s20 = x.fma(b0, s20);
      s21 = x.fma(b1, s21);
      s22 = x.fma(b2, s22);
      s23 = x.fma(b3, s23);
      x = FloatVector.broadcast(S, a[aq + 3 * rowStride]);
      s30 = x.fma(b0, s30);
      s31 = x.fma(b1, s31);
      s32 = x.fma(b2, s32);
      s33 = x.fma(b3, s33);
    }
    int aq = ao + last * depthStride;
    int bq = bo + last * ldb;
    FloatVector b0 = FloatVector.fromArray(S, b, bq);
    FloatVector b1 = FloatVector.fromArray(S, b, bq + L);
    FloatVector b2 = FloatVector.fromArray(S, b, bq + 2 * L);
    FloatVector b3 = FloatVector.fromArray(S, b, bq + 3 * L);
    FloatVector x = FloatVector.broadcast(S, a[aq]);
    x.fma(b0, s00).intoArray(c, co);
    x.fma(b1, s01).intoArray(c, co + L);
    x.fma(b2, s02).intoArray(c, co + 2 * L);
    x.fma(b3, s03).intoArray(c, co + 3 * L);
    x = FloatVector.broadcast(S, a[aq + rowStride]);
    x.fma(b0, s10).intoArray(c, c1);
    x.fma(b1, s11).intoArray(c, c1 + L);
    x.fma(b2, s12).intoArray(c, c1 + 2 * L);
    x.fma(b3, s13).intoArray(c, c1 + 3 * L);
    x = FloatVector.broadcast(S, a[aq + 2 * rowStride]);
    x.fma(b0, s20).intoArray(c, c2);
    x.fma(b1, s21).intoArray(c, c2 + L);
    x.fma(b2, s22).intoArray(c, c2 + 2 * L);
    x.fma(b3, s23).intoArray(c, c2 + 3 * L);
    x = FloatVector.broadcast(S, a[aq + 3 * rowStride]);
    x.fma(b0, s30).intoArray(c, c3);
    x.fma(b1, s31).intoArray(c, c3 + L);
    x.fma(b2, s32).intoArray(c, c3 + 2 * L);
    x.fma(b3, s33).intoArray(c, c3 + 3 * L);
  }

  /**
   * Four rows of C, two vectors wide: eight accumulators over the k terms, from C ({@code
   * accumulate}) or from zero. Row r of A's four, term q, is {@code a[ao + r*rowStride +
   * q*depthStride]}: rows of a row-major A ({@code lda, 1}) or columns of a transposed one ({@code
   * 1, m}).
   */
  private static void block4x2(
      int k,
      float[] a,
      int ao,
      int rowStride,
      int depthStride,
      float[] b,
      int bo,
      int ldb,
      float[] c,
      int co,
      int ldc,
      boolean accumulate) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    if (accumulate) {
      c00 = FloatVector.fromArray(S, c, co);
      c01 = FloatVector.fromArray(S, c, co + L);
      c10 = FloatVector.fromArray(S, c, co + ldc);
      c11 = FloatVector.fromArray(S, c, co + ldc + L);
      c20 = FloatVector.fromArray(S, c, co + 2 * ldc);
      c21 = FloatVector.fromArray(S, c, co + 2 * ldc + L);
      c30 = FloatVector.fromArray(S, c, co + 3 * ldc);
      c31 = FloatVector.fromArray(S, c, co + 3 * ldc + L);
    }
    for (int q = 0, aq = ao, bq = bo; q < k; q++, aq += depthStride, bq += ldb) {
      FloatVector b0 = FloatVector.fromArray(S, b, bq);
      FloatVector b1 = FloatVector.fromArray(S, b, bq + L);
      FloatVector x = FloatVector.broadcast(S, a[aq]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, a[aq + rowStride]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, a[aq + 2 * rowStride]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, a[aq + 3 * rowStride]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
    }
    Lanes.known(c00).intoArray(c, co);
    Lanes.known(c01).intoArray(c, co + L);
    Lanes.known(c10).intoArray(c, co + ldc);
    Lanes.known(c11).intoArray(c, co + ldc + L);
    Lanes.known(c20).intoArray(c, co + 2 * ldc);
    Lanes.known(c21).intoArray(c, co + 2 * ldc + L);
    Lanes.known(c30).intoArray(c, co + 3 * ldc);
    Lanes.known(c31).intoArray(c, co + 3 * ldc + L);
  }

  /** One row of C, two vectors wide; term q of A's row is {@code a[ao + q*depthStride]}. */
  private static void rows1(
      int k,
      float[] a,
      int ao,
      int depthStride,
      float[] b,
      int bo,
      int ldb,
      float[] c,
      int co,
      boolean accumulate) {
    FloatVector c0 = accumulate ? FloatVector.fromArray(S, c, co) : FloatVector.zero(S);
    FloatVector c1 = accumulate ? FloatVector.fromArray(S, c, co + L) : FloatVector.zero(S);
    for (int q = 0, aq = ao, bq = bo; q < k; q++, aq += depthStride, bq += ldb) {
      FloatVector x = FloatVector.broadcast(S, a[aq]);
      c0 = x.fma(FloatVector.fromArray(S, b, bq), c0);
      c1 = x.fma(FloatVector.fromArray(S, b, bq + L), c1);
    }
    Lanes.known(c0).intoArray(c, co);
    Lanes.known(c1).intoArray(c, co + L);
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
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      rows4(k, a, aOff + i, 1, lda, n, b, bOff, ldb, c, cOff + i * ldc, ldc, accumulate);
    }
    for (; i < m; i++) {
      for (int j = 0; j < n; j += 2 * L) {
        rows1(k, a, aOff + i, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate);
      }
    }
  }

  @Override
  public void productTransA(int m, int n, int k, float[] a, float[] b, float[] c) {
    int tail = n % L;
    for (int i = 0; i < m; i += 4) {
      int j = 0;
      for (; j + 2 * L <= n; j += 2 * L) {
        block4x2(k, a, i, 1, m, b, j, n, c, i * n + j, n, false);
      }
      for (; j + L <= n; j += L) {
        columns4x1(m, n, k, a, i, b, j, c);
      }
    }
    if (tail > 0) {
      columnTail(m, n, k, a, b, c, tail);
    }
  }

  /**
   * The last columns of {@link #productTransA(int, int, int, float[], float[], float[])}, fewer
   * than a vector (all of them below batch 16, a single request's one): vectors run down the rows,
   * A's rows being contiguous there; 64 scalar chains of 129 terms took 20 us a step of an LSTM(64)
   * at batch 1, most of a request. In a fresh JVM the product's first C2 compilation is undone by a
   * profile-predicate trap in these loops (the warm-up's tiny problems reach them) and compiled
   * again, 55-90 ms each time: C2 inlines this method into the product, so being a method of its
   * own did not prevent that (performance log, twelfth stop).
   */
  private static void columnTail(int m, int n, int k, float[] a, float[] b, float[] c, int tail) {
    float[] lanes = n > 1 ? LANES.get() : null;
    for (int j = n - tail; j < n; j++) {
      int i = 0;
      for (; i + 4 * L <= m; i += 4 * L) {
        rowVectors4(m, n, k, a, i, b, j, c, lanes);
      }
      for (; i + L <= m; i += L) {
        rowVector(m, n, k, a, i, b, j, c, lanes);
      }
      for (; i < m; i += 4) {
        column4(m, n, k, a, i, b, j, c);
      }
    }
  }

  /** A vector's lanes on their way to a column of C with a stride (one array per thread). */
  private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

  /**
   * Rows i..i+4L-1 of column j of {@code C = Aᵀ·B} (A k x m, B k x n): a vector of rows at a time,
   * each value the chain of fused multiply-adds over k in order, as in {@link #column4}. {@code
   * lanes} (L floats) carries the results to a column with a stride; null when n is 1.
   */
  private static void rowVectors4(
      int m, int n, int k, float[] a, int i, float[] b, int j, float[] c, float[] lanes) {
    FloatVector c0 = FloatVector.zero(S);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    for (int q = 0, ao = i, bo = j; q < k; q++, ao += m, bo += n) {
      FloatVector x = FloatVector.broadcast(S, b[bo]);
      c0 = FloatVector.fromArray(S, a, ao).fma(x, c0);
      c1 = FloatVector.fromArray(S, a, ao + L).fma(x, c1);
      c2 = FloatVector.fromArray(S, a, ao + 2 * L).fma(x, c2);
      c3 = FloatVector.fromArray(S, a, ao + 3 * L).fma(x, c3);
    }
    int o = i * n + j;
    if (n == 1) {
      Lanes.known(c0).intoArray(c, o);
      Lanes.known(c1).intoArray(c, o + L);
      Lanes.known(c2).intoArray(c, o + 2 * L);
      Lanes.known(c3).intoArray(c, o + 3 * L);
    } else {
      Lanes.known(c0).intoArray(lanes, 0);
      storeDown(lanes, c, o, n);
      Lanes.known(c1).intoArray(lanes, 0);
      storeDown(lanes, c, o + L * n, n);
      Lanes.known(c2).intoArray(lanes, 0);
      storeDown(lanes, c, o + 2 * L * n, n);
      Lanes.known(c3).intoArray(lanes, 0);
      storeDown(lanes, c, o + 3 * L * n, n);
    }
  }

  /** {@link #rowVectors4} for one vector of rows. */
  private static void rowVector(
      int m, int n, int k, float[] a, int i, float[] b, int j, float[] c, float[] lanes) {
    FloatVector c0 = FloatVector.zero(S);
    for (int q = 0, ao = i, bo = j; q < k; q++, ao += m, bo += n) {
      c0 = FloatVector.fromArray(S, a, ao).fma(FloatVector.broadcast(S, b[bo]), c0);
    }
    int o = i * n + j;
    if (n == 1) {
      Lanes.known(c0).intoArray(c, o);
    } else {
      Lanes.known(c0).intoArray(lanes, 0);
      storeDown(lanes, c, o, n);
    }
  }

  /** {@code c[o + l * n] = lanes[l]}: a vector's lanes down a column of C. */
  private static void storeDown(float[] lanes, float[] c, int o, int n) {
    for (int l = 0; l < L; l++) {
      c[o + l * n] = lanes[l];
    }
  }

  /**
   * {@link #columns4x1} for one column, in scalar fused multiply-adds in the same order as the
   * lanes: a column's values do not depend on how many columns a call has (a batch split over
   * workers, or not, gives the same bits).
   */
  private static void column4(int m, int n, int k, float[] a, int i, float[] b, int j, float[] c) {
    float c0 = 0f;
    float c1 = 0f;
    float c2 = 0f;
    float c3 = 0f;
    for (int q = 0, ao = i, bo = j; q < k; q++, ao += m, bo += n) {
      float x = b[bo];
      c0 = Math.fma(a[ao], x, c0);
      c1 = Math.fma(a[ao + 1], x, c1);
      c2 = Math.fma(a[ao + 2], x, c2);
      c3 = Math.fma(a[ao + 3], x, c3);
    }
    int o = i * n + j;
    c[o] = c0;
    c[o + n] = c1;
    c[o + 2 * n] = c2;
    c[o + 3 * n] = c3;
  }

  /** {@link #block4x2} over columns i..i+3 of A (transposed), one vector wide, from zero. */
  private static void columns4x1(
      int m, int n, int k, float[] a, int i, float[] b, int j, float[] c) {
    FloatVector c0 = FloatVector.zero(S);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    for (int q = 0, ao = i, bo = j; q < k; q++, ao += m, bo += n) {
      FloatVector b0 = FloatVector.fromArray(S, b, bo);
      c0 = FloatVector.broadcast(S, a[ao]).fma(b0, c0);
      c1 = FloatVector.broadcast(S, a[ao + 1]).fma(b0, c1);
      c2 = FloatVector.broadcast(S, a[ao + 2]).fma(b0, c2);
      c3 = FloatVector.broadcast(S, a[ao + 3]).fma(b0, c3);
    }
    int o = i * n + j;
    Lanes.known(c0).intoArray(c, o);
    Lanes.known(c1).intoArray(c, o + n);
    Lanes.known(c2).intoArray(c, o + 2 * n);
    Lanes.known(c3).intoArray(c, o + 3 * n);
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
    for (int i = 0; i < m; i++) {
      int row = aOff + i * lda;
      FloatVector s0 = FloatVector.zero(S);
      FloatVector s1 = s0;
      int q = 0;
      for (; q + 2 * L <= k; q += 2 * L) {
        s0 = FloatVector.fromArray(S, a, row + q).fma(FloatVector.fromArray(S, v, vOff + q), s0);
        s1 =
            FloatVector.fromArray(S, a, row + q + L)
                .fma(FloatVector.fromArray(S, v, vOff + q + L), s1);
      }
      float sum = Lanes.sum(Lanes.known(s0).add(s1));
      for (; q < k; q++) {
        sum = Math.fma(a[row + q], v[vOff + q], sum);
      }
      int at = cOff + i * ldc;
      c[at] = beta == 0f ? sum : sum + beta * c[at];
    }
  }
}
