package dev.graft.tensor.recurrent;

import static dev.graft.tensor.TestTensors.assertClose;
import static dev.graft.tensor.TestTensors.random;
import static dev.graft.tensor.recurrent.RecurrentTesting.dot;
import static dev.graft.tensor.recurrent.RecurrentTesting.numericGrad;
import static dev.graft.tensor.recurrent.RecurrentTesting.sigmoid;
import static dev.graft.tensor.recurrent.RecurrentTesting.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

class LstmTest {
  /** Double reference: returns {H (N*T*u), hLast, cLast}. Params: x, W, U, b, h0, c0. */
  static double[][] reference(int n, int t, int in, int u, double[][] p, boolean back) {
    double[] x = p[0], w = p[1], uu = p[2], b = p[3], h0 = p[4], c0 = p[5];
    double[] hs = new double[n * t * u];
    double[] hl = new double[n * u];
    double[] cl = new double[n * u];
    for (int r = 0; r < n; r++) {
      double[] h = new double[u];
      double[] c = new double[u];
      for (int j = 0; j < u; j++) {
        h[j] = h0 == null ? 0 : h0[r * u + j];
        c[j] = c0 == null ? 0 : c0[r * u + j];
      }
      for (int s = 0; s < t; s++) {
        int tx = back ? t - 1 - s : s;
        double[] z = new double[4 * u];
        for (int g = 0; g < 4 * u; g++) {
          double v = b[g];
          for (int k = 0; k < in; k++) {
            v += x[(r * t + tx) * in + k] * w[k * 4 * u + g];
          }
          for (int k = 0; k < u; k++) {
            v += h[k] * uu[k * 4 * u + g];
          }
          z[g] = v;
        }
        for (int j = 0; j < u; j++) {
          double i = sigmoid(z[j]), f = sigmoid(z[u + j]), gg = Math.tanh(z[2 * u + j]);
          double o = sigmoid(z[3 * u + j]);
          c[j] = f * c[j] + i * gg;
          h[j] = o * Math.tanh(c[j]);
          hs[(r * t + s) * u + j] = h[j];
        }
      }
      System.arraycopy(h, 0, hl, r * u, u);
      System.arraycopy(c, 0, cl, r * u, u);
    }
    return new double[][] {hs, hl, cl};
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(2, 5, 3, 4, false, false, true),
        Arguments.of(1, 1, 2, 1, false, false, true),
        Arguments.of(3, 1, 4, 2, true, true, true),
        Arguments.of(1, 4, 1, 3, true, false, false),
        Arguments.of(9, 3, 2, 1, false, true, true),
        Arguments.of(10, 4, 3, 5, true, true, false),
        Arguments.of(2, 6, 5, 3, false, true, false),
        Arguments.of(4, 2, 3, 7, true, false, true),
        // Unit counts that fill vectors: the Vector API cell when the JVM has the module.
        Arguments.of(3, 4, 5, 16, false, true, true),
        Arguments.of(2, 3, 4, 32, true, false, false),
        Arguments.of(32, 3, 5, 16, true, true, true), // four-row blocks; gates per worker
        Arguments.of(16, 2, 3, 32, false, false, false));
  }

  @ParameterizedTest(name = "N={0} T={1} in={2} u={3} back={4} state={5} seq={6}")
  @MethodSource("cases")
  void forwardAndBackwardMatchDoubleReference(
      int n, int t, int in, int u, boolean back, boolean withState, boolean seq) {
    long seed = 31L * n + 7L * t + 3L * in + u + (back ? 100 : 0);
    Tensor x = random(seed, n, t, in);
    Tensor w = random(seed + 1, in, 4 * u);
    Tensor uu = random(seed + 2, u, 4 * u);
    Tensor b = random(seed + 3, 4 * u);
    Tensor h0 = withState ? random(seed + 4, n, u) : null;
    Tensor c0 = withState ? random(seed + 5, n, u) : null;
    Tensor rSeq = seq ? random(seed + 6, n, t, u) : null;
    Tensor rH = random(seed + 7, n, u);
    Tensor rC = seq ? random(seed + 8, n, u) : null;
    double[][] p = {
      toDouble(x),
      toDouble(w),
      toDouble(uu),
      toDouble(b),
      withState ? toDouble(h0) : null,
      withState ? toDouble(c0) : null
    };
    double[][] want = reference(n, t, in, u, p, back);

    Tensor ws = Tensor.full(Float.NaN, Lstm.workspaceSize(n, t, u) + 3);
    Tensor hs = Tensor.zeros(n, t, u);
    Tensor hl = Tensor.zeros(n, u);
    Tensor cl = Tensor.zeros(n, u);
    Lstm.forward(x, w, uu, b, h0, c0, back, hs, hl, cl, ws);
    assertClose(want[0], hs, 1e-4, 1e-5, "hSeq");
    assertClose(want[1], hl, 1e-4, 1e-5, "hLast");
    assertClose(want[2], cl, 1e-4, 1e-5, "cLast");

    // Inference: the same outputs from the unit-major kernel, with a bias and without.
    Tensor ihs = Tensor.full(Float.NaN, n, t, u);
    Tensor ihl = Tensor.full(Float.NaN, n, u);
    Tensor icl = Tensor.full(Float.NaN, n, u);
    Lstm.infer(x, w, uu, b, h0, c0, back, ihs, ihl, icl);
    assertClose(want[0], ihs, 1e-4, 1e-5, "infer hSeq");
    assertClose(want[1], ihl, 1e-4, 1e-5, "infer hLast");
    assertClose(want[2], icl, 1e-4, 1e-5, "infer cLast");
    Tensor plain = Tensor.zeros(n, t, u);
    Lstm.forward(x, w, uu, Tensor.zeros(4 * u), h0, c0, back, plain, null, null, ws);
    Tensor noBias =
        Lstm.infer(x, w, uu, null, h0, c0, back, Tensor.full(Float.NaN, n, t, u), null, null);
    assertClose(plain, noBias, 1e-4, 1e-5, "infer without a bias");
    Lstm.forward(x, w, uu, b, h0, c0, back, hs, hl, cl, ws);

    Tensor dx = Tensor.full(Float.NaN, n, t, in);
    Tensor dw = Tensor.full(Float.NaN, in, 4 * u);
    Tensor du = Tensor.full(Float.NaN, u, 4 * u);
    Tensor db = Tensor.full(Float.NaN, 4 * u);
    Tensor dh0 = withState ? Tensor.zeros(n, u) : null;
    Tensor dc0 = withState ? Tensor.zeros(n, u) : null;
    Lstm.backward(x, w, uu, h0, c0, back, hs, ws, rSeq, rH, rC, dx, dw, du, db, dh0, dc0);

    double[] rs = seq ? toDouble(rSeq) : null;
    double[] rh = toDouble(rH);
    double[] rc = seq ? toDouble(rC) : null;
    RecurrentTesting.Objective f =
        q -> {
          double[][] o = reference(n, t, in, u, q, back);
          return dot(o[0], rs) + dot(o[1], rh) + dot(o[2], rc);
        };
    Tensor[] got = {dx, dw, du, db, dh0, dc0};
    String[] names = {"dx", "dKernel", "dRecurrentKernel", "dBias", "dh0", "dc0"};
    for (int k = 0; k < got.length; k++) {
      if (got[k] != null) {
        assertClose(numericGrad(f, p, k), got[k], 1e-3, 1e-4, names[k]);
      }
    }
  }

  @Test
  void floatFiniteDifferencesAgreeWithBackward() {
    int n = 3, t = 4, in = 2, u = 3;
    Tensor x = random(1, n, t, in);
    Tensor w = random(2, in, 4 * u);
    Tensor uu = random(3, u, 4 * u);
    Tensor b = random(4, 4 * u);
    Tensor r = random(5, n, t, u);
    Tensor ws = Tensor.zeros(Lstm.workspaceSize(n, t, u));
    Tensor hs = Tensor.zeros(n, t, u);
    Lstm.forward(x, w, uu, b, null, null, false, hs, null, null, ws);
    Tensor dx = Tensor.zeros(n, t, in);
    Tensor dw = Tensor.zeros(in, 4 * u);
    Tensor du = Tensor.zeros(u, 4 * u);
    Tensor db = Tensor.zeros(4 * u);
    Lstm.backward(x, w, uu, null, null, false, hs, ws, r, null, null, dx, dw, du, db, null, null);
    float step = 1e-2f;
    for (int i = 0; i < uu.size(); i++) {
      float keep = uu.getFlat(i);
      uu.setFlat(i, keep + step);
      double up = dot(toDouble(Lstm.forward(x, w, uu, b)), toDouble(r));
      uu.setFlat(i, keep - step);
      double down = dot(toDouble(Lstm.forward(x, w, uu, b)), toDouble(r));
      uu.setFlat(i, keep);
      double fd = (up - down) / (2 * step);
      assertTrue(
          Math.abs(fd - du.getFlat(i)) <= 1e-2 + 1e-2 * Math.abs(fd),
          "dU[" + i + "]: finite difference " + fd + ", backward " + du.getFlat(i));
    }
  }

  @Test
  void stepMatchesOneStepOfTheReferenceAndMayUpdateInPlace() {
    int n = 3, in = 4, u = 5;
    Tensor x = random(11, n, in);
    Tensor w = random(12, in, 4 * u);
    Tensor uu = random(13, u, 4 * u);
    Tensor b = random(14, 4 * u);
    Tensor h = random(15, n, u);
    Tensor c = random(16, n, u);
    double[][] want =
        reference(
            n,
            1,
            in,
            u,
            new double[][] {
              toDouble(x), toDouble(w), toDouble(uu), toDouble(b), toDouble(h), toDouble(c)
            },
            false);
    Tensor out = Lstm.step(x, h, c, w, uu, b);
    assertClose(want[1], out.slice(0, 1).reshape(n, u), 1e-4, 1e-5, "step h");
    assertClose(want[2], out.slice(1, 2).reshape(n, u), 1e-4, 1e-5, "step c");
    Lstm.step(x, h, c, w, uu, b, h, c, Tensor.zeros(Lstm.workspaceSize(n, 1, u)));
    assertClose(want[1], h, 1e-4, 1e-5, "in-place h");
    assertClose(want[2], c, 1e-4, 1e-5, "in-place c");
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
    Tensor ws = Tensor.zeros(Lstm.workspaceSize(n, t, u));
    Tensor hs = Tensor.zeros(n, t, u);
    Tensor hl = Tensor.zeros(n, u);
    Lstm.forward(x, w, uu, b, null, null, false, hs, hl, null, ws);
    double[] out = RecurrentTesting.data(ref.get("output"));
    assertClose(out, seq ? hs : hl, 1e-4, 1e-5, name + " output");
    Tensor dx = Tensor.zeros(n, t, in);
    Tensor dw = Tensor.zeros(in, 4 * u);
    Tensor du = Tensor.zeros(u, 4 * u);
    Tensor db = Tensor.zeros(4 * u);
    Lstm.backward(
        x,
        w,
        uu,
        null,
        null,
        false,
        hs,
        ws,
        seq ? r : null,
        seq ? null : r,
        null,
        dx,
        dw,
        du,
        db,
        null,
        null);
    RecurrentTesting.assertReferenceGradients(ref, name, dx, dw, du, db);
  }

  static Stream<String> referenceNames() {
    return Stream.of("lstm_last", "lstm_seq");
  }

  @Test
  void wrongShapesNameTheOpAndBothShapes() {
    Tensor x = Tensor.zeros(2, 3, 4);
    Tensor uu = Tensor.zeros(5, 20);
    Tensor ws = Tensor.zeros(Lstm.workspaceSize(2, 3, 5));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Lstm.forward(
                    x,
                    Tensor.zeros(3, 20),
                    uu,
                    Tensor.zeros(20),
                    null,
                    null,
                    false,
                    Tensor.zeros(2, 3, 5),
                    null,
                    null,
                    ws));
    assertTrue(e.getMessage().contains("lstm forward"), e.getMessage());
    assertTrue(
        e.getMessage().contains("(3, 20)") && e.getMessage().contains("(4, 20)"), e.getMessage());
    assertTrue(e.getMessage().contains("(2, 3, 4)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Lstm.forward(
                    x,
                    Tensor.zeros(4, 20),
                    uu,
                    Tensor.zeros(20),
                    null,
                    null,
                    false,
                    Tensor.zeros(2, 3, 5),
                    null,
                    null,
                    Tensor.zeros(10)));
    assertTrue(e.getMessage().contains("workspace"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Lstm.infer(
                    x,
                    Tensor.zeros(4, 20),
                    uu,
                    Tensor.zeros(20),
                    null,
                    Tensor.zeros(3, 5),
                    false,
                    Tensor.zeros(2, 3, 5),
                    null,
                    null));
    assertTrue(e.getMessage().startsWith("lstm infer: c0"), e.getMessage());
    assertTrue(
        e.getMessage().contains("(3, 5)") && e.getMessage().contains("(2, 5)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Lstm.forward(Tensor.zeros(2, 4), Tensor.zeros(4, 20), uu, Tensor.zeros(20)));
    assertTrue(e.getMessage().contains("(2, 4)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Lstm.forward(x, Tensor.zeros(4, 20), Tensor.zeros(5, 16), Tensor.zeros(20)));
    assertTrue(e.getMessage().contains("(5, 16)"), e.getMessage());
  }

  @Test
  void vectorCellLoadsWhenTheModuleIsPresent() {
    // Builds here run with --add-modules jdk.incubator.vector (but for the blas-java test run): the
    // u = 16 and 32 cases above must then have run the Vector API cell, not silently the loops.
    boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    assertEquals(module, RecurrentVector.present());
    boolean off = "false".equalsIgnoreCase(System.getProperty("graft.vector"));
    assertEquals(module && !off, RecurrentVector.suits(128));
  }
}
