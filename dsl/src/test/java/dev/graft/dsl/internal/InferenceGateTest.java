package dev.graft.dsl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InferenceGateTest {
  @Test
  void limitIsOnePerCoreUnlessThePropertySaysOtherwise() {
    assertEquals(6, InferenceGate.limit(null, 6));
    assertEquals(6, InferenceGate.limit(" ", 6));
    assertEquals(3, InferenceGate.limit(" 3 ", 6));
    assertEquals(0, InferenceGate.limit("0", 6));
    for (String bad : new String[] {"-1", "two", "1.5"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> InferenceGate.limit(bad, 6));
      assertTrue(e.getMessage().contains("graft.concurrentPredictions"), e.getMessage());
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
  }

  @Test
  void noMoreRunsAtOnceThanTheLimit() throws Exception {
    int limit = InferenceGate.limit();
    assumeTrue(limit > 0, "-Dgraft.concurrentPredictions=0: no limit");
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < limit + 6; t++) {
      Thread c =
          new Thread(
              () -> {
                for (int i = 0; i < 200; i++) {
                  boolean took = InferenceGate.enter();
                  try {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    long until = System.nanoTime() + 20_000;
                    while (System.nanoTime() < until) {
                      Thread.onSpinWait();
                    }
                    running.decrementAndGet();
                  } finally {
                    InferenceGate.leave(took);
                  }
                }
              });
      callers.add(c);
      c.start();
    }
    for (Thread c : callers) {
      c.join();
    }
    assertTrue(most.get() >= 1 && most.get() <= limit, "at most " + limit + ": " + most.get());
  }

  @Test
  void aNestedRunUsesTheTurnItsThreadHolds() {
    assumeTrue(InferenceGate.limit() > 0, "-Dgraft.concurrentPredictions=0: no limit");
    boolean outer = InferenceGate.enter();
    try {
      assertTrue(outer, "the outer run takes a turn");
      boolean inner = InferenceGate.enter();
      assertFalse(inner, "the nested run takes none");
      InferenceGate.leave(inner);
    } finally {
      InferenceGate.leave(outer);
    }
  }
}
