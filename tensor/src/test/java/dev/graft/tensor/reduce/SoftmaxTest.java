package dev.graft.tensor.reduce;

import static dev.graft.tensor.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import dev.graft.tensor.elementwise.Unary;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
  /** Naive softmax (or log-softmax) along {@code axis}, in double, lane by lane. */
  private static double[] naive(Tensor x, int axis, boolean log) {
    Shape s = x.shape();
    int a = s.normalizeAxis(axis);
    int n = s.dim(a);
    int inner = s.sizeFrom(a + 1);
    double[] r = new double[x.size()];
    for (int p = 0; p < s.sizeTo(a); p++) {
      for (int j = 0; j < inner; j++) {
        int base = p * n * inner + j;
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
          m = Math.max(m, x.getFlat(base + k * inner));
        }
        double sum = 0;
        for (int k = 0; k < n; k++) {
          sum += Math.exp(x.getFlat(base + k * inner) - m);
        }
        for (int k = 0; k < n; k++) {
          double v = x.getFlat(base + k * inner) - m;
          r[base + k * inner] = log ? v - Math.log(sum) : Math.exp(v) / sum;
        }
      }
    }
    return r;
  }

  @Test
  void everyAxisMatchesReference() {
    Tensor x = Tensor.uniform(new Rng(3), -4f, 4f, 3, 4, 5);
    for (int axis = -3; axis < 3; axis++) {
      assertClose(naive(x, axis, false), Softmax.softmax(x, axis), 1e-5, 1e-7, "softmax " + axis);
      assertClose(naive(x, axis, true), Softmax.logSoftmax(x, axis), 1e-5, 1e-5, "log " + axis);
    }
    assertClose(naive(x, -1, false), Softmax.softmax(x), 1e-5, 1e-7, "softmax default axis");
    assertClose(naive(x, -1, true), Softmax.logSoftmax(x), 1e-5, 1e-5, "logSoftmax default");
  }

  @Test
  void largeTensorsSplitOverThreadsStillMatch() {
    Tensor x = Tensor.uniform(new Rng(9), -6f, 6f, 40, 1000);
    assertClose(naive(x, 1, false), Softmax.softmax(x, 1), 1e-5, 1e-8, "softmax last axis");
    assertClose(naive(x, 0, true), Softmax.logSoftmax(x, 0), 1e-5, 1e-5, "logSoftmax axis 0");
  }

  @Test
  void rowsSumToOne() {
    Tensor y = Softmax.softmax(Tensor.uniform(new Rng(4), -10f, 10f, 6, 9));
    assertClose(new double[] {1, 1, 1, 1, 1, 1}, Reduce.sum(y, new int[] {1}, false), 0, 1e-6, "");
  }

  @Test
  void stableAtLargeMagnitudes() {
    Tensor x = Tensor.of(new float[][] {{1000, 999, -1000}, {-1000, -1000, -1001}});
    Tensor y = Softmax.softmax(x);
    double e = Math.exp(-1);
    assertClose(
        new double[] {1 / (1 + e), e / (1 + e), 0, 1 / (2 + e), 1 / (2 + e), e / (2 + e)},
        y,
        1e-6,
        1e-7,
        "softmax at ±1000");
    Tensor ly = Softmax.logSoftmax(x);
    assertClose(naive(x, -1, true), ly, 1e-5, 1e-5, "logSoftmax at ±1000");
    assertTrue(Float.isFinite(ly.getFlat(2)), "log-softmax of -1000 against 1000 is finite");
  }

  @Test
  void inPlaceAndIntoOut() {
    Tensor x = TestTensors.random(5, 4, 3);
    double[] want = naive(x, 0, false);
    Tensor out = Tensor.zeros(4, 3);
    assertSame(out, Softmax.softmax(x, 0, out));
    assertClose(want, out, 1e-5, 1e-7, "into out");
    Softmax.softmax(x, 0, x);
    assertClose(want, x, 1e-5, 1e-7, "in place");
    Tensor z = TestTensors.random(6, 2, 5);
    double[] lw = naive(z, 1, true);
    Softmax.logSoftmax(z, 1, z);
    assertClose(lw, z, 1e-5, 1e-5, "logSoftmax in place");
  }

  /**
   * Central finite differences of {@code L(x) = sum(w * f(x))}, on the float kernels: the gradient
   * the backward forms must produce for upstream gradient {@code w}.
   */
  private static double[] numericGrad(UnaryOperator<Tensor> f, Tensor x, Tensor w) {
    float h = 1e-2f;
    double[] g = new double[x.size()];
    for (int i = 0; i < g.length; i++) {
      Tensor up = x.copy();
      up.setFlat(i, x.getFlat(i) + h);
      Tensor down = x.copy();
      down.setFlat(i, x.getFlat(i) - h);
      double lu = 0;
      double ld = 0;
      Tensor fu = f.apply(up);
      Tensor fd = f.apply(down);
      for (int j = 0; j < g.length; j++) {
        lu += (double) w.getFlat(j) * fu.getFlat(j);
        ld += (double) w.getFlat(j) * fd.getFlat(j);
      }
      g[i] = (lu - ld) / (2 * h);
    }
    return g;
  }

  @Test
  void backwardFormsMatchFiniteDifferences() {
    Tensor x = TestTensors.random(7, 3, 4);
    Tensor w = TestTensors.random(8, 3, 4);
    for (int axis : new int[] {0, 1}) {
      Tensor y = Softmax.softmax(x, axis);
      assertClose(
          numericGrad(t -> Softmax.softmax(t, axis), x, w),
          Softmax.softmaxGrad(y, w, axis, Tensor.zeros(3, 4)),
          1e-2,
          1e-3,
          "softmaxGrad axis " + axis);
      Tensor ly = Softmax.logSoftmax(x, axis);
      assertClose(
          numericGrad(t -> Softmax.logSoftmax(t, axis), x, w),
          Softmax.logSoftmaxGrad(ly, w, axis, Tensor.zeros(3, 4)),
          1e-2,
          1e-3,
          "logSoftmaxGrad axis " + axis);
    }
  }

  @Test
  void backwardFormsExactly() {
    Tensor y = Tensor.of(new float[][] {{0.2f, 0.3f, 0.5f}});
    Tensor dy = Tensor.of(new float[][] {{1f, -2f, 3f}});
    double dot = 0.2 - 0.6 + 1.5;
    assertClose(
        new double[] {0.2 * (1 - dot), 0.3 * (-2 - dot), 0.5 * (3 - dot)},
        Softmax.softmaxGrad(y, dy),
        1e-6,
        1e-7,
        "softmaxGrad");
    Tensor ly = Unary.log(y);
    assertClose(
        new double[] {1 - 0.2 * 2, -2 - 0.3 * 2, 3 - 0.5 * 2},
        Softmax.logSoftmaxGrad(ly, dy),
        1e-6,
        1e-6,
        "logSoftmaxGrad");
    Softmax.softmaxGrad(y, dy, dy);
    assertClose(
        new double[] {0.2 * (1 - dot), 0.3 * (-2 - dot), 0.5 * (3 - dot)},
        dy,
        1e-6,
        1e-7,
        "softmaxGrad into dy");
    Tensor dy2 = Tensor.of(new float[][] {{1f, -2f, 3f}});
    Softmax.logSoftmaxGrad(ly, dy2, dy2);
    assertClose(new double[] {0.6, -2.6, 2}, dy2, 1e-6, 1e-6, "logSoftmaxGrad into dy");
  }

  /**
   * The Vector API lanes (whole vectors and a masked tail, lengths 1 to 70) against the scalar
   * loops, with attention's -1e9 mask fill, -inf, and large magnitudes; forward and backward.
   */
  @Test
  void vectorLanesMatchScalarLoops() {
    Rng rng = new Rng(12);
    for (int n : new int[] {1, 5, 16, 33, 64, 70}) {
      Tensor x = Tensor.uniform(rng, -30f, 30f, 7, n);
      Tensor dy = Tensor.uniform(rng, -1f, 1f, 7, n);
      for (int k = 0; k < x.size(); k += 3) {
        x.setFlat(k, k % 2 == 0 ? -1e9f : Float.NEGATIVE_INFINITY);
      }
      x.setFlat(x.size() - 1, 1000f);
      Tensor[] y = new Tensor[2];
      Tensor[] g = new Tensor[2];
      for (int v = 0; v < 2; v++) {
        boolean was = Softmax.enableVector(v == 1);
        try {
          y[v] = Softmax.softmax(x);
          g[v] = Softmax.softmaxGrad(y[v], dy);
        } finally {
          Softmax.enableVector(was);
        }
      }
      // An all -inf lane (n = 1) is NaN on both paths; assertEquals(float, float, delta) takes
      // NaN for NaN.
      for (int k = 0; k < x.size(); k++) {
        assertEquals(y[0].getFlat(k), y[1].getFlat(k), 2e-6f, "y " + n);
        assertEquals(g[0].getFlat(k), g[1].getFlat(k), 2e-6f, "dx " + n);
      }
    }
  }

  @Test
  void errorsNameOpAndShapes() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> Softmax.softmax(Tensor.zeros(2, 3), 2));
    assertTrue(e.getMessage().startsWith("softmax:") && e.getMessage().contains("(2, 3)"));
    var e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Softmax.logSoftmax(Tensor.zeros(2, 3), 1, Tensor.zeros(3, 2)));
    assertTrue(e2.getMessage().startsWith("logSoftmax:"), e2.getMessage());
    assertTrue(e2.getMessage().contains("(2, 3)") && e2.getMessage().contains("(3, 2)"));
    var e3 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Softmax.softmaxGrad(Tensor.zeros(2, 3), Tensor.zeros(2, 4)));
    assertTrue(e3.getMessage().startsWith("softmaxGrad:"), e3.getMessage());
    assertTrue(e3.getMessage().contains("(2, 3)") && e3.getMessage().contains("(2, 4)"));
    var e4 = assertThrows(IllegalArgumentException.class, () -> Softmax.softmax(Tensor.scalar(1f)));
    assertTrue(e4.getMessage().startsWith("softmax:") && e4.getMessage().contains("()"));
    assertEquals(0, Softmax.softmax(Tensor.zeros(0, 4)).size());
  }
}
