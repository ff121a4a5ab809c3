package dev.graft.tensor.blas;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.graft.tensor.Rng;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@code auto} loads jblas on a background thread ({@link LoadingBlas}) when a shape class first
 * needs trials, and times it only once it has loaded: a class decided meanwhile is decided among
 * the others, and never calls it.
 */
class LoadingBlasTest {
  @Test
  void autoDecidesWithoutABackEndStillLoadingAndNeverCallsIt() throws InterruptedException {
    assumeFalse(Rng.seeded(), "a seeded JVM times nothing");
    CountDownLatch release = new CountDownLatch(1);
    CountingBlas counting = new CountingBlas(JavaBlas.INSTANCE);
    LoadingBlas loading =
        new LoadingBlas(
            "slow",
            () -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return counting;
            });
    AutoBlas auto = new AutoBlas(JavaBlas.INSTANCE, loading);
    float[] a = new float[32 * 32];
    float[] c = new float[32 * 32];
    // Matrix-vector products are never timed: they do not start the loading.
    for (int i = 0; i < 2 * AutoBlas.EXPLORE_AFTER; i++) {
      auto.sgemm(false, false, 32, 1, 32, 1f, a, 0, 32, a, 0, 1, 0f, c, 0, 1);
    }
    assertFalse(loading.started(), "nothing timed yet, nothing loading");
    for (int i = 0; i < AutoBlas.EXPLORE_AFTER + 4 * AutoBlas.TRIALS; i++) {
      auto.sgemm(false, false, 32, 32, 32, 1f, a, 0, 32, a, 0, 32, 0f, c, 0, 32);
    }
    assertTrue(loading.started(), "the first trials start the loading");
    assertFalse(loading.ready());
    assertSame(JavaBlas.INSTANCE, auto.choice(false, false, 32, 32, 32), "decided without it");
    assertThrows(
        IllegalStateException.class,
        () -> loading.sgemm(false, false, 1, 1, 1, 1f, a, 0, 1, a, 0, 1, 0f, c, 0, 1),
        "a back-end still loading refuses calls rather than computing nothing");
    release.countDown();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!loading.ready() && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    assertTrue(loading.ready());
    assertSame(0, counting.calls(), "never called while loading");
    loading.sgemm(false, false, 1, 1, 1, 1f, a, 0, 1, a, 0, 1, 0f, c, 0, 1);
    assertSame(1, counting.calls(), "delegates once loaded");
  }

  @Test
  void aBackEndThatFailsToLoadIsNeverReady() throws InterruptedException {
    LoadingBlas failing =
        new LoadingBlas(
            "absent",
            () -> {
              throw new UnsupportedOperationException("absent: not on the class path");
            });
    failing.start();
    Thread.sleep(50);
    assertFalse(failing.ready());
  }
}
