package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.tensor.ConvGeometry.Padding;
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
  private static ConvRowKernels vectorConv() {
    ConvRowKernels k = VectorSupport.load("VectorConv", ConvRowKernels.class);
    assumeTrue(k != null, "needs --add-modules jdk.incubator.vector");
    return k;
  }

  private static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  private static void assertBits(float[] expected, float[] actual, String what) {
    int[] e = new int[expected.length];
    int[] a = new int[actual.length];
    for (int i = 0; i < e.length; i++) {
      e[i] = Float.floatToRawIntBits(expected[i]);
      a[i] = Float.floatToRawIntBits(actual[i]);
    }
    assertArrayEquals(e, a, what);
  }

  @Test
  void convolutionTwinGivesTheVectorKernelsBits() {
    ConvRowKernels vector = vectorConv();
    ConvRowKernels twin = new ScalarConv(vector.channelBlock());
    Random r = new Random(11);
    for (int trial = 0; trial < 60; trial++) {
      int cin = 1 + r.nextInt(5);
      int kh = 1 + r.nextInt(3);
      int kw = 1 + r.nextInt(3);
      int sh = 1 + r.nextInt(2);
      int sw = 1 + r.nextInt(2);
      int dh = 1 + r.nextInt(2);
      int dw = 1 + r.nextInt(2);
      Padding p = r.nextBoolean() ? Padding.SAME : Padding.VALID;
      int h = dh * (kh - 1) + 1 + r.nextInt(6);
      int w = dw * (kw - 1) + 1 + r.nextInt(6);
      ConvGeometry g = ConvGeometry.of(h, w, cin, kh, kw, sh, sw, dh, dw, p);
      int cout = vector.channelBlock() * (1 + r.nextInt(2));
      int n = 2;
      int k = kh * kw * cin;
      float[] x = random(r, n * h * w * cin);
      float[] kernel = random(r, k * cout);
      float[] bias = r.nextBoolean() ? random(r, cout) : null;
      int rows = g.outH();
      int size = rows * g.outW() * cout;
      float[] a = new float[size];
      float[] b = new float[size];
      vector.forwardRows(x, 0, g, kernel, 0, bias, 0, cout, 1, 0, rows, a, 0);
      twin.forwardRows(x, 0, g, kernel, 0, bias, 0, cout, 1, 0, rows, b, 0);
      assertBits(a, b, "forward " + g + " cout " + cout);
      float[] dy = random(r, size);
      float[] da = random(r, (k + 1) * cout);
      float[] db = da.clone();
      boolean withBias = r.nextBoolean();
      vector.kernelRows(x, 0, g, dy, 0, cout, 1, 0, rows, da, 0, withBias);
      twin.kernelRows(x, 0, g, dy, 0, cout, 1, 0, rows, db, 0, withBias);
      assertBits(da, db, "kernel gradient " + g + " cout " + cout);
    }
  }

  @Test
  void poolingTwinGivesTheVectorKernelsBitsAndTaps() {
    ConvRowKernels vector = vectorConv();
    ConvRowKernels twin = new ScalarConv(vector.channelBlock());
    Random r = new Random(12);
    int c = vector.channelBlock();
    for (int convW = 3; convW <= 6; convW++) {
      int rows = 3;
      float[] block = random(r, rows * 2 * convW * c);
      // Ties, signed zeros, infinities and NaN: the tap rule must agree on all of them.
      float[] specials = {0f, -0f, 1f, 1f, Float.NEGATIVE_INFINITY, Float.NaN, -0f, 0f};
      for (int i = 0; i < block.length; i += 3) {
        block[i] = specials[(i / 3) % specials.length];
      }
      int pooled = rows * (convW / 2) * c;
      float[] outA = new float[pooled];
      float[] outB = new float[pooled];
      float[] tapsA = new float[pooled];
      float[] tapsB = new float[pooled];
      vector.maxTiles2x2(block, rows, convW, c, outA, 0, tapsA, 0);
      twin.maxTiles2x2(block, rows, convW, c, outB, 0, tapsB, 0);
      assertBits(outA, outB, "max pooling width " + convW);
      assertBits(tapsA, tapsB, "max pooling taps width " + convW);
      float[] dOut = random(r, pooled);
      float[] backA = random(r, block.length);
      float[] backB = backA.clone();
      vector.scatterTiles2x2(dOut, 0, tapsA, 0, rows, convW, c, backA);
      twin.scatterTiles2x2(dOut, 0, tapsA, 0, rows, convW, c, backB);
      assertBits(backA, backB, "pooling gradient width " + convW);
    }
  }

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
  void dotsTwinGivesTheVectorKernelsBits() {
    ProductKernels vector = VectorSupport.load("VectorProducts", ProductKernels.class);
    assumeTrue(vector != null, "needs --add-modules jdk.incubator.vector");
    ProductKernels twin = new DotsTwin(vector);
    Random r = new Random(14);
    for (int trial = 0; trial < 40; trial++) {
      int m = 1 + r.nextInt(5);
      int k = 1 + r.nextInt(9 * vector.lanes());
      float[] a = random(r, m * k);
      float[] v = random(r, k);
      float beta = r.nextBoolean() ? 0f : 0.5f;
      float[] c = random(r, m);
      float[] c2 = c.clone();
      vector.dots(m, k, a, 0, k, v, 0, beta, c, 0, 1);
      twin.dots(m, k, a, 0, k, v, 0, beta, c2, 0, 1);
      assertBits(c, c2, "dots " + m + "x" + k + " beta " + beta);
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
