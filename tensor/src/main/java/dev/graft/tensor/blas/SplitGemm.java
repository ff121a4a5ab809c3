package dev.graft.tensor.blas;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.support.GemmCall;

/**
 * A large but thin product (one of m, n, k at most {@link #THIN}) split over the workers of {@link
 * Parallel}, each calling a single-threaded back-end on its share: along the largest of the three
 * dimensions, so each share is still a long product. Split along k, each worker but the first
 * writes a private partial C, and the caller adds them up after the join; split along n, each
 * writes its columns through a private block.
 *
 * <p>Why not OpenBLAS's own threads: after a multi-threaded call they spin for a while, waiting for
 * the next one, and take the cores from the workers of the kernels that follow. Measured on seed
 * model 1 (whose Dense 30752→128 products are this shape) at two threads, prediction took 12.0 ms
 * against 10.3 ms at one thread. Split here, each worker also stages its own share's operands, so
 * the JNI copies run in parallel too.
 */
final class SplitGemm {
  private SplitGemm() {}

  /** The largest smallest dimension this path takes: beyond it OpenBLAS's threads do well. */
  static final int THIN = 256;

  private static final ThreadLocal<Task> TASKS = ThreadLocal.withInitial(Task::new);

  /** Whether a product of this shape is thin enough for this path. */
  static boolean thin(int m, int n, int k) {
    return Math.min(m, Math.min(n, k)) <= THIN;
  }

  /** As {@link Blas#sgemm}, with {@code single} running each worker's share. */
  static void sgemm(
      Blas single,
      int parts,
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
    Task t = TASKS.get();
    t.set(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    t.single = single;
    t.parts = parts;
    t.byDepth = k >= m && k >= n && (long) m * n <= (long) THIN * THIN;
    t.byRows = !t.byDepth && m >= n;
    if (t.byDepth) {
      t.partials(parts - 1, m * n);
    } else if (!t.byRows) {
      t.partials(parts, m * ((n + parts - 1) / parts));
    }
    try {
      Parallel.forRange(parts, 1, t);
      if (t.byDepth) {
        for (int p = 1; p < parts; p++) {
          float[] partial = t.partials[p - 1];
          for (int i = 0; i < m; i++) {
            int row = cOffset + i * ldc;
            for (int j = 0; j < n; j++) {
              c[row + j] += partial[i * n + j];
            }
          }
        }
      }
    } finally {
      t.single = null;
      t.clear();
    }
  }

  /** One caller's split, reused per calling thread so that nothing is allocated per call. */
  private static final class Task extends GemmCall implements Parallel.RangeBody {
    Blas single;
    int parts;
    boolean byDepth;
    boolean byRows;
    float[][] partials = new float[0][];

    void partials(int count, int len) {
      if (partials.length < count) {
        partials = java.util.Arrays.copyOf(partials, count);
      }
      for (int p = 0; p < count; p++) {
        if (partials[p] == null || partials[p].length < len) {
          partials[p] = new float[len];
        }
      }
    }

    @Override
    public void run(int from, int to) {
      for (int p = from; p < to; p++) {
        if (byDepth) {
          int k0 = start(k, p);
          int k1 = start(k, p + 1);
          int aAt = aOffset + (transA ? k0 * lda : k0);
          int bAt = bOffset + (transB ? k0 : k0 * ldb);
          if (p == 0) {
            single.sgemm(
                transA, transB, m, n, k1 - k0, alpha, a, aAt, lda, b, bAt, ldb, beta, c, cOffset,
                ldc);
          } else {
            single.sgemm(
                transA,
                transB,
                m,
                n,
                k1 - k0,
                alpha,
                a,
                aAt,
                lda,
                b,
                bAt,
                ldb,
                0f,
                partials[p - 1],
                0,
                n);
          }
        } else if (byRows) {
          int i0 = start(m, p);
          int i1 = start(m, p + 1);
          single.sgemm(
              transA,
              transB,
              i1 - i0,
              n,
              k,
              alpha,
              a,
              aOffset + (transA ? i0 : i0 * lda),
              lda,
              b,
              bOffset,
              ldb,
              beta,
              c,
              cOffset + i0 * ldc,
              ldc);
        } else {
          // Into a private block: a back-end that copies C's whole span back (as the staging of
          // OpenBlas does, gaps included) would overwrite the other workers' columns.
          int j0 = start(n, p);
          int w = start(n, p + 1) - j0;
          float[] block = partials[p];
          if (beta != 0f) {
            for (int i = 0; i < m; i++) {
              System.arraycopy(c, cOffset + i * ldc + j0, block, i * w, w);
            }
          }
          single.sgemm(
              transA,
              transB,
              m,
              w,
              k,
              alpha,
              a,
              aOffset,
              lda,
              b,
              bOffset + (transB ? j0 * ldb : j0),
              ldb,
              beta,
              block,
              0,
              w);
          for (int i = 0; i < m; i++) {
            System.arraycopy(block, i * w, c, cOffset + i * ldc + j0, w);
          }
        }
      }
    }

    private int start(int size, int part) {
      return (int) ((long) size * part / parts);
    }
  }
}
