package dev.graft.tensor.blas;

import dev.graft.tensor.Blas;
import dev.graft.tensor.Parallel;

/**
 * Pure-Java GEMM: no native code, always available, and no JNI copies, which makes it the fastest
 * choice for small matrices.
 *
 * <p>C is computed in column blocks of {@link #NC} and depth blocks of {@link #KC}, so the block of
 * op(B) in use stays in cache while every row of A streams past it. For each row of C the inner
 * loop adds four scaled rows of the B block to a contiguous stretch of C ({@code c[j] += a0*b0[j] +
 * ... + a3*b3[j]}), a loop the JIT turns into SIMD code. A transposed B is first packed into a
 * thread's reusable buffer so its rows are contiguous. Large products are split over {@link
 * Parallel} by rows of C, or by columns when there are few rows.
 */
public final class JavaBlas implements Blas {
  /** The single instance. */
  public static final JavaBlas INSTANCE = new JavaBlas();

  static final int NC = Integer.getInteger("graft.javablas.nc", 256);
  static final int KC = Integer.getInteger("graft.javablas.kc", 128);
  private static final long PARALLEL_MIN_MACS = 1L << 20;
  private static final int COLUMN_GRAIN = 32;

  private static final ThreadLocal<float[]> PACK = new ThreadLocal<>();
  private static final ThreadLocal<Task> TASKS = ThreadLocal.withInitial(Task::new);

  private JavaBlas() {}

  @Override
  public String name() {
    return "java";
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
    int threads = Parallel.threads();
    if (threads == 1 || (long) m * n * k < PARALLEL_MIN_MACS) {
      block(
          transA, transB, 0, m, 0, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset,
          ldc);
      return;
    }
    Task t = TASKS.get();
    t.set(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    try {
      if (m >= 4 * threads) {
        t.byRows = true;
        Parallel.forRange(m, 4, t);
      } else {
        t.byRows = false;
        Parallel.forRange((n + COLUMN_GRAIN - 1) / COLUMN_GRAIN, 1, t);
      }
    } finally {
      t.clear();
    }
  }

  /** C[i0:i1, j0:j1] = alpha * op(A)[i0:i1, :] * op(B)[:, j0:j1] + beta * C[i0:i1, j0:j1]. */
  static void block(
      boolean transA,
      boolean transB,
      int i0,
      int i1,
      int j0,
      int j1,
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
    GemmChecks.scale(beta, c, cOffset + i0 * ldc + j0, i1 - i0, j1 - j0, ldc);
    // A(i, p) sits at aOffset + i * ars + p * aps.
    int ars = transA ? 1 : lda;
    int aps = transA ? lda : 1;
    float[] pack = transB ? packBuffer() : null;
    for (int jb = j0; jb < j1; jb += NC) {
      int jn = Math.min(NC, j1 - jb);
      for (int pb = 0; pb < k; pb += KC) {
        int pn = Math.min(KC, k - pb);
        float[] panel;
        int panelOff;
        int panelStride;
        if (transB) {
          packTransposed(b, bOffset + jb * ldb + pb, ldb, jn, pn, pack);
          panel = pack;
          panelOff = 0;
          panelStride = jn;
        } else {
          panel = b;
          panelOff = bOffset + pb * ldb + jb;
          panelStride = ldb;
        }
        for (int i = i0; i < i1; i++) {
          rowUpdate(
              alpha,
              a,
              aOffset + i * ars + pb * aps,
              aps,
              pn,
              panel,
              panelOff,
              panelStride,
              c,
              cOffset + i * ldc + jb,
              jn);
        }
      }
    }
  }

  /** c[0:jn] += alpha * sum_p a[p] * panel[p, 0:jn], four depths per pass over c. */
  private static void rowUpdate(
      float alpha,
      float[] a,
      int ai,
      int aps,
      int pn,
      float[] panel,
      int po,
      int ps,
      float[] c,
      int ci,
      int jn) {
    int p = 0;
    for (; p + 3 < pn; p += 4) {
      float a0 = alpha * a[ai + p * aps];
      float a1 = alpha * a[ai + (p + 1) * aps];
      float a2 = alpha * a[ai + (p + 2) * aps];
      float a3 = alpha * a[ai + (p + 3) * aps];
      int b0 = po + p * ps;
      int b1 = b0 + ps;
      int b2 = b1 + ps;
      int b3 = b2 + ps;
      for (int j = 0; j < jn; j++) {
        c[ci + j] +=
            a0 * panel[b0 + j] + a1 * panel[b1 + j] + a2 * panel[b2 + j] + a3 * panel[b3 + j];
      }
    }
    for (; p < pn; p++) {
      float a0 = alpha * a[ai + p * aps];
      int b0 = po + p * ps;
      for (int j = 0; j < jn; j++) {
        c[ci + j] += a0 * panel[b0 + j];
      }
    }
  }

  /** pack[p * jn + j] = b[base + j * ldb + p]: B's rows become the panel's columns. */
  private static void packTransposed(float[] b, int base, int ldb, int jn, int pn, float[] pack) {
    for (int j = 0; j < jn; j++) {
      int src = base + j * ldb;
      for (int p = 0; p < pn; p++) {
        pack[p * jn + j] = b[src + p];
      }
    }
  }

  private static float[] packBuffer() {
    float[] p = PACK.get();
    if (p == null) {
      p = new float[NC * KC];
      PACK.set(p);
    }
    return p;
  }

  /** One caller's split of a large product; reused per calling thread so nothing is allocated. */
  private static final class Task implements Parallel.RangeBody {
    boolean transA;
    boolean transB;
    boolean byRows;
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

    @Override
    public void run(int from, int to) {
      if (byRows) {
        block(
            transA, transB, from, to, 0, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c,
            cOffset, ldc);
      } else {
        block(
            transA,
            transB,
            0,
            m,
            from * COLUMN_GRAIN,
            Math.min(n, to * COLUMN_GRAIN),
            k,
            alpha,
            a,
            aOffset,
            lda,
            b,
            bOffset,
            ldb,
            beta,
            c,
            cOffset,
            ldc);
      }
    }
  }
}
