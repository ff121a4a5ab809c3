package dev.graft.tensor.blas;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.support.GemmCall;

/**
 * Pure-Java GEMM: no native code, always available, and no JNI copies, which makes it the fastest
 * choice for small matrices.
 *
 * <p>C is computed in blocks of {@link #MC} rows by {@link #NC} columns. For each block, op(B) is
 * packed {@link #KC} depths at a time into a thread's reusable panel (an array of rows), and each
 * row of the block accumulates {@code acc[j] += a0*b0[j] + ... + a3*b3[j]} over four panel rows per
 * pass; the finished accumulators are scaled into C once. The inner loop only touches arrays
 * indexed from zero, the form in which JDK 17's JIT reliably turns it into SIMD code (with a
 * variable offset into a shared array it stays scalar, about five times slower). Large products are
 * split over {@link Parallel} by rows of C, or by columns when there are few rows. Nothing is
 * allocated per call once a thread has its scratch buffers. Block sizes can be tuned with {@code
 * -Dgraft.javablas.mc/nc/kc}.
 */
public final class JavaBlas implements Blas {
  /** The instance that splits large products over {@link Parallel}. */
  public static final JavaBlas INSTANCE = new JavaBlas(false);

  /** An instance that always runs on the calling thread ({@code auto} times it too). */
  public static final JavaBlas SINGLE_THREADED = new JavaBlas(true);

  static final int NC = Integer.getInteger("graft.javablas.nc", 128);
  static final int MC = Integer.getInteger("graft.javablas.mc", 64);
  static final int KC = Integer.getInteger("graft.javablas.kc", 256);
  private static final long PARALLEL_MIN_MACS = 1L << 20;
  private static final int COLUMN_GRAIN = 32;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  private static final ThreadLocal<Task> TASKS = ThreadLocal.withInitial(Task::new);

  private final boolean oneThread;

  private JavaBlas(boolean oneThread) {
    this.oneThread = oneThread;
  }

  @Override
  public String name() {
    return oneThread ? "java-1t" : "java";
  }

  @Override
  public Blas singleThreaded() {
    return SINGLE_THREADED;
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
    if (ThinGemm.takes(n, k)) {
      ThinGemm.sgemm(
          transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
      return;
    }
    int threads = Parallel.threads();
    if (oneThread || threads == 1 || (long) m * n * k < PARALLEL_MIN_MACS) {
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
    Scratch s = SCRATCH.get();
    float[][] panel = s.panel;
    // A(i, p) sits at aOffset + i * ars + p * aps.
    int ars = transA ? 1 : lda;
    int aps = transA ? lda : 1;
    for (int ib = i0; ib < i1; ib += MC) {
      int in = Math.min(MC, i1 - ib);
      for (int jb = j0; jb < j1; jb += NC) {
        int jn = Math.min(NC, j1 - jb);
        for (int r = 0; r < in; r++) {
          java.util.Arrays.fill(s.acc[r], 0, jn, 0f);
        }
        for (int pb = 0; pb < k; pb += KC) {
          int pn = Math.min(KC, k - pb);
          pack(transB, b, bOffset, ldb, pb, pn, jb, jn, panel);
          for (int r = 0; r < in; r++) {
            accumulateRow(a, aOffset + (ib + r) * ars + pb * aps, aps, pn, panel, s.acc[r], jn);
          }
        }
        for (int r = 0; r < in; r++) {
          writeBack(alpha, s.acc[r], beta, c, cOffset + (ib + r) * ldc + jb, jn, s.row);
        }
      }
    }
  }

  /**
   * c[ci:ci+jn] = keep * c[ci:ci+jn] + alpha * acc[0:jn]. The arithmetic runs on zero-based scratch
   * arrays (so it vectorizes) and moves to and from C with {@code System.arraycopy}.
   */
  private static void writeBack(
      float alpha, float[] acc, float keep, float[] c, int ci, int jn, float[] row) {
    if (keep == 0f) {
      if (alpha != 1f) {
        for (int j = 0; j < jn; j++) {
          acc[j] *= alpha;
        }
      }
      System.arraycopy(acc, 0, c, ci, jn);
      return;
    }
    System.arraycopy(c, ci, row, 0, jn);
    for (int j = 0; j < jn; j++) {
      row[j] = keep * row[j] + alpha * acc[j];
    }
    System.arraycopy(row, 0, c, ci, jn);
  }

  /**
   * acc[0:jn] += sum_p A(i, p) * panel[p][0:jn], four depths per pass. Every array here is indexed
   * from 0: the JIT (JDK 17) only vectorizes the loop when the arrays' offsets need no alignment
   * analysis, which is why the panel is an array of rows and not one flat array.
   */
  private static void accumulateRow(
      float[] a, int ai, int aps, int pn, float[][] panel, float[] acc, int jn) {
    int p = 0;
    for (; p + 3 < pn; p += 4) {
      float a0 = a[ai + p * aps];
      float a1 = a[ai + (p + 1) * aps];
      float a2 = a[ai + (p + 2) * aps];
      float a3 = a[ai + (p + 3) * aps];
      float[] b0 = panel[p];
      float[] b1 = panel[p + 1];
      float[] b2 = panel[p + 2];
      float[] b3 = panel[p + 3];
      for (int j = 0; j < jn; j++) {
        acc[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
      }
    }
    for (; p < pn; p++) {
      float a0 = a[ai + p * aps];
      float[] b0 = panel[p];
      for (int j = 0; j < jn; j++) {
        acc[j] += a0 * b0[j];
      }
    }
  }

  /** panel[p][j] = op(B)[pb + p, jb + j] for the {@code pn x jn} block. */
  private static void pack(
      boolean transB,
      float[] b,
      int bOffset,
      int ldb,
      int pb,
      int pn,
      int jb,
      int jn,
      float[][] panel) {
    if (!transB) {
      for (int p = 0; p < pn; p++) {
        System.arraycopy(b, bOffset + (pb + p) * ldb + jb, panel[p], 0, jn);
      }
      return;
    }
    for (int j = 0; j < jn; j++) {
      int src = bOffset + (jb + j) * ldb + pb;
      for (int p = 0; p < pn; p++) {
        panel[p][j] = b[src + p];
      }
    }
  }

  /** A thread's packing panel and row accumulator, allocated once. */
  private static final class Scratch {
    final float[][] panel = new float[KC][NC];
    final float[][] acc = new float[MC][NC];
    final float[] row = new float[NC];
  }

  /** One caller's split of a large product; reused per calling thread so nothing is allocated. */
  private static final class Task extends GemmCall implements Parallel.RangeBody {
    boolean byRows;

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
