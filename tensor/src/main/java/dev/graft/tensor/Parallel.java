package dev.graft.tensor;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared thread pool for kernels. {@code -Dgraft.threads=N} sets its size (default: the number
 * of cores). {@link #forRange} splits a range over the pool without allocating, so kernels can run
 * in a training step's hot path. Calls from several threads at once are safe: a caller that finds
 * the pool busy runs its range itself.
 *
 * <p>The workers are daemon threads named {@code graft-kernel-N}, started on the first parallel
 * kernel call. A worker that has had no work for the idle timeout ({@code
 * -Dgraft.threads.idleMillis}, default {@value #DEFAULT_IDLE_MILLIS} ms, or {@link
 * #setIdleTimeout}) ends, and the next parallel kernel call starts it again, so an idle application
 * holds no kernel threads; between the kernel calls of a training step the workers stay. A worker
 * that is interrupted ends as soon as it has finished the range it is running. {@link #shutdown()}
 * ends them all at once, for containers that unload the application (a servlet context listener's
 * {@code contextDestroyed}, say): it returns when the threads have ended, and a kernel call after
 * it starts the pool again.
 */
public final class Parallel {
  /** The body of a parallel loop: handles {@code [from, to)}. */
  @FunctionalInterface
  public interface RangeBody {
    /**
     * Processes indices {@code from} (inclusive) to {@code to} (exclusive).
     *
     * @param from the first index
     * @param to one past the last index
     */
    void run(int from, int to);
  }

  /** The idle timeout when {@code graft.threads.idleMillis} is not set. */
  public static final long DEFAULT_IDLE_MILLIS = 2000;

  /** How long an interrupted worker waits between attempts to leave while a loop holds the pool. */
  private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static volatile int threads = initialThreads();
  private static volatile long idleNanos = initialIdleNanos();
  private static final ReentrantLock BUSY = new ReentrantLock();
  // Guarded by BUSY. A null slot is a worker that has ended (idle, interrupted or shut down).
  private static Worker[] workers = new Worker[0];
  private static final AtomicInteger PENDING = new AtomicInteger();
  private static volatile Thread waiter;
  // True while a loop holds the workers; loopsEnded counts the loops that have ended (written only
  // by the thread holding BUSY), so that a thread deferring to kernels goes on after the loop it
  // waited for even if the next one has started by the time it wakes up.
  private static volatile boolean looping;
  private static volatile int loopsEnded;
  private static final AtomicInteger DEFERRING = new AtomicInteger();
  private static final AtomicReferenceArray<Thread> DEFERRED = new AtomicReferenceArray<>(16);

  private Parallel() {}

  private static int initialThreads() {
    String p = System.getProperty("graft.threads");
    int cores = Runtime.getRuntime().availableProcessors();
    if (p == null || p.isBlank()) {
      return cores;
    }
    try {
      int n = Integer.parseInt(p.trim());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("graft.threads must be a positive integer; got " + p, e);
    }
  }

  private static long initialIdleNanos() {
    String p = System.getProperty("graft.threads.idleMillis");
    if (p == null || p.isBlank()) {
      return TimeUnit.MILLISECONDS.toNanos(DEFAULT_IDLE_MILLIS);
    }
    try {
      long ms = Long.parseLong(p.trim());
      if (ms < 1) {
        throw new NumberFormatException();
      }
      return TimeUnit.MILLISECONDS.toNanos(ms);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "graft.threads.idleMillis must be a positive integer; got " + p, e);
    }
  }

  /**
   * The number of threads kernels may use.
   *
   * @return the thread count, at least 1
   */
  public static int threads() {
    return threads;
  }

  /**
   * Sets the number of threads kernels may use (1 = no parallelism).
   *
   * @param n the thread count, at least 1
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public static void setThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads must be >= 1; got " + n);
    }
    threads = n;
  }

  /**
   * How long a worker waits for work before it ends.
   *
   * @return the idle timeout
   */
  public static Duration idleTimeout() {
    return Duration.ofNanos(idleNanos);
  }

  /**
   * Sets how long a worker waits for work before it ends; workers waiting now apply it after their
   * current wait. Keep it well above the gaps between the kernel calls of a training step
   * (milliseconds at most), or workers will end and start again inside a step.
   *
   * @param timeout a positive duration
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public static void setIdleTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("idle timeout must be positive; got " + timeout);
    }
    idleNanos = timeout.toNanos();
  }

  /**
   * Ends every kernel worker and returns when they have ended, waiting first for a parallel loop in
   * progress. Kernel calls stay possible: the next one starts the workers again. Call it when the
   * application is unloaded (a container's undeploy) so that no {@code graft-kernel} thread
   * outlives it; a standalone program need not, as the workers are daemon threads that end after
   * the idle timeout anyway.
   *
   * <p>If the calling thread is interrupted while waiting, the workers still end (they have been
   * told to) but this returns at once with the interrupt status set.
   */
  public static void shutdown() {
    Worker[] stopping;
    BUSY.lock();
    try {
      stopping = workers.clone();
      Arrays.fill(workers, null);
      for (Worker w : stopping) {
        if (w != null) {
          w.stop = true;
          LockSupport.unpark(w);
        }
      }
    } finally {
      BUSY.unlock();
    }
    for (Worker w : stopping) {
      if (w != null) {
        try {
          w.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Runs {@code body} over {@code [0, n)}, split into at most {@link #threads()} contiguous chunks
   * of at least {@code minChunk} indices; returns when all are done. The workers write into the
   * caller's buffers, so an interrupt does not cut the loop short: it returns when every chunk is
   * done, with the caller's interrupt status kept.
   *
   * @param n the number of indices
   * @param minChunk the fewest indices worth a thread of their own
   * @param body the loop body; the first exception it throws in any chunk is rethrown here
   */
  public static void forRange(int n, int minChunk, RangeBody body) {
    int t = Math.min(threads, Math.max(1, n / Math.max(1, minChunk)));
    if (t <= 1 || !BUSY.tryLock()) {
      body.run(0, n);
      return;
    }
    boolean interrupted = false;
    looping = true;
    try {
      ensureWorkers(t - 1);
      waiter = Thread.currentThread();
      PENDING.set(t - 1);
      for (int w = 1; w < t; w++) {
        workers[w - 1].submit(body, (int) ((long) n * w / t), (int) ((long) n * (w + 1) / t));
      }
      Throwable failure = null;
      try {
        body.run(0, (int) ((long) n / t));
      } catch (RuntimeException | Error e) {
        failure = e;
      }
      while (PENDING.get() > 0) {
        LockSupport.park(Parallel.class);
        // An interrupted thread does not park: clear the flag (restored below) rather than spin.
        interrupted |= Thread.interrupted();
      }
      for (int w = 1; w < t; w++) {
        Throwable f = workers[w - 1].takeFailure();
        if (failure == null) {
          failure = f;
        }
      }
      if (failure instanceof RuntimeException re) {
        throw re;
      }
      if (failure instanceof Error er) {
        throw er;
      }
    } finally {
      waiter = null;
      looping = false;
      loopsEnded++;
      if (DEFERRING.get() > 0) {
        wakeDeferred();
      }
      BUSY.unlock();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * For background threads whose work can wait a little, such as a dataset's image decoding: call
   * it between small units of work (one image). It returns at once unless a parallel kernel loop is
   * running, and otherwise when that loop ends or after {@code maxNanos}, whichever comes first. On
   * a machine with few cores, work that waits here runs between a training step's parallel loops,
   * where a core is idle, instead of taking a core from a loop's thread, which would hold up the
   * whole loop; when the training thread itself waits for the data, no loop runs and this never
   * waits. Kernel workers, a thread inside a loop and an interrupted thread (its interrupt status
   * kept) never wait here.
   *
   * @param maxNanos the longest wait, in nanoseconds
   */
  public static void deferToKernels(long maxNanos) {
    if (!looping) {
      return;
    }
    Thread me = Thread.currentThread();
    if (me instanceof Worker || BUSY.isHeldByCurrentThread()) {
      return;
    }
    int slot = -1;
    for (int i = 0; i < DEFERRED.length() && slot < 0; i++) {
      if (DEFERRED.compareAndSet(i, null, me)) {
        slot = i;
      }
    }
    if (slot < 0) {
      return; // more deferring threads than slots: the others run as they would anyway
    }
    int ended = loopsEnded;
    DEFERRING.incrementAndGet();
    try {
      long end = System.nanoTime() + maxNanos;
      for (long left = maxNanos;
          looping && loopsEnded == ended && left > 0 && !me.isInterrupted();
          left = end - System.nanoTime()) {
        LockSupport.parkNanos(Parallel.class, left);
      }
    } finally {
      DEFERRED.set(slot, null);
      DEFERRING.decrementAndGet();
    }
  }

  private static void wakeDeferred() {
    for (int i = 0; i < DEFERRED.length(); i++) {
      Thread t = DEFERRED.get(i);
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }

  /** Starts workers in the first {@code count} slots where none runs (called holding BUSY). */
  private static void ensureWorkers(int count) {
    if (workers.length < count) {
      workers = Arrays.copyOf(workers, count);
    }
    for (int i = 0; i < count; i++) {
      if (workers[i] == null) {
        workers[i] = new Worker(i);
      }
    }
  }

  private static final class Worker extends Thread {
    private final int slot;
    private volatile RangeBody body;
    private volatile boolean stop;
    private int from;
    private int to;
    private Throwable failure;

    Worker(int slot) {
      super("graft-kernel-" + (slot + 1));
      this.slot = slot;
      setDaemon(true);
      // Not the loader of whichever application thread happened to start the pool.
      setContextClassLoader(Parallel.class.getClassLoader());
      start();
    }

    void submit(RangeBody b, int f, int t) {
      from = f;
      to = t;
      body = b;
      LockSupport.unpark(this);
    }

    Throwable takeFailure() {
      Throwable f = failure;
      failure = null;
      return f;
    }

    @Override
    public void run() {
      boolean leaving = false;
      long idleSince = System.nanoTime();
      while (!stop) {
        RangeBody b = body;
        if (b == null) {
          leaving |= Thread.interrupted();
          if ((leaving || System.nanoTime() - idleSince >= idleNanos) && leave()) {
            return;
          }
          LockSupport.parkNanos(this, leaving ? RETRY_NANOS : idleNanos);
          continue;
        }
        try {
          b.run(from, to);
        } catch (RuntimeException | Error e) {
          failure = e;
        }
        body = null;
        idleSince = System.nanoTime();
        if (PENDING.decrementAndGet() == 0) {
          LockSupport.unpark(waiter);
        }
      }
    }

    /**
     * Frees this worker's slot unless a loop holds the pool (it may be handing this worker a
     * range); a loop in progress has finished with this worker once BUSY is free.
     */
    private boolean leave() {
      if (!BUSY.tryLock()) {
        return false;
      }
      try {
        if (body != null) {
          return false;
        }
        if (slot < workers.length && workers[slot] == this) {
          workers[slot] = null;
        }
        return true;
      } finally {
        BUSY.unlock();
      }
    }
  }
}
