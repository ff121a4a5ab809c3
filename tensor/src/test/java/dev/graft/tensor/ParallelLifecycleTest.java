package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kernel pool's life cycle: idle workers end, interrupts end them, shutdown ends them all. */
class ParallelLifecycleTest {
  private int threadsBefore;
  private Duration idleBefore;

  @BeforeEach
  void setUp() {
    threadsBefore = Parallel.threads();
    idleBefore = Parallel.idleTimeout();
    Parallel.setThreads(3);
  }

  @AfterEach
  void tearDown() {
    Parallel.setThreads(threadsBefore);
    Parallel.setIdleTimeout(idleBefore);
  }

  /**
   * Runs a loop over three chunks, checks that every index was handled once and returns how many
   * chunks kernel workers ran.
   */
  private static int runLoop() {
    int[] seen = new int[300];
    AtomicInteger byWorkers = new AtomicInteger();
    Parallel.forRange(
        seen.length,
        1,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            seen[i]++;
          }
          if (Thread.currentThread().getName().startsWith("graft-kernel-")) {
            byWorkers.incrementAndGet();
          }
        });
    int[] once = new int[seen.length];
    java.util.Arrays.fill(once, 1);
    assertArrayEquals(once, seen);
    return byWorkers.get();
  }

  private static List<Thread> kernelThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("graft-kernel-") && t.isAlive())
        .toList();
  }

  private static void awaitNoKernelThreads(Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (!kernelThreads().isEmpty() && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertEquals(List.of(), kernelThreads(), "graft-kernel threads still alive");
  }

  @Test
  void shutdownEndsEveryWorkerAndTheNextCallStartsThemAgain() throws InterruptedException {
    assertEquals(2, runLoop(), "three chunks: the caller's and two workers'");
    Parallel.shutdown();
    assertEquals(List.of(), kernelThreads(), "shutdown returns when the workers have ended");
    assertEquals(2, runLoop());
    Parallel.shutdown();
    assertEquals(List.of(), kernelThreads());
    Parallel.shutdown();
  }

  @Test
  void idleWorkersEndAfterTheTimeoutAndComeBackOnDemand() throws InterruptedException {
    Parallel.shutdown();
    Parallel.setIdleTimeout(Duration.ofMillis(50));
    assertEquals(2, runLoop(), "two of the three chunks run on workers");
    awaitNoKernelThreads(Duration.ofSeconds(10));
    assertEquals(2, runLoop(), "the workers start again");
    Parallel.shutdown();
  }

  @Test
  void workersStayBetweenCallsWellInsideTheTimeout() {
    Parallel.shutdown();
    Parallel.setIdleTimeout(Duration.ofSeconds(30));
    runLoop();
    List<Thread> first = kernelThreads();
    for (int i = 0; i < 1000; i++) {
      runLoop();
    }
    assertEquals(
        java.util.Set.copyOf(first),
        java.util.Set.copyOf(kernelThreads()),
        "the same workers serve every call");
    Parallel.shutdown();
  }

  @Test
  void anInterruptedWorkerEnds() throws InterruptedException {
    Parallel.shutdown();
    Parallel.setIdleTimeout(Duration.ofSeconds(30));
    assertEquals(2, runLoop());
    for (Thread t : kernelThreads()) {
      t.interrupt();
    }
    awaitNoKernelThreads(Duration.ofSeconds(10));
    assertEquals(2, runLoop());
    Parallel.shutdown();
  }

  @Test
  void anInterruptedCallerStillGetsEveryChunkAndKeepsItsInterruptStatus() {
    AtomicInteger done = new AtomicInteger();
    Thread.currentThread().interrupt();
    try {
      Parallel.forRange(
          3,
          1,
          (from, to) -> {
            long end = System.nanoTime() + 20_000_000L;
            while (System.nanoTime() < end) {
              Thread.onSpinWait();
            }
            done.addAndGet(to - from);
          });
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
    assertEquals(3, done.get());
  }

  @Test
  void aBadIdleTimeoutIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Parallel.setIdleTimeout(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class, () -> Parallel.setIdleTimeout(Duration.ofMillis(-1)));
  }
}
