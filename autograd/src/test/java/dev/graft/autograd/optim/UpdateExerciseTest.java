package dev.graft.autograd.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.autograd.optim.custom.CountingSgd;
import dev.graft.tensor.support.JitWarmup;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link Optimizer#compileUpdateSoon()}: a built-in optimizer's update runs on the warm-up thread
 * on scratch weights of its own; a user's optimizer is never called there.
 */
class UpdateExerciseTest {
  /** Adam as Graft ships it (its package), counting its updates and their threads. */
  static final class CountingAdam extends Adam {
    final AtomicInteger applied = new AtomicInteger();
    final Set<String> threads = ConcurrentHashMap.newKeySet();

    @Override
    protected void apply(
        float[] w, int wo, float[] g, int go, float[][] s, int so, int n, float lr, long step) {
      applied.incrementAndGet();
      threads.add(Thread.currentThread().getName());
      super.apply(w, wo, g, go, s, so, n, lr, step);
      for (int i = 0; i < n; i++) {
        assertTrue(Float.isFinite(w[wo + i]), "exercised weight " + i + " is " + w[wo + i]);
      }
    }
  }

  /** Returns once every task queued on the warm-up thread before this call has run. */
  private static void awaitWarmUpThread() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    JitWarmup.compileSoon("marker", done::countDown);
    assertTrue(done.await(60, TimeUnit.SECONDS), "the warm-up thread did not reach the marker");
  }

  @Test
  void aBuiltInOptimizerUpdatesScratchWeightsOnTheWarmUpThread() throws InterruptedException {
    assumeTrue(JitWarmup.ENABLED, "-Dgraft.warmup=false: nothing runs in the background");
    CountingAdam adam = new CountingAdam();
    adam.compileUpdateSoon();
    awaitWarmUpThread();
    assertEquals(Optimizer.EXERCISE_UPDATES, adam.applied.get());
    assertTrue(
        Set.of("graft-jit-warmup", "graft-warmup-fair").containsAll(adam.threads),
        "updated on " + adam.threads);
    assertEquals(0, adam.iterations(), "the exercise counted as training steps");
    CountingAdam another = new CountingAdam();
    another.compileUpdateSoon();
    awaitWarmUpThread();
    assertEquals(0, another.applied.get(), "the class's update was exercised twice");
  }

  @Test
  void aUsersOptimizerIsNotExercised() throws InterruptedException {
    assumeTrue(JitWarmup.ENABLED, "-Dgraft.warmup=false: nothing runs in the background");
    CountingSgd sgd = new CountingSgd();
    sgd.compileUpdateSoon();
    awaitWarmUpThread();
    assertEquals(0, sgd.applied.get());
  }
}
