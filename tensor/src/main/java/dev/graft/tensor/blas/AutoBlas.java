package dev.graft.tensor.blas;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Rng;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Picks, per shape class, the back-end that measured fastest. A shape class is (transA, transB, m,
 * n and k each rounded to a half power of two, one thread or several). The first {@link
 * #EXPLORE_AFTER} calls of a class go to the back-end {@link #byShape} picks, untimed: timing the
 * candidates on a fresh JVM's first calls measured cold code (pure-Java kernels not yet compiled)
 * and cost about 0.9 s of the first 20 training steps of seed model 1 (see {@code
 * docs/performance.md}). Then the calls go round-robin over the candidates, each timed; every one
 * of them is a real call that writes the real result. Once every surviving candidate has run {@link
 * #TRIALS} times (the first call of each only a warm-up) the one with the best time per
 * multiply-add wins, and the class sticks with it. Products of at least {@link #LARGE_MACS} skip
 * all this and go to multi-threaded OpenBLAS. The class is measured again after 8 times as many
 * calls as before its last measurement, and so on: the load on a shared machine changes which
 * back-end wins.
 *
 * <p>Matrix-vector products (m or n is 1: a single request's layers) are never timed: they go to
 * {@link #byShape}'s Java loops. The Java GEMM won every such class of the seed models at batch 1
 * (1x128x32, 1x64x256, 1x128x64, 1x128x10; the 64-multiply-add 1x1x64 within 3 µs a call either
 * way), while their trials put a native back-end's first calls, up to 60–100 ms with jblas's, among
 * a fresh JVM's first hundred requests (a single request's p99 was 13–17 ms against a 2 ms median).
 *
 * <p>Once a seed is set ({@link Rng#seeded()}: {@code Graft.seed}), nothing is timed: each product
 * goes to a back-end chosen from its shape alone ({@link #byShape}), because the candidates round
 * differently in the last bit and timings pick differently from run to run, so a seeded run would
 * otherwise not repeat its numbers, in one JVM or across JVMs.
 *
 * <p>The choices live in a fixed open-addressing table read without locks; steady-state calls
 * allocate nothing.
 */
public final class AutoBlas implements Blas {
  private static final Logger LOG = Logger.getLogger("dev.graft.tensor.blas");

  /** Timed calls per candidate before a shape class is decided. */
  public static final int TRIALS = 4;

  /** Calls of a shape class served by {@link #byShape}, untimed, before its first trials. */
  public static final int EXPLORE_AFTER = 64;

  /**
   * Products of at least this many multiply-adds go straight to multi-threaded OpenBLAS, untimed.
   * At every seed shape this large (the Dense 30752x128 layer's three products, the im2col
   * 123008x27x32, 1024³) DispatchCheck measured it within 3% of the best back-end at 1 and 2
   * threads, and fastest at most; a timed class there paid for slow trials and rechecks (0.63–0.84
   * of OpenBLAS's throughput in GemmBenchmark).
   */
  public static final long LARGE_MACS = 1L << 24;

  private static final int TABLE = 1024;

  private final Blas[] candidates;
  private final Blas large;
  private volatile Blas singleThreaded;
  private final Blas nativeSingle;
  private volatile boolean loadingStarted;
  private final AtomicReferenceArray<ShapeClass> table = new AtomicReferenceArray<>(TABLE);

  /**
   * A dispatcher over these back-ends (at least one); the first is the fallback.
   *
   * @param candidates the back-ends to time against each other
   */
  public AutoBlas(Blas... candidates) {
    if (candidates.length == 0) {
      throw new IllegalArgumentException("AutoBlas needs at least one back-end");
    }
    this.candidates = candidates.clone();
    Blas multiThreaded = null;
    for (Blas c : candidates) {
      if (c instanceof OpenBlas && c.singleThreaded() != c) {
        multiThreaded = c;
      }
    }
    large = multiThreaded;
    Blas single = null;
    for (Blas c : candidates) {
      if (c instanceof OpenBlas && c.singleThreaded() == c) {
        single = c;
      }
    }
    nativeSingle = single;
  }

  /**
   * The back-end for a product below {@link #LARGE_MACS} when a seed is set, from the shape alone:
   * matrix-vector products (m or n is 1) to the Java GEMM's contiguous loops ({@code ThinGemm}),
   * where staging operands for a native call costs more than the product; the rest to
   * single-threaded OpenBLAS, which measured fastest at such sizes on 2 cores (32x256x64: 18 µs
   * against 45 µs in Java; 128x300x200: 175 µs against 247 µs for its multi-threaded variant), or
   * to Java when OpenBLAS is missing. Java's two variants compute the same numbers.
   *
   * @param m the number of rows of the product
   * @param n the number of columns of the product
   * @param k the inner dimension
   * @return the back-end to run it: never null (Java when no native one loaded)
   */
  public Blas byShape(int m, int n, int k) {
    if (large != null && (long) m * n * k >= LARGE_MACS) {
      return large;
    }
    if (nativeSingle == null || m == 1 || n == 1) {
      return JavaBlas.INSTANCE;
    }
    return nativeSingle;
  }

  @Override
  public String name() {
    return "auto";
  }

  /**
   * The single-threaded OpenBLAS when it is a candidate, else the single-threaded Java GEMM. No
   * timing here: workers calling at once would time each other's contention, and jblas is left out
   * because its bundled BLAS is not reentrant.
   */
  @Override
  public Blas singleThreaded() {
    Blas s = singleThreaded;
    if (s == null) {
      s = JavaBlas.SINGLE_THREADED;
      for (Blas c : candidates) {
        if (c instanceof OpenBlas) {
          s = c.singleThreaded();
        }
      }
      singleThreaded = s;
    }
    return s;
  }

  /**
   * The back-end this dispatcher has settled on for a shape, or null while it is still timing;
   * {@link #byShape} once a seed is set.
   *
   * @param transA whether A is transposed
   * @param transB whether B is transposed
   * @param m the rows of the product
   * @param n the columns of the product
   * @param k the inner dimension
   * @return the chosen back-end, or null
   */
  public Blas choice(boolean transA, boolean transB, int m, int n, int k) {
    if (Rng.seeded() || untimed(m, n)) {
      return byShape(m, n, k);
    }
    if (large != null && (long) m * n * k >= LARGE_MACS) {
      return large;
    }
    ShapeClass s = find(key(transA, transB, m, n, k), false);
    return s == null || s.winner < 0 ? null : candidates[s.winner];
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
    if (large != null && (long) m * n * k >= LARGE_MACS) {
      large.sgemm(
          transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
      return;
    }
    if (Rng.seeded() || untimed(m, n)) {
      byShape(m, n, k)
          .sgemm(
              transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset,
              ldc);
      return;
    }
    if (candidates.length == 1) {
      candidates[0].sgemm(
          transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
      return;
    }
    int key = key(transA, transB, m, n, k);
    ShapeClass s = find(key, true);
    int w = s == null ? 0 : s.winner;
    if (w >= 0) {
      candidates[w].sgemm(
          transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
      if (s != null && ++s.calls == s.nextCheck) {
        s.restart();
      }
      return;
    }
    startLoading();
    int pick = s.next();
    long t0 = System.nanoTime();
    candidates[pick].sgemm(
        transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    long dt = System.nanoTime() - t0;
    double macs = Math.max(1.0, (double) m * n * k);
    if (s.record(pick, dt / macs) && LOG.isLoggable(Level.FINE)) {
      LOG.fine(
          "auto sgemm: "
              + (transA ? "Aᵀ" : "A")
              + (transB ? "·Bᵀ " : "·B ")
              + m
              + "x"
              + n
              + "x"
              + k
              + " class -> "
              + candidates[s.winner].name()
              + " ("
              + s.describe()
              + ")");
    }
  }

  /** Starts loading the candidates that load on first need (see {@link LoadingBlas}). */
  private void startLoading() {
    if (!loadingStarted) {
      loadingStarted = true;
      for (Blas c : candidates) {
        if (c instanceof LoadingBlas l) {
          l.start();
        }
      }
    }
  }

  /** Whether a product below {@link #LARGE_MACS} skips the timing: a matrix-vector product. */
  private static boolean untimed(int m, int n) {
    return m == 1 || n == 1;
  }

  private ShapeClass find(int key, boolean create) {
    int h = (key * 0x9E3779B1) >>> 22;
    for (int probe = 0; probe < 16; probe++) {
      int slot = (h + probe) & (TABLE - 1);
      ShapeClass s = table.get(slot);
      if (s == null) {
        if (!create) {
          return null;
        }
        ShapeClass fresh = new ShapeClass(key, candidates, shapeChoice(key));
        if (table.compareAndSet(slot, null, fresh)) {
          return fresh;
        }
        s = table.get(slot);
      }
      if (s.key == key) {
        return s;
      }
    }
    return null;
  }

  /**
   * The candidate {@link #byShape} picks for a class (from its bucket's lower bounds), or -1 when
   * that back-end is not a candidate here: the class is then timed from its first call.
   */
  private int shapeChoice(int key) {
    Blas b = byShape(lower(key >>> 3), lower(key >>> 10), lower(key >>> 17));
    for (int i = 0; i < candidates.length; i++) {
      if (candidates[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** The smallest size in a {@link #bucket}. */
  static int lower(int bits) {
    int b = bits & 0x7f;
    if (b == 0) {
      return 1;
    }
    int top = (b + 1) / 2;
    return (b + 1) % 2 == 0 ? 1 << top : 3 << (top - 1);
  }

  static int key(boolean transA, boolean transB, int m, int n, int k) {
    int key = (transA ? 1 : 0) | (transB ? 2 : 0) | (Parallel.threads() > 1 ? 4 : 0);
    return key | bucket(m) << 3 | bucket(n) << 10 | bucket(k) << 17;
  }

  /** Half-octave bucket: 2 * floor(log2 x) plus the bit below the top one. */
  static int bucket(int x) {
    if (x <= 1) {
      return 0;
    }
    int top = 31 - Integer.numberOfLeadingZeros(x);
    return 2 * top + ((x >>> (top - 1)) & 1) - 1;
  }

  /**
   * What is known about one shape class. Fields are written racily by concurrent callers; a lost
   * update only costs an extra trial or a slightly different pick, never a wrong result.
   */
  private static final class ShapeClass {
    final int key;
    final Blas[] candidates;
    final double[] best;
    final int[] runs;
    volatile int winner = -1;
    int calls;
    int nextCheck;
    int turn;

    ShapeClass(int key, Blas[] candidates, int initial) {
      this.key = key;
      this.candidates = candidates;
      best = new double[candidates.length];
      runs = new int[candidates.length];
      java.util.Arrays.fill(best, Double.MAX_VALUE);
      winner = initial;
      nextCheck = initial < 0 ? 0 : EXPLORE_AFTER;
    }

    /** The next candidate to time: round-robin over those still in the running. */
    int next() {
      for (int tries = 0; tries < best.length; tries++) {
        int i = Math.floorMod(turn++, best.length);
        if (runs[i] < TRIALS && !eliminated(i)) {
          return i;
        }
      }
      return 0;
    }

    /** Whether candidate i can run now: a back-end still loading (or that failed to) cannot. */
    private boolean available(int i) {
      return !(candidates[i] instanceof LoadingBlas l) || l.ready();
    }

    /** Records a timing; returns true if that decided the class. */
    boolean record(int i, double nsPerMac) {
      // A back-end's first call in a class is a warm-up, not a sample: it pays one-time costs
      // (staging buffers, cold caches, code not yet compiled), which decided classes wrongly.
      if (runs[i] > 0 && nsPerMac < best[i]) {
        best[i] = nsPerMac;
      }
      runs[i]++;
      for (int j = 0; j < best.length; j++) {
        if (runs[j] < TRIALS && !eliminated(j)) {
          return false;
        }
      }
      int w = 0;
      for (int j = 1; j < best.length; j++) {
        if (best[j] < best[w]) {
          w = j;
        }
      }
      calls = 0;
      winner = w;
      return true;
    }

    /**
     * A candidate more than three times slower than the best after two samples stops being timed,
     * and one still loading is not timed yet.
     */
    private boolean eliminated(int i) {
      if (!available(i)) {
        return true;
      }
      if (runs[i] < 3) {
        return false;
      }
      double min = Double.MAX_VALUE;
      for (double v : best) {
        min = Math.min(min, v);
      }
      return best[i] > 3 * min;
    }

    void restart() {
      java.util.Arrays.fill(runs, 0);
      java.util.Arrays.fill(best, Double.MAX_VALUE);
      nextCheck = (int) Math.min(1L << 30, 8L * nextCheck);
      winner = -1;
    }

    String describe() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < best.length; i++) {
        sb.append(i == 0 ? "" : ", ").append(candidates[i].name()).append(' ');
        sb.append(best[i] == Double.MAX_VALUE ? "-" : String.format("%.3f ns/MAC", best[i]));
      }
      return sb.toString();
    }
  }
}
