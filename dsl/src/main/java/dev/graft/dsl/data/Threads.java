package dev.graft.dsl.data;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dataset's background threads: daemons (a pass left unclosed never keeps the JVM alive) whose
 * names start with {@link #PREFIX}, so a test can check that none outlives its pass.
 */
final class Threads {
  /** The prefix of every dataset thread's name. */
  static final String PREFIX = "graft-data-";

  private static final AtomicInteger COUNT = new AtomicInteger();

  private Threads() {}

  /** Threads named {@code graft-data-<role>-<n>}. */
  static ThreadFactory factory(String role) {
    return r -> {
      Thread t = new Thread(r, PREFIX + role + "-" + COUNT.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Waits for {@code t} to end; keeps the interrupt flag if this thread is interrupted. */
  static void join(Thread t) {
    boolean interrupted = false;
    while (t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true; // finish the clean-up first: the thread must not outlive the pass
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
