package dev.graft.tensor.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.tensor.products.ProductVector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link JitWarmup} hands out a family's plain-Java twin until the Vector API kernels are compiled,
 * then switches. That the twins give the vector kernels' floats bit for bit, so that the switch
 * changes nothing a user can see, is checked per family: {@code ConvTwinsTest}, {@code
 * RecurrentTwinsTest}, {@code ProductTwinsTest}.
 */
class JitWarmupTest {
  @Test
  void warmupHandsOutTheTwinThenSwitchesToTheVectorKernels() throws InterruptedException {
    Object vector = new Object();
    Object twin = new Object();
    AtomicInteger runs = new AtomicInteger();
    JitWarmup<Object> w =
        new JitWarmup<>("test", vector, twin, o -> runs.incrementAndGet(), true, 9);
    assertFalse(w.warm());
    assertSame(twin, w.get(), "the first call gets the twin and starts the warm-up");
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!w.warm() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(w.warm(), "warm within 20 s");
    assertSame(vector, w.get());
    assertTrue(runs.get() >= 64, "the vector kernels ran " + runs.get() + " times first");
  }

  @Test
  void aTwinNoCallerGotRunsOnlyInTheChecks() throws Exception {
    // Each round is 64 runs and a check (one more run of each); at least three checks.
    List<Integer> checksOnly = twinAndVectorRuns(false);
    assertTrue(checksOnly.get(0) >= 3, "warmOrStart callers: " + checksOnly);
    assertEquals(
        65 * checksOnly.get(0),
        checksOnly.get(1),
        "warmOrStart callers: the twin only in checks " + checksOnly);
    List<Integer> served = twinAndVectorRuns(true);
    assertTrue(served.get(0) >= 195, "get() callers: " + served);
    assertEquals(served.get(0), served.get(1), "get() callers: the twin runs every time");
  }

  /**
   * Twin and vector runs of a family's warm-up, started by {@code get()} or by {@code
   * warmOrStart()}.
   */
  private static List<Integer> twinAndVectorRuns(boolean twinServes) throws Exception {
    Object vector = new Object();
    Object twin = new Object();
    AtomicInteger vectorRuns = new AtomicInteger();
    AtomicInteger twinRuns = new AtomicInteger();
    JitWarmup<Object> w =
        new JitWarmup<>(
            "twin serves " + twinServes,
            vector,
            twin,
            o -> (o == twin ? twinRuns : vectorRuns).incrementAndGet(),
            true,
            9);
    if (twinServes) {
      assertSame(twin, w.get());
    } else {
      // Its result may already be true: a warm-up this small can finish before it returns.
      w.warmOrStart();
    }
    w.whenWarm().get(60, TimeUnit.SECONDS);
    return List.of(twinRuns.get(), vectorRuns.get());
  }

  @Test
  void warmupOffHandsOutTheVectorKernelsFromTheFirstCall() {
    Object vector = new Object();
    JitWarmup<Object> w = new JitWarmup<>("test", vector, new Object(), o -> {}, false, 9);
    assertSame(vector, w.get());
    assertEquals(true, w.warm());
  }

  @Test
  void startAllWarmsEveryFamilyBeforeItsFirstCall()
      throws InterruptedException, ExecutionException, TimeoutException {
    AtomicInteger runs = new AtomicInteger();
    Object vector = new Object();
    JitWarmup<Object> mine =
        new JitWarmup<>("never called", vector, new Object(), o -> runs.incrementAndGet(), true, 9);
    CompletableFuture<Void> all = JitWarmup.startAll();
    if (!VectorSupport.WANTED) {
      assertTrue(all.isDone(), "with the kernels off nothing warms up");
      assertFalse(mine.warm());
      return;
    }
    all.get(60, TimeUnit.SECONDS);
    assertTrue(mine.warm(), "a family nobody called is warm");
    assertTrue(runs.get() >= 64, "its exercise ran " + runs.get() + " times");
    assertSame(vector, mine.get());
    assertEquals(true, JitWarmup.families().get("never called"));
    if (ProductVector.KERNELS != null) {
      assertSame(ProductVector.KERNELS, ProductVector.forProducts(), "products run compiled");
    }
    assertTrue(JitWarmup.startAll().isDone(), "a second call finds everything warm");
    all.cancel(true);
    assertTrue(JitWarmup.startAll().isDone(), "cancelling a returned future changes nothing");
  }

  @Test
  void aLowerRankedFamilyTakesTheWarmUpThreadFromOneWarmingUp() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch otherRunning = new CountDownLatch(1);
    AtomicBoolean once = new AtomicBoolean(true);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    JitWarmup<Object> other =
        new JitWarmup<>(
            "ranked 8",
            new Object(),
            new Object(),
            o -> {
              if (once.getAndSet(false)) {
                otherRunning.countDown();
                try {
                  firstStarted.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            },
            true,
            8);
    JitWarmup<Object> first = new JitWarmup<>("ranked 7", "v", "t", o -> {}, true, 7);
    CompletableFuture<Void> otherDone = other.whenWarm().thenRun(() -> order.add("other"));
    CompletableFuture<Void> firstDone = first.whenWarm().thenRun(() -> order.add("first"));
    assertFalse(other.warmOrStart(), "starts the warm-up, not warm yet");
    assertTrue(otherRunning.await(20, TimeUnit.SECONDS), "its warm-up runs");
    assertEquals("t", first.get());
    firstStarted.countDown();
    CompletableFuture.allOf(otherDone, firstDone).get(60, TimeUnit.SECONDS);
    assertEquals(List.of("first", "other"), order, "the lower rank took the thread");
    assertTrue(other.warmOrStart());
  }

  @Test
  void aStarvedLowPriorityWarmUpGoesOnAtTheNormalPriority() throws InterruptedException {
    assumeTrue(
        BackgroundPriority.wanted() && BackgroundPriority.canLower(), "needs Linux and renice");
    // Every core busy at the normal priority: the warm-up thread at nice 19 gets almost nothing.
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> busy = new ArrayList<>();
    for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
      Thread t =
          new Thread(
              () -> {
                long x = 0;
                while (!stop.get()) {
                  x += System.nanoTime() & 1;
                }
                if (x == 42) {
                  System.out.print("");
                }
              });
      t.setDaemon(true);
      t.start();
      busy.add(t);
    }
    JitWarmup<Object> w =
        new JitWarmup<>("starved", new Object(), new Object(), o -> burn(1_000_000), true, -2);
    try {
      w.get();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!w.warm() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(w.warm(), "warm within 30 s with every core busy");
      assertTrue(JitWarmup.fair(), "it went on at the normal priority");
    } finally {
      stop.set(true);
      for (Thread t : busy) {
        t.join();
      }
      JitWarmup.lowAgain();
    }
  }

  /** Spends about {@code nanos} of this thread's time. */
  private static void burn(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }
}
