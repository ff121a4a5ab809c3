package dev.graft.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared thread pool for kernels. {@code -Dgraft.threads=N} sets its size (default: the number
 * of cores). {@link #forRange} splits a range over the pool without allocating, so kernels can run
 * in a training step's hot path. Calls from several threads at once are safe: a caller that finds
 * the pool busy runs its range itself.
 */
public final class Parallel {
  /** The body of a parallel loop: handles {@code [from, to)}. */
  @FunctionalInterface
  public interface RangeBody {
    /** Processes indices {@code from} (inclusive) to {@code to} (exclusive). */
    void run(int from, int to);
  }

  private static volatile int threads = initialThreads();
  private static final ReentrantLock BUSY = new ReentrantLock();
  private static Worker[] workers = new Worker[0];
  private static final AtomicInteger PENDING = new AtomicInteger();
  private static volatile Thread waiter;

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

  /** The number of threads kernels may use. */
  public static int threads() {
    return threads;
  }

  /** Sets the number of threads kernels may use (1 = no parallelism). */
  public static void setThreads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads must be >= 1; got " + n);
    }
    threads = n;
  }

  /**
   * Runs {@code body} over {@code [0, n)}, split into at most {@link #threads()} contiguous chunks
   * of at least {@code minChunk} indices; returns when all are done.
   */
  public static void forRange(int n, int minChunk, RangeBody body) {
    int t = Math.min(threads, Math.max(1, n / Math.max(1, minChunk)));
    if (t <= 1 || !BUSY.tryLock()) {
      body.run(0, n);
      return;
    }
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
      BUSY.unlock();
    }
  }

  private static void ensureWorkers(int count) {
    if (workers.length >= count) {
      return;
    }
    Worker[] grown = java.util.Arrays.copyOf(workers, count);
    for (int i = workers.length; i < count; i++) {
      grown[i] = new Worker(i + 1);
    }
    workers = grown;
  }

  private static final class Worker extends Thread {
    private volatile RangeBody body;
    private int from;
    private int to;
    private Throwable failure;

    Worker(int id) {
      super("graft-kernel-" + id);
      setDaemon(true);
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
      while (true) {
        RangeBody b = body;
        if (b == null) {
          LockSupport.park(this);
          continue;
        }
        try {
          b.run(from, to);
        } catch (RuntimeException | Error e) {
          failure = e;
        }
        body = null;
        if (PENDING.decrementAndGet() == 0) {
          LockSupport.unpark(waiter);
        }
      }
    }
  }
}
