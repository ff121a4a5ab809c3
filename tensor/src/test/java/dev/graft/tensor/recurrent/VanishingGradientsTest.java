package dev.graft.tensor.recurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A gradient that vanishes through a long sequence becomes zero, never a subnormal float: with
 * weights in ±0.05 the running gradients shrink by about a third a step, so over 300 steps the
 * first ones fall below {@link RecurrentKernels#FLUSH_BELOW}. Unit counts 3 (the plain loops) and
 * 16 (the Vector API cell and its twin, when the module is present).
 */
class VanishingGradientsTest {
  private static final int N = 4;
  private static final int T = 300;
  private static final int IN = 5;

  @ParameterizedTest(name = "{0} units")
  @ValueSource(ints = {3, 16})
  void lstmGradientsVanishToZeroNotToSubnormals(int u) {
    Rng rng = new Rng(u);
    Tensor x = Tensor.uniform(rng, -1f, 1f, N, T, IN);
    Tensor w = Tensor.uniform(rng, -0.05f, 0.05f, IN, 4 * u);
    Tensor uu = Tensor.uniform(rng, -0.05f, 0.05f, u, 4 * u);
    Tensor b = Tensor.uniform(rng, -0.05f, 0.05f, 4 * u);
    Tensor ws = Tensor.zeros(Lstm.workspaceSize(N, T, u));
    Tensor hs = Tensor.zeros(N, T, u);
    Lstm.forward(x, w, uu, b, null, null, false, hs, null, null, ws);
    Tensor dx = Tensor.zeros(N, T, IN);
    Tensor dw = Tensor.zeros(IN, 4 * u);
    Tensor du = Tensor.zeros(u, 4 * u);
    Tensor db = Tensor.zeros(4 * u);
    Tensor dhLast = Tensor.uniform(rng, -1f, 1f, N, u);
    Lstm.backward(
        x, w, uu, null, null, false, hs, ws, null, dhLast, null, dx, dw, du, db, null, null);
    assertVanishedToZero(dx, "lstm dx");
    for (Tensor g : new Tensor[] {dw, du, db}) {
      assertEquals(0, subnormals(g, 0, g.size()), "lstm weight gradients hold subnormals");
    }
  }

  @ParameterizedTest(name = "{0} units")
  @ValueSource(ints = {3, 16})
  void gruGradientsVanishToZeroNotToSubnormals(int u) {
    for (boolean resetAfter : new boolean[] {true, false}) {
      Rng rng = new Rng(u + (resetAfter ? 100 : 0));
      Tensor x = Tensor.uniform(rng, -1f, 1f, N, T, IN);
      Tensor w = Tensor.uniform(rng, -0.05f, 0.05f, IN, 3 * u);
      Tensor uu = Tensor.uniform(rng, -0.05f, 0.05f, u, 3 * u);
      Tensor b =
          resetAfter
              ? Tensor.uniform(rng, -0.05f, 0.05f, 2, 3 * u)
              : Tensor.uniform(rng, -0.05f, 0.05f, 3 * u);
      Tensor ws = Tensor.zeros(Gru.workspaceSize(N, T, u));
      Tensor hs = Tensor.zeros(N, T, u);
      Gru.forward(x, w, uu, b, resetAfter, null, false, hs, null, ws);
      Tensor dx = Tensor.zeros(N, T, IN);
      Tensor dw = Tensor.zeros(IN, 3 * u);
      Tensor du = Tensor.zeros(u, 3 * u);
      Tensor db = Tensor.zeros(b.shape().toArray());
      Tensor dhLast = Tensor.uniform(rng, -1f, 1f, N, u);
      Gru.backward(x, w, uu, resetAfter, null, false, hs, ws, null, dhLast, dx, dw, du, db, null);
      assertVanishedToZero(dx, "gru dx, resetAfter " + resetAfter);
      for (Tensor g : new Tensor[] {dw, du, db}) {
        assertEquals(0, subnormals(g, 0, g.size()), "gru weight gradients hold subnormals");
      }
    }
  }

  /** No subnormal anywhere; the first step's gradient is exactly zero, the last step's is not. */
  private static void assertVanishedToZero(Tensor dx, String what) {
    assertEquals(0, subnormals(dx, 0, dx.size()), what + ": subnormal input gradients");
    double first = 0;
    double last = 0;
    for (int r = 0; r < N; r++) {
      for (int k = 0; k < IN; k++) {
        first += Math.abs(dx.getFlat((r * T) * IN + k));
        last += Math.abs(dx.getFlat((r * T + T - 1) * IN + k));
      }
    }
    assertEquals(0.0, first, what + ": the first step's gradient did not vanish");
    assertTrue(last > 1e-6, what + ": the last step's gradient is " + last);
  }

  private static int subnormals(Tensor t, int from, int to) {
    int count = 0;
    for (int i = from; i < to; i++) {
      float v = t.getFlat(i);
      if (v != 0f && Math.abs(v) < Float.MIN_NORMAL) {
        count++;
      }
    }
    return count;
  }
}
