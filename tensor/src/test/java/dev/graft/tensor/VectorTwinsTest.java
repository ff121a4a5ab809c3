package dev.graft.tensor;

import static dev.graft.tensor.TestTensors.assertBits;
import static dev.graft.tensor.TestTensors.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.tensor.support.JitWarmup;
import dev.graft.tensor.support.VectorSupport;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The plain-Java twins that run while the JIT compiles the Vector API kernels ({@link JitWarmup})
 * give the vector kernels' floats bit for bit, so switching between them changes nothing a user can
 * see.
 */
class VectorTwinsTest {
  @Test
  void lstmCellTwinGivesTheVectorKernelsBits() {
    RecurrentKernels vector = VectorSupport.load("VectorRecurrent", RecurrentKernels.class);
    assumeTrue(vector != null, "needs --add-modules jdk.incubator.vector");
    RecurrentKernels twin = new ScalarRecurrent(vector.lanes());
    Random r = new Random(13);
    for (int trial = 0; trial < 20; trial++) {
      int u = vector.lanes() * (1 + r.nextInt(3));
      float[] z = random(r, 4 * u);
      for (int i = 0; i < z.length; i += 7) {
        z[i] *= 8; // beyond the clamp of the activations
      }
      float[] cp = trial % 2 == 0 ? null : random(r, u);
      float[][] a = {z.clone(), new float[u], new float[u], new float[u]};
      float[][] b = {z.clone(), new float[u], new float[u], new float[u]};
      vector.forward(a[0], 0, cp, 0, a[1], 0, a[2], 0, a[3], 0, u);
      twin.forward(b[0], 0, cp, 0, b[1], 0, b[2], 0, b[3], 0, u);
      for (int i = 0; i < 4; i++) {
        assertBits(a[i], b[i], "cell forward part " + i + ", " + u + " units");
      }
      // ws: dh, tanh(c), dc, then the activated gates.
      float[] ws = new float[7 * u];
      System.arraycopy(random(r, u), 0, ws, 0, u);
      System.arraycopy(a[2], 0, ws, u, u);
      System.arraycopy(random(r, u), 0, ws, 2 * u, u);
      System.arraycopy(a[0], 0, ws, 3 * u, 4 * u);
      float[] dH = trial % 3 == 0 ? null : random(r, u);
      float[] wa = ws.clone();
      float[] wb = ws.clone();
      vector.backward(wa, 3 * u, u, cp, 0, 0, 2 * u, dH, 0, u);
      twin.backward(wb, 3 * u, u, cp, 0, 0, 2 * u, dH, 0, u);
      assertBits(wa, wb, "cell backward, " + u + " units");
    }
  }

  @Test
  void warmupHandsOutTheTwinThenSwitchesToTheVectorKernels() throws InterruptedException {
    Object vector = new Object();
    Object twin = new Object();
    AtomicInteger runs = new AtomicInteger();
    JitWarmup<Object> w = new JitWarmup<>("test", vector, twin, o -> runs.incrementAndGet(), true);
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
  void warmupOffHandsOutTheVectorKernelsFromTheFirstCall() {
    Object vector = new Object();
    JitWarmup<Object> w = new JitWarmup<>("test", vector, new Object(), o -> {}, false);
    assertSame(vector, w.get());
    assertEquals(true, w.warm());
  }
}
