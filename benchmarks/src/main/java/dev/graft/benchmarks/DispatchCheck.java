package dev.graft.benchmarks;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.blas.Blas;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Checks the GEMM dispatcher against every back-end at the seed's GEMM shapes and 1024³: {@code
 * auto / best back-end} and {@code auto / raw OpenBLAS} (off-heap operands, no copies). On a shared
 * machine JMH's per-back-end runs see different load; here the back-ends take turns call by call,
 * in an order that rotates, and each keeps its fastest call, so load affects them alike.
 *
 * <p>Run: {@code java -Dgraft.threads=2 -cp benchmarks/target/benchmarks.jar
 * dev.graft.benchmarks.DispatchCheck [calls per back-end, default 300]}. With 60, the small shapes
 * at two threads read auto/best 0.76–0.93: "best" is the highest of five noisy figures, two of them
 * (openblas and openblas-1t) the same code at these sizes; with 300 they read 0.98–1.01.
 */
public final class DispatchCheck {
  private DispatchCheck() {}

  /** m, k, n, transA, transB: the seed's products, with the Dense layers' two gradient products. */
  private static final int[][] SHAPES = {
    {32, 30752, 128, 0, 0},
    {30752, 32, 128, 1, 0},
    {32, 128, 30752, 0, 1},
    {32, 256, 64, 0, 0},
    {32, 256, 128, 0, 0},
    {32, 64, 128, 0, 0},
    {32, 128, 256, 0, 0},
    {123008, 27, 32, 0, 0},
    {4096, 28, 32, 0, 0},
    {1024, 1024, 1024, 0, 0}
  };

  /**
   * Prints one line per shape (m x k x n): GFLOP/s of each back-end and the two ratios.
   *
   * @param args optionally the number of calls timed per shape and back-end (default 300)
   */
  public static void main(String[] args) {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    List<Blas> backends = new ArrayList<>();
    for (String name : new String[] {"java", "java-1t", "openblas", "openblas-1t", "jblas"}) {
      try {
        backends.add(Blas.named(name));
      } catch (UnsupportedOperationException e) {
        System.out.println("(" + name + " left out: " + e.getMessage() + ")");
      }
    }
    Blas auto = Blas.named("auto");
    System.out.printf(
        Locale.ROOT, "threads %d, best of %d calls each%n", Parallel.threads(), calls);
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-16s", "m x k x n"));
    backends.forEach(b -> head.append(String.format(Locale.ROOT, " %11s", b.name())));
    head.append(
        String.format(Locale.ROOT, " %11s %11s %9s %8s", "auto", "raw", "auto/best", "auto/raw"));
    System.out.println(head);
    for (int[] s : SHAPES) {
      row(s[0], s[1], s[2], s[3] == 1, s[4] == 1, calls, backends, auto);
    }
  }

  private static void row(
      int m, int k, int n, boolean ta, boolean tb, int calls, List<Blas> backends, Blas auto) {
    Random r = new Random(1);
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    float[] c = new float[m * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextFloat() - 0.5f;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = r.nextFloat() - 0.5f;
    }
    int count = backends.size() + 2;
    long[] best = new long[count];
    java.util.Arrays.fill(best, Long.MAX_VALUE);
    double macs = (double) m * n * k;
    // Slow back-ends at large shapes get fewer calls: the best of a few is enough to rank them.
    int slowCalls = macs > 1e8 ? Math.max(3, calls / 10) : calls;
    // Raw calls run with OpenBLAS's thread count as the openblas back-end last set it.
    try (FloatPointer pa = new FloatPointer(a);
        FloatPointer pb = new FloatPointer(b);
        FloatPointer pc = new FloatPointer(c)) {
      for (int call = 0; call < calls; call++) {
        // The order rotates every round: a call runs after each of the others equally often
        // (a back-end run right after another BLAS finds its packed buffers evicted).
        for (int turn = 0; turn < count; turn++) {
          int w = (turn + call) % count;
          boolean dispatcherOrRaw = w >= backends.size();
          if (!dispatcherOrRaw
              && call >= slowCalls
              && !backends.get(w).name().startsWith("openblas")) {
            continue;
          }
          long t0 = System.nanoTime();
          if (w == count - 1) {
            openblas_nolapack.cblas_sgemm(
                openblas_nolapack.CblasRowMajor,
                ta ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                tb ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                m,
                n,
                k,
                1f,
                pa,
                ta ? m : k,
                pb,
                tb ? k : n,
                0f,
                pc,
                n);
          } else {
            Blas blas = w == count - 2 ? auto : backends.get(w);
            blas.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
          }
          best[w] = Math.min(best[w], System.nanoTime() - t0);
        }
      }
    }
    String name = (ta ? "T" : "") + m + "x" + k + "x" + n + (tb ? "T" : "");
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s", name));
    long bestBackend = Long.MAX_VALUE;
    for (int w = 0; w < count; w++) {
      line.append(String.format(Locale.ROOT, " %11.1f", 2 * macs / best[w]));
      if (w < backends.size()) {
        bestBackend = Math.min(bestBackend, best[w]);
      }
    }
    line.append(
        String.format(
            Locale.ROOT,
            " %9.2f %8.2f",
            (double) bestBackend / best[count - 2],
            (double) best[count - 1] / best[count - 2]));
    Blas chosen =
        auto instanceof dev.graft.tensor.blas.AutoBlas ab ? ab.choice(ta, tb, m, n, k) : null;
    line.append("  auto chose ").append(chosen == null ? "(still timing)" : chosen.name());
    System.out.println(line);
  }
}
