package dev.graft.tensor.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A family of Vector API kernels and its plain-Java twin, which computes the same floats bit for
 * bit; {@link #get()} hands out the twin until the vector code is compiled.
 *
 * <p>Why: until C2 compiles it, Vector API code runs interpreted, where every vector is an object,
 * about a hundred times slower than plain loops, which C1 compiles within milliseconds. A fresh
 * JVM's first training step of a small CNN spent about a second there on a quiet machine, several
 * on a loaded one (see {@code docs/performance.md}). So the first call of a family starts a
 * background thread ({@code graft-jit-warmup}, a daemon that exits when idle) that runs the vector
 * kernels on a tiny problem until they are compiled, which shows as allocating nothing there (or
 * for at most {@link #MAX_NANOS}), then switches every caller to them. Because the twin's results
 * are identical, the switch changes speed only: seeded runs repeat their numbers, and concurrent
 * predictions equal sequential ones, whenever the switch happens.
 *
 * <p>Families warm up one at a time on that thread, by rank: the products first (a model's bulk of
 * multiply-adds, and an LSTM's predictions), then dot products and pooling, convolutions, recurrent
 * cells; a family warming up gives way to a lower-ranked one started meanwhile. Callers that run
 * another path meanwhile (BLAS, or plain loops with the same bits) ask {@link #warmOrStart()}
 * instead of taking the twin.
 *
 * <p>The warm-up thread runs at the lowest priority (see {@code BackgroundPriority}): on the cores
 * the application's threads leave idle, not in turns with them.
 *
 * <p>{@link #startAll()} starts every family's warm-up at once, for an application that would
 * rather pay for it before its first requests than during them.
 *
 * <p>{@code -Dgraft.warmup=false} hands out the vector kernels from the first call.
 *
 * @param <T> the kernel interface
 */
public final class JitWarmup<T> {
  /** Whether callers get the twin while the vector code warms up. */
  public static final boolean ENABLED =
      !"false".equalsIgnoreCase(System.getProperty("graft.warmup"));

  /**
   * The most CPU time the warm-up thread spends on a family before it switches anyway (e.g. under
   * {@code -Xint}); CPU rather than wall time because at low priority on busy cores it may wait.
   */
  public static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final System.Logger LOG = System.getLogger("dev.graft.tensor");

  /** The warm-up thread at the lowest priority (see {@link BackgroundPriority}). */
  private static final ThreadPoolExecutor WARMER = warmer();

  /**
   * The same at the normal priority, from the moment the low one starved (see {@link #starved}).
   * Its thread starts with a warm-up, on the caller's thread that starts it (and on callers' later
   * calls once the low one starved): Linux gives a new thread its creator's nice value, so one
   * started from the low thread would be as low.
   */
  private static final ThreadPoolExecutor FAIR_WARMER = fairWarmer();

  /**
   * How long the low-priority warm-up may get less than a quarter of a core before it continues at
   * the normal priority: long enough to leave a fresh process's first steps the cores, short enough
   * that a trainer keeping every core busy gets its kernels compiled within seconds.
   */
  static final long STARVED_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static volatile boolean fair;

  private static final String LOW_NAME = "graft-jit-warmup";

  private static ThreadPoolExecutor warmer() {
    return new ThreadPoolExecutor(
        0,
        1,
        1,
        TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(() -> runLow(r), LOW_NAME);
          t.setDaemon(true);
          return t;
        });
  }

  private static ThreadPoolExecutor fairWarmer() {
    ThreadPoolExecutor e =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              // Never from the low thread (its nice value would pass on): tasks it queues wait
              // for a caller's start() to start the thread.
              if (Thread.currentThread().getName().equals(LOW_NAME)) {
                return null;
              }
              Thread t = new Thread(r, "graft-warmup-fair");
              t.setDaemon(true);
              return t;
            });
    // Idle for 30 s it ends, so that an undeployed application leaves no thread behind.
    e.allowCoreThreadTimeOut(true);
    return e;
  }

  /** The executor warm-ups go to now: the low-priority one until it starved. */
  private static ThreadPoolExecutor executor() {
    return fair ? FAIR_WARMER : WARMER;
  }

  /**
   * Moves the warm-up to the normal priority for the rest of the process: its queued tasks go to
   * the fair executor, and the family running on the low thread requeues itself there.
   */
  private static void turnFair() {
    synchronized (PENDING) {
      if (fair) {
        return;
      }
      fair = true;
      LOG.log(
          System.Logger.Level.DEBUG,
          "graft-jit-warmup starved at the lowest priority: warming up at the normal one from now");
      List<Runnable> queued = new ArrayList<>();
      WARMER.getQueue().drainTo(queued);
      for (Runnable r : queued) {
        FAIR_WARMER.execute(r);
      }
    }
  }

  /** Whether the warm-up runs at the normal priority because the low one starved (for tests). */
  static boolean fair() {
    return fair;
  }

  /** Back to the low priority for the next warm-up (tests that made it starve). */
  static void lowAgain() {
    fair = false;
  }

  private final String name;
  private final T vector;
  private final T twin;
  private final Consumer<T> exercise;
  private final AtomicBoolean started = new AtomicBoolean();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile boolean warm;

  /**
   * Whether a caller got the twin ({@link #get()}) before the switch: only then is the twin worth
   * compiling alongside.
   */
  private volatile boolean twinServes;

  private final int rank;

  /** Families started and not yet warming up, in the order started. */
  private static final List<JitWarmup<?>> PENDING = new ArrayList<>();

  /** Every family made that still had to warm up, in the order made. */
  private static final List<JitWarmup<?>> FAMILIES = new CopyOnWriteArrayList<>();

  /** The engine's families' ranks (see the class comment): products go first. */
  public static final int RANK_PRODUCTS = 0;

  /** Dot products: cheap to warm up, next. */
  public static final int RANK_DOTS = 1;

  /** 2x2 pooling: cheap to warm up, and nine times faster than the loops that serve meanwhile. */
  public static final int RANK_POOLING = 1;

  /** Convolutions: OpenBLAS and plain loops serve them well meanwhile. */
  public static final int RANK_CONVOLUTIONS = 2;

  /** The recurrent cells: a small share of a step's work. */
  public static final int RANK_RECURRENT = 3;

  /**
   * The classes whose initialisation makes the engine's families, named so that this package
   * depends on none of them.
   */
  private static final List<String> HOLDERS =
      List.of(
          "dev.graft.tensor.conv.ConvVector",
          "dev.graft.tensor.conv.DepthwiseConv2d",
          "dev.graft.tensor.products.ProductVector",
          "dev.graft.tensor.recurrent.RecurrentVector");

  /**
   * A family; {@code exercise} runs every method of a kernel object once on a tiny problem, with
   * the branches real calls take.
   *
   * @param name the family's name, for the log
   * @param vector the Vector API kernels
   * @param twin the plain-Java kernels computing the same floats
   * @param exercise runs every method of a kernel object once on a tiny problem
   * @param rank the family's place in the warm-up thread's order: lower goes first, and a family
   *     warming up gives way to a lower-ranked one started meanwhile
   */
  public JitWarmup(String name, T vector, T twin, Consumer<T> exercise, int rank) {
    this(name, vector, twin, exercise, ENABLED, rank);
  }

  /**
   * A family that warms up only when {@code enabled} (tests set it either way).
   *
   * @param name the family's name, for the log
   * @param vector the Vector API kernels
   * @param twin the plain-Java kernels computing the same floats
   * @param exercise runs every method of a kernel object once on a tiny problem
   * @param enabled whether callers get the twin until the vector kernels are compiled
   * @param rank the family's place in the warm-up thread's order (see above)
   */
  public JitWarmup(String name, T vector, T twin, Consumer<T> exercise, boolean enabled, int rank) {
    this.name = name;
    this.rank = rank;
    this.vector = vector;
    this.twin = twin;
    this.exercise = exercise;
    warm = !enabled;
    primeOperatorProfiles();
    if (enabled) {
      FAMILIES.add(this);
    } else {
      done.complete(null);
    }
  }

  /**
   * Starts the warm-up of every family of the engine that has not started (one after another on
   * {@code graft-jit-warmup}), and of any other family made so far; thread-safe, and a second call
   * starts nothing new. Without the Vector API kernels (no module, or {@code -Dgraft.vector=false})
   * there is nothing to warm up.
   *
   * @return a future completed once every family hands out its vector kernels (already completed
   *     when none has to warm up); completing or cancelling it changes nothing here
   */
  public static CompletableFuture<Void> startAll() {
    if (!VectorSupport.WANTED) {
      return CompletableFuture.completedFuture(null);
    }
    for (String holder : HOLDERS) {
      try {
        Class.forName(holder, true, JitWarmup.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("graft: kernel family " + holder + " is missing", e);
      }
    }
    BackgroundPriority.wanted();
    FAIR_WARMER.prestartCoreThread();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (JitWarmup<?> family : FAMILIES) {
      family.start();
      all.add(family.done);
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
  }

  /**
   * Runs {@code exercise} once on the warm-up thread, ahead of the families started after it: for a
   * plain-Java loop that a model's first step would otherwise run in the interpreter, called there
   * often enough for the JIT to compile it before the model needs it. The exercise must touch only
   * its own data. Nothing with {@code -Dgraft.warmup=false}; a failure is logged, never thrown.
   *
   * @param name what is compiled, for the log
   * @param exercise the calls that make the JIT compile it
   */
  public static void compileSoon(String name, Runnable exercise) {
    if (!ENABLED) {
      return;
    }
    // No priority check here: a bad -Dgraft.warmupPriority fails the first kernel call, as
    // documented, not compile; the warm-up thread itself falls back to the normal priority.
    executor()
        .execute(
            () -> {
              long start = System.nanoTime();
              try {
                exercise.run();
              } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "graft: exercising " + name + " failed", e);
              }
              LOG.log(
                  System.Logger.Level.DEBUG,
                  () ->
                      String.format(
                          "%s exercised, %.0f ms", name, (System.nanoTime() - start) / 1e6));
            });
  }

  /**
   * Every family made so far that had to warm up, by name, and whether it has switched to its
   * vector kernels (for tests and diagnostics).
   *
   * @return family name to whether it is warm, in the order the families were made
   */
  public static Map<String, Boolean> families() {
    Map<String, Boolean> all = new LinkedHashMap<>();
    for (JitWarmup<?> family : FAMILIES) {
      all.put(family.name, family.warm);
    }
    return all;
  }

  private static final AtomicBoolean PRIMED = new AtomicBoolean();

  /**
   * Queues {@code vector/OperatorProfiles} once, ahead of every family's warm-up on the same
   * thread: it must run before the kernels' first compilations (see that class). Families are made
   * when their classes initialise, before any kernel call.
   */
  private static void primeOperatorProfiles() {
    if (PRIMED.compareAndSet(false, true)) {
      Runnable primer = VectorSupport.load("OperatorProfiles", Runnable.class);
      if (primer != null) {
        executor()
            .execute(
                () -> {
                  try {
                    primer.run();
                  } catch (RuntimeException | LinkageError e) {
                    System.err.println("graft: profiling the Vector API's operators failed: " + e);
                  }
                });
      }
    }
  }

  /**
   * The kernels to call now: the vector ones once warm, else the twin (starting the warm-up).
   *
   * @return the kernels to call
   */
  public T get() {
    if (warm) {
      return vector;
    }
    if (!twinServes) {
      twinServes = true;
    }
    start();
    return twin;
  }

  /** Completed once this family hands out its vector kernels (for tests). */
  CompletableFuture<Void> whenWarm() {
    return done;
  }

  /**
   * Whether the vector kernels are compiled, starting their warm-up if not: for callers that run
   * another path meanwhile (BLAS, or plain loops with the same bits) rather than the twin.
   *
   * @return true once the family hands out its vector kernels
   */
  public boolean warmOrStart() {
    if (!warm) {
      start();
    }
    return warm;
  }

  private void start() {
    if (!started.get()) {
      BackgroundPriority.wanted();
    }
    if (fair) {
      // The low thread may have queued this family on the fair executor with no thread there.
      FAIR_WARMER.prestartCoreThread();
    }
    if (!started.get() && started.compareAndSet(false, true)) {
      FAIR_WARMER.prestartCoreThread();
      synchronized (PENDING) {
        PENDING.add(this);
      }
      executor().execute(JitWarmup::warmNext);
    }
  }

  /**
   * Warms up one waiting family, the lowest-ranked (the first queued of equal rank). One task is
   * queued per family started, so each finds one still waiting.
   */
  private static void warmNext() {
    JitWarmup<?> next;
    synchronized (PENDING) {
      if (PENDING.isEmpty()) {
        return;
      }
      next = PENDING.get(0);
      for (JitWarmup<?> family : PENDING) {
        if (family.rank < next.rank) {
          next = family;
        }
      }
      PENDING.remove(next);
    }
    next.warmUp();
  }

  /**
   * Whether callers get the vector kernels.
   *
   * @return true once the family has switched to the vector kernels
   */
  public boolean warm() {
    return warm;
  }

  /**
   * Runs the vector kernels, and the twin when it serves callers (then C1 and C2 compile it early),
   * until three checks in a row, each after 64 more runs, find the vector kernels allocating
   * nothing on the same problem (where the JVM cannot count a thread's allocations: running at most
   * twice as long as the twin). Interpreted or compiled by C1, which boxes every vector, they
   * allocate and measured 30 to 200 times slower; compiled by C2 they allocate nothing and run in a
   * fraction of the twin's time. Time alone was not enough: with the hot inner loops compiled but
   * an outer method still in C1, the tiny problem ran fast while a real call allocated 390 KB of
   * vectors. Nor was time beside allocation: a twin made faster (as the convolutions' register
   * chains made it) kept compiled kernels waiting for a margin they did not need (20 steps of a
   * small CNN on the twin). The four-fold margin that remains only guards against compiled code
   * that runs slowly. A twin that no caller got (they run BLAS or plain loops meanwhile, as an
   * unseeded convolution does) runs only in the checks: compiling it alongside took C2 185 ms of a
   * fresh JVM's first 3 s, when C2 is the bottleneck of the vector kernels' warm-up. Where only
   * time can be checked, the twin runs every time, so that the time compared is a compiled twin's.
   */
  private void warmUp() {
    long start = System.nanoTime();
    long cpuStart = ThreadCounters.cpuNanos();
    long allocatedStart = ThreadCounters.allocated();
    int fast = 0;
    int runs = 0;
    boolean yielded = false;
    long[] window = {start, cpuStart};
    try {
      while (fast < 3 && ThreadCounters.cpuNanos() - cpuStart < MAX_NANOS) {
        if (aLowerRankWaits()) {
          yielded = true;
          break;
        }
        for (int i = 0; i < 64 && !yielded; i++) {
          exercise.accept(vector);
          if (twinServes || !ThreadCounters.KNOWN) {
            exercise.accept(twin);
          }
          if (!fair && starved(window)) {
            turnFair();
            yielded = true;
          }
        }
        if (yielded) {
          break;
        }
        runs += 65;
        long a0 = ThreadCounters.allocated();
        long t0 = System.nanoTime();
        exercise.accept(vector);
        long t1 = System.nanoTime();
        long a1 = ThreadCounters.allocated();
        exercise.accept(twin);
        long t2 = System.nanoTime();
        boolean compiled =
            ThreadCounters.KNOWN ? a1 == a0 && t1 - t0 <= 4 * (t2 - t1) : t1 - t0 <= 2 * (t2 - t1);
        fast = compiled ? fast + 1 : 0;
      }
    } catch (RuntimeException | LinkageError e) {
      System.err.println("graft: warming up " + name + " failed, switching anyway: " + e);
    } finally {
      if (yielded) {
        requeue();
      } else {
        // The vector kernels compute the same floats compiled or not: switching is always safe,
        // and a waiting startAll() must not wait forever.
        warm = true;
        done.complete(null);
      }
    }
    int total = runs;
    double ms = (System.nanoTime() - start) / 1e6;
    double mb = (ThreadCounters.allocated() - allocatedStart) / 1e6;
    String what = yielded ? "yielded the warm-up thread" : "warm";
    LOG.log(
        System.Logger.Level.DEBUG,
        () ->
            String.format(
                "%s %s after %d runs, %.0f ms, %.0f MB allocated", name, what, total, ms, mb));
  }

  /**
   * Whether the low-priority warm-up got less than a quarter of a core over the last {@link
   * #STARVED_NANOS}; {@code window} holds that window's start, wall clock then this thread's CPU
   * time, and moves on when the window passes with enough progress. Only on the low thread.
   */
  private static boolean starved(long[] window) {
    long now = System.nanoTime();
    long wall = now - window[0];
    if (wall < STARVED_NANOS) {
      return false;
    }
    long cpu = ThreadCounters.cpuNanos();
    if (ThreadCounters.CPU_KNOWN && cpu - window[1] < wall / 4) {
      return true;
    }
    window[0] = now;
    window[1] = cpu;
    return false;
  }

  /**
   * Whether a lower-ranked family waits for the warm-up thread: this one then gives way to it, and
   * carries on later from where the JIT got (seed model 1's convolutions, 1.2-1.9 s of warm-up, had
   * held back the products that its Dense layer and LSTM ran on the twin or BLAS for all its first
   * steps and predictions).
   */
  private boolean aLowerRankWaits() {
    synchronized (PENDING) {
      for (JitWarmup<?> family : PENDING) {
        if (family.rank < rank) {
          return true;
        }
      }
      return false;
    }
  }

  private void requeue() {
    synchronized (PENDING) {
      PENDING.add(this);
    }
    executor().execute(JitWarmup::warmNext);
  }

  /**
   * Runs the warm-up thread's work at the lowest priority unless {@code
   * -Dgraft.warmupPriority=normal} (see {@link BackgroundPriority}); the first kernel call already
   * rejected any other value.
   */
  private static void runLow(Runnable work) {
    boolean lower;
    try {
      lower = BackgroundPriority.wanted();
    } catch (IllegalArgumentException e) {
      lower = false;
    }
    if (lower) {
      BackgroundPriority.lowerThisThread();
    }
    work.run();
  }

  /**
   * This thread's allocated bytes and CPU time, where the JVM counts them (else 0 bytes, and wall
   * time for CPU time).
   */
  private static final class ThreadCounters {
    private static final com.sun.management.ThreadMXBean MX = bean();

    /** Whether this JVM counts a thread's allocations. */
    static final boolean KNOWN = MX != null;

    private static com.sun.management.ThreadMXBean bean() {
      try {
        if (java.lang.management.ManagementFactory.getThreadMXBean()
                instanceof com.sun.management.ThreadMXBean mx
            && mx.isThreadAllocatedMemorySupported()
            && mx.isThreadAllocatedMemoryEnabled()) {
          return mx;
        }
      } catch (RuntimeException | LinkageError e) {
        // Another JVM, or jdk.management left out of a custom runtime: time alone decides.
      }
      return null;
    }

    static long allocated() {
      return MX == null ? 0 : MX.getCurrentThreadAllocatedBytes();
    }

    static final boolean CPU_KNOWN = cpuKnown();

    private static boolean cpuKnown() {
      try {
        java.lang.management.ThreadMXBean mx =
            java.lang.management.ManagementFactory.getThreadMXBean();
        return mx.isCurrentThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled();
      } catch (RuntimeException | LinkageError e) {
        return false;
      }
    }

    /** This thread's CPU time in ns, or the wall clock where the JVM cannot say. */
    static long cpuNanos() {
      return CPU_KNOWN
          ? java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
          : System.nanoTime();
    }
  }
}
