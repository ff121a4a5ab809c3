package dev.graft.dsl.internal;

import java.util.concurrent.Semaphore;

/**
 * How many inference runs ({@code predict}, {@code evaluate}) execute at once in the process: at
 * most one per core by default ({@code -Dgraft.concurrentPredictions=N} sets N; 0 lets every caller
 * run). Callers beyond that wait their turn, first come first served, parked rather than runnable.
 *
 * <p>Why: more runnable threads than cores make the operating system share the cores out in time
 * slices of milliseconds, and a request descheduled half-way waits through the others' slices.
 * Eight threads sharing seed model 3 on 2 cores took 0.09 ms at the median but 12–15 ms at the 99th
 * percentile; a queue of parked callers costs each waiting caller only the calls ahead of it.
 *
 * <p>Taken after the read side of {@link WeightsLock}, never before: a training step's validation
 * holds the write side and then runs inference, and no holder of a turn ever waits for that lock. A
 * thread already holding a turn (an inference nested in another) does not take a second one.
 */
final class InferenceGate {
  private InferenceGate() {}

  private static volatile boolean ready;

  /** Set once, before {@code ready}: the limit and its turns (null for no limit). */
  private static int limit;

  private static Semaphore turns;

  /**
   * The number of inference runs at once, 0 for no limit, read from the property on first use.
   *
   * @throws IllegalArgumentException if the property is not 0 or a positive integer (then every
   *     inference fails with this, rather than a class that cannot initialise)
   */
  static int limit() {
    if (!ready) {
      synchronized (InferenceGate.class) {
        if (!ready) {
          limit =
              limit(
                  System.getProperty("graft.concurrentPredictions"),
                  Runtime.getRuntime().availableProcessors());
          turns = limit == 0 ? null : new Semaphore(limit, true);
          ready = true;
        }
      }
    }
    return limit;
  }

  private static final ThreadLocal<int[]> HELD = ThreadLocal.withInitial(() -> new int[1]);

  /**
   * The limit the property's value {@code p} asks for: {@code cores} when null or blank.
   *
   * @throws IllegalArgumentException if {@code p} is not 0 or a positive integer
   */
  static int limit(String p, int cores) {
    if (p == null || p.isBlank()) {
      return cores;
    }
    try {
      int n = Integer.parseInt(p.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "graft.concurrentPredictions must be 0 (no limit) or a positive integer; got " + p, e);
    }
  }

  /**
   * Waits for a turn, unless the calling thread holds one; pass the result to {@link #leave}.
   *
   * @return whether a turn was taken
   */
  static boolean enter() {
    int[] held = HELD.get();
    boolean take = limit() > 0 && held[0] == 0;
    if (take) {
      turns.acquireUninterruptibly();
    }
    held[0]++;
    return take;
  }

  /** Ends what {@link #enter} began; {@code took} is what it returned. */
  static void leave(boolean took) {
    HELD.get()[0]--;
    if (took) {
      turns.release();
    }
  }
}
