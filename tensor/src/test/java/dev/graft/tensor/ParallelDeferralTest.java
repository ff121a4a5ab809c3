package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Background threads that defer to kernels wait for the loop in progress, and no longer. */
class ParallelDeferralTest {
  private int threadsBefore;

  @BeforeEach
  void setUp() {
    threadsBefore = Parallel.threads();
    Parallel.setThreads(3);
  }

  @AfterEach
  void tearDown() {
    Parallel.setThreads(threadsBefore);
  }

  /** Starts a parallel loop on a new thread; returns once its chunks run, held until release. */
  private static Thread loopHeldUntil(CountDownLatch release) throws InterruptedException {
    CountDownLatch inLoop = new CountDownLatch(1);
    Thread loop =
        new Thread(
            () ->
                Parallel.forRange(
                    3,
                    1,
                    (from, to) -> {
                      inLoop.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }));
    loop.start();
    assertTrue(inLoop.await(10, TimeUnit.SECONDS), "the loop did not start");
    return loop;
  }

  @Test
  void deferringReturnsAtOnceWhenNoLoopRuns() {
    long t0 = System.nanoTime();
    Parallel.deferToKernels(TimeUnit.SECONDS.toNanos(30));
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
  }

  @Test
  void aDeferringThreadWaitsForTheLoopInProgressAndNoLonger() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread loop = loopHeldUntil(release);
    CountDownLatch deferred = new CountDownLatch(1);
    Thread background =
        new Thread(
            () -> {
              Parallel.deferToKernels(TimeUnit.SECONDS.toNanos(60));
              deferred.countDown();
            });
    background.start();
    assertFalse(deferred.await(200, TimeUnit.MILLISECONDS), "returned while the loop ran");
    release.countDown();
    assertTrue(deferred.await(10, TimeUnit.SECONDS), "still waiting after the loop ended");
    loop.join();
    background.join();
  }

  @Test
  void anInterruptedThreadDoesNotWaitAndStaysInterrupted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread loop = loopHeldUntil(release);
    try {
      Thread.currentThread().interrupt();
      long t0 = System.nanoTime();
      Parallel.deferToKernels(TimeUnit.SECONDS.toNanos(60));
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "waited while interrupted");
      assertTrue(Thread.interrupted(), "the interrupt status was cleared");
    } finally {
      Thread.interrupted();
      release.countDown();
      loop.join();
    }
  }

  @Test
  void aDeferringThreadGoesOnAfterItsLongestWait() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread loop = loopHeldUntil(release);
    try {
      long t0 = System.nanoTime();
      Parallel.deferToKernels(TimeUnit.MILLISECONDS.toNanos(100));
      long waited = System.nanoTime() - t0;
      assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(100), "waited only " + waited + " ns");
    } finally {
      release.countDown();
      loop.join();
    }
  }
}
