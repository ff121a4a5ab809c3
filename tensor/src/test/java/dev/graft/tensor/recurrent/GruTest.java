package dev.graft.tensor.recurrent;

import static dev.graft.tensor.TestTensors.assertClose;
import static dev.graft.tensor.TestTensors.random;
import static dev.graft.tensor.recurrent.RecurrentTesting.dot;
import static dev.graft.tensor.recurrent.RecurrentTesting.numericGrad;
import static dev.graft.tensor.recurrent.RecurrentTesting.sigmoid;
import static dev.graft.tensor.recurrent.RecurrentTesting.toDouble;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GruTest {
  /** Double reference: returns {H (N*T*u), hLast}. Params: x, W, U, b, h0. */
  static double[][] reference(
      int n, int t, int in, int u, double[][] p, boolean resetAfter, boolean back) {
    double[] x = p[0], w = p[1], uu = p[2], b = p[3], h0 = p[4];
    int g = 3 * u;
    double[] hs = new double[n * t * u];
    double[] hl = new double[n * u];
    for (int r = 0; r < n; r++) {
      double[] h = new double[u];
      for (int j = 0; j < u; j++) {
        h[j] = h0 == null ? 0 : h0[r * u + j];
      }
      for (int s = 0; s < t; s++) {
        int tx = back ? t - 1 - s : s;
        double[] xz = new double[g];
        double[] hz = new double[g];
        for (int c = 0; c < g; c++) {
          xz[c] = b[c];
          for (int k = 0; k < in; k++) {
            xz[c] += x[(r * t + tx) * in + k] * w[k * g + c];
          }
          hz[c] = resetAfter ? b[g + c] : 0;
          for (int k = 0; k < u; k++) {
            hz[c] += h[k] * uu[k * g + c];
          }
        }
        double[] next = new double[u];
        double[] rv = new double[u];
        for (int j = 0; j < u; j++) {
          rv[j] = sigmoid(xz[u + j] + hz[u + j]);
        }
        for (int j = 0; j < u; j++) {
          double z = sigmoid(xz[j] + hz[j]);
          double pre;
          if (resetAfter) {
            pre = xz[2 * u + j] + rv[j] * hz[2 * u + j];
          } else {
            pre = xz[2 * u + j];
            for (int k = 0; k < u; k++) {
              pre += rv[k] * h[k] * uu[k * g + 2 * u + j];
            }
          }
          next[j] = z * h[j] + (1 - z) * Math.tanh(pre);
        }
        h = next;
        System.arraycopy(h, 0, hs, (r * t + s) * u, u);
      }
      System.arraycopy(h, 0, hl, r * u, u);
    }
    return new double[][] {hs, hl};
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(2, 5, 3, 4, true, false, false, true),
        Arguments.of(2, 5, 3, 4, false, false, false, true),
        Arguments.of(1, 1, 2, 1, true, false, false, true),
        Arguments.of(1, 1, 2, 1, false, false, true, false),
        Arguments.of(3, 1, 4, 2, false, true, true, true),
        Arguments.of(1, 4, 1, 3, true, true, false, false),
        Arguments.of(9, 3, 2, 1, true, false, true, true),
        Arguments.of(10, 4, 3, 5, false, true, true, false),
        Arguments.of(10, 4, 3, 5, true, true, true, false),
        Arguments.of(4, 6, 5, 3, false, false, true, true),
        // Unit counts whose step products fill vectors: the Vector API products when present.
        Arguments.of(5, 3, 4, 16, true, false, true, true),
        Arguments.of(6, 2, 3, 32, false, true, false, false));
  }

  @ParameterizedTest(name = "N={0} T={1} in={2} u={3} resetAfter={4} back={5} state={6} seq={7}")
  @MethodSource("cases")
  void forwardAndBackwardMatchDoubleReference(
      int n, int t, int in, int u, boolean ra, boolean back, boolean withState, boolean seq) {
    long seed = 37L * n + 11L * t + 5L * in + u + (back ? 100 : 0) + (ra ? 1000 : 0);
    int g = 3 * u;
    Tensor x = random(seed, n, t, in);
    Tensor w = random(seed + 1, in, g);
    Tensor uu = random(seed + 2, u, g);
    Tensor b = ra ? random(seed + 3, 2, g) : random(seed + 3, g);
    Tensor h0 = withState ? random(seed + 4, n, u) : null;
    Tensor rSeq = seq ? random(seed + 6, n, t, u) : null;
    Tensor rH = random(seed + 7, n, u);
    double[][] p = {
      toDouble(x), toDouble(w), toDouble(uu), toDouble(b), withState ? toDouble(h0) : null
    };
    double[][] want = reference(n, t, in, u, p, ra, back);

    Tensor ws = Tensor.full(Float.NaN, Gru.workspaceSize(n, t, u));
    Tensor hs = Tensor.zeros(n, t, u);
    Tensor hl = Tensor.zeros(n, u);
    Gru.forward(x, w, uu, b, ra, h0, back, hs, hl, ws);
    assertClose(want[0], hs, 1e-4, 1e-5, "hSeq");
    assertClose(want[1], hl, 1e-4, 1e-5, "hLast");

    Tensor dx = Tensor.full(Float.NaN, n, t, in);
    Tensor dw = Tensor.full(Float.NaN, in, g);
    Tensor du = Tensor.full(Float.NaN, u, g);
    Tensor db = Tensor.full(Float.NaN, b.shape().toArray());
    Tensor dh0 = withState ? Tensor.zeros(n, u) : null;
    Gru.backward(x, w, uu, ra, h0, back, hs, ws, rSeq, rH, dx, dw, du, db, dh0);

    double[] rs = seq ? toDouble(rSeq) : null;
    double[] rh = toDouble(rH);
    RecurrentTesting.Objective f =
        q -> {
          double[][] o = reference(n, t, in, u, q, ra, back);
          return dot(o[0], rs) + dot(o[1], rh);
        };
    Tensor[] got = {dx, dw, du, db, dh0};
    String[] names = {"dx", "dKernel", "dRecurrentKernel", "dBias", "dh0"};
    for (int k = 0; k < got.length; k++) {
      if (got[k] != null) {
        assertClose(numericGrad(f, p, k), got[k], 1e-3, 1e-4, names[k]);
      }
    }
  }

  @Test
  void floatFiniteDifferencesAgreeWithBackward() {
    for (boolean ra : new boolean[] {true, false}) {
      int n = 3, t = 4, in = 2, u = 3;
      Tensor x = random(1, n, t, in);
      Tensor w = random(2, in, 3 * u);
      Tensor uu = random(3, u, 3 * u);
      Tensor b = ra ? random(4, 2, 3 * u) : random(4, 3 * u);
      Tensor r = random(5, n, t, u);
      Tensor ws = Tensor.zeros(Gru.workspaceSize(n, t, u));
      Tensor hs = Tensor.zeros(n, t, u);
      Gru.forward(x, w, uu, b, ra, null, false, hs, null, ws);
      Tensor du = Tensor.zeros(u, 3 * u);
      Gru.backward(
          x,
          w,
          uu,
          ra,
          null,
          false,
          hs,
          ws,
          r,
          null,
          Tensor.zeros(n, t, in),
          Tensor.zeros(in, 3 * u),
          du,
          Tensor.zeros(b.shape()),
          null);
      float step = 1e-2f;
      for (int i = 0; i < uu.size(); i++) {
        float keep = uu.getFlat(i);
        uu.setFlat(i, keep + step);
        double up = dot(toDouble(Gru.forward(x, w, uu, b, ra)), toDouble(r));
        uu.setFlat(i, keep - step);
        double down = dot(toDouble(Gru.forward(x, w, uu, b, ra)), toDouble(r));
        uu.setFlat(i, keep);
        double fd = (up - down) / (2 * step);
        assertTrue(
            Math.abs(fd - du.getFlat(i)) <= 1e-2 + 1e-2 * Math.abs(fd),
            "resetAfter="
                + ra
                + " dU["
                + i
                + "]: finite difference "
                + fd
                + ", backward "
                + du.getFlat(i));
      }
    }
  }

  @Test
  void stepMatchesOneStepOfTheReferenceAndMayUpdateInPlace() {
    for (boolean ra : new boolean[] {true, false}) {
      int n = 5, in = 4, u = 3;
      Tensor x = random(21, n, in);
      Tensor w = random(22, in, 3 * u);
      Tensor uu = random(23, u, 3 * u);
      Tensor b = ra ? random(24, 2, 3 * u) : random(24, 3 * u);
      Tensor h = random(25, n, u);
      double[][] want =
          reference(
              n,
              1,
              in,
              u,
              new double[][] {toDouble(x), toDouble(w), toDouble(uu), toDouble(b), toDouble(h)},
              ra,
              false);
      Tensor ws = Tensor.zeros(Gru.workspaceSize(n, 1, u));
      Tensor out = Gru.step(x, h, w, uu, b, ra, Tensor.zeros(n, u), ws);
      assertClose(want[1], out, 1e-4, 1e-5, "step h");
      Gru.step(x, h, w, uu, b, ra, h, ws);
      assertClose(want[1], h, 1e-4, 1e-5, "in-place h");
    }
  }

  @ParameterizedTest
  @MethodSource("referenceNames")
  void matchesTensorFlowJsReference(String name) throws IOException {
    Map<String, Object> ref = RecurrentTesting.referenceCase(name);
    Tensor x = RecurrentTesting.tensor(RecurrentTesting.at(ref.get("inputs"), 0));
    Object weights = ref.get("weights");
    Tensor w = RecurrentTesting.tensor(RecurrentTesting.at(weights, 0));
    Tensor uu = RecurrentTesting.tensor(RecurrentTesting.at(weights, 1));
    Tensor b = RecurrentTesting.tensor(RecurrentTesting.at(weights, 2));
    Tensor r = RecurrentTesting.tensor(ref.get("R"));
    boolean seq = name.endsWith("seq");
    int n = x.shape().dim(0), t = x.shape().dim(1), in = x.shape().dim(2), u = uu.shape().dim(0);
    Tensor ws = Tensor.zeros(Gru.workspaceSize(n, t, u));
    Tensor hs = Tensor.zeros(n, t, u);
    Tensor hl = Tensor.zeros(n, u);
    Gru.forward(x, w, uu, b, false, null, false, hs, hl, ws);
    assertClose(RecurrentTesting.data(ref.get("output")), seq ? hs : hl, 1e-4, 1e-5, name);
    Tensor dx = Tensor.zeros(n, t, in);
    Tensor dw = Tensor.zeros(in, 3 * u);
    Tensor du = Tensor.zeros(u, 3 * u);
    Tensor db = Tensor.zeros(3 * u);
    Gru.backward(
        x, w, uu, false, null, false, hs, ws, seq ? r : null, seq ? null : r, dx, dw, du, db, null);
    RecurrentTesting.assertReferenceGradients(ref, name, dx, dw, du, db);
  }

  static Stream<String> referenceNames() {
    return Stream.of("gru_last", "gru_seq");
  }

  @Test
  void wrongShapesNameTheOpAndBothShapes() {
    Tensor x = Tensor.zeros(2, 3, 4);
    Tensor uu = Tensor.zeros(5, 15);
    Tensor ws = Tensor.zeros(Gru.workspaceSize(2, 3, 5));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Gru.forward(
                    x,
                    Tensor.zeros(4, 15),
                    uu,
                    Tensor.zeros(15),
                    true,
                    null,
                    false,
                    Tensor.zeros(2, 3, 5),
                    null,
                    ws));
    assertTrue(
        e.getMessage().contains("gru forward")
            && e.getMessage().contains("(15,)")
            && e.getMessage().contains("(2, 15)"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Gru.forward(
                    x,
                    Tensor.zeros(4, 15),
                    uu,
                    Tensor.zeros(2, 15),
                    true,
                    Tensor.zeros(3, 5),
                    false,
                    Tensor.zeros(2, 3, 5),
                    null,
                    ws));
    assertTrue(
        e.getMessage().contains("h0")
            && e.getMessage().contains("(3, 5)")
            && e.getMessage().contains("(2, 5)"),
        e.getMessage());
  }
}
