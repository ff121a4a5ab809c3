package dev.graft.tensor.elementwise;

import static dev.graft.tensor.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.NaiveRef;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class UnaryTest {
  private record Op(
      String name,
      UnaryOperator<Tensor> alloc,
      BinaryOperator<Tensor> into,
      DoubleUnaryOperator ref) {}

  private static final List<Op> OPS =
      List.of(
          new Op("neg", Unary::neg, Unary::neg, v -> -v),
          new Op("exp", Unary::exp, Unary::exp, Math::exp),
          new Op("log", Unary::log, Unary::log, Math::log),
          new Op("sqrt", Unary::sqrt, Unary::sqrt, Math::sqrt),
          new Op("square", Unary::square, Unary::square, v -> v * v),
          new Op("abs", Unary::abs, Unary::abs, Math::abs),
          new Op("tanh", Unary::tanh, Unary::tanh, Math::tanh),
          new Op("sigmoid", Unary::sigmoid, Unary::sigmoid, v -> 1 / (1 + Math.exp(-v))),
          new Op("relu", Unary::relu, Unary::relu, v -> Math.max(v, 0)));

  private static double[] reference(Tensor x, DoubleUnaryOperator f) {
    double[] r = NaiveRef.toDouble(x);
    for (int i = 0; i < r.length; i++) {
      r[i] = f.applyAsDouble(r[i]);
    }
    return r;
  }

  @Test
  void everyOpMatchesReference() {
    for (Op op : OPS) {
      // log and sqrt need positive inputs; the others get both signs.
      boolean positive = op.name.equals("log") || op.name.equals("sqrt");
      Tensor x = Tensor.uniform(new Rng(op.name.hashCode()), positive ? 0.01f : -5f, 5f, 3, 7);
      double[] want = reference(x, op.ref);
      assertClose(want, op.alloc.apply(x), 1e-6, 1e-6, op.name);
      Tensor out = Tensor.full(Float.NaN, 3, 7);
      assertSame(out, op.into.apply(x, out));
      assertClose(want, out, 1e-6, 1e-6, op.name + " into out");
      op.into.apply(x, x);
      assertClose(want, x, 1e-6, 1e-6, op.name + " in place");
    }
  }

  @Test
  void extremes() {
    Tensor x = Tensor.of(-1000f, -100f, -20f, 0f, 20f, 100f, 1000f);
    Tensor s = Unary.sigmoid(x);
    for (int i = 0; i < x.size(); i++) {
      assertTrue(Float.isFinite(s.getFlat(i)), "sigmoid finite at " + x.getFlat(i));
    }
    assertEquals(0f, s.getFlat(0));
    // e^-100 is subnormal in float32: within one subnormal step, and not 0.
    assertEquals(Math.exp(-100), s.getFlat(1), Float.MIN_VALUE);
    assertEquals(0.5f, s.getFlat(3));
    assertEquals(1f, s.getFlat(5));
    assertEquals(1f, s.getFlat(6));
    Tensor t = Unary.tanh(x);
    assertEquals(-1f, t.getFlat(0));
    assertEquals(1f, t.getFlat(6));
    assertEquals(Float.NEGATIVE_INFINITY, Unary.log(Tensor.of(0f)).item());
    assertTrue(Float.isNaN(Unary.log(Tensor.of(-1f)).item()));
    assertTrue(Float.isNaN(Unary.sqrt(Tensor.of(-1f)).item()));
    assertEquals(Float.POSITIVE_INFINITY, Unary.exp(Tensor.of(1000f)).item());
    assertEquals(0f, Unary.exp(Tensor.of(-1000f)).item());
    assertEquals(0f, Unary.relu(Tensor.of(-0f)).item());
    assertTrue(Float.isNaN(Unary.relu(Tensor.of(Float.NaN)).item()));
  }

  @Test
  void tanhWithinTwoUlpsOfMathTanhEverywhere() {
    float[] special = {
      0f, -0f, 1e-8f, -1e-5f, 9.99e-5f, 1e-4f, -1.01e-4f, 1e-3f, 8.5f, -30f, 1e30f
    };
    Tensor grid = Tensor.arange(-20f, 20f, 0.001f);
    for (Tensor x : new Tensor[] {Tensor.of(special), grid}) {
      Tensor y = Unary.tanh(x);
      for (int i = 0; i < x.size(); i++) {
        float want = (float) Math.tanh(x.getFlat(i));
        assertEquals(want, y.getFlat(i), 2 * Math.ulp(want), "tanh(" + x.getFlat(i) + ")");
      }
    }
    Tensor inf = Unary.tanh(Tensor.of(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN));
    assertEquals(1f, inf.getFlat(0));
    assertEquals(-1f, inf.getFlat(1));
    assertTrue(Float.isNaN(inf.getFlat(2)));
  }

  /** Central finite differences of {@code f} at x, times dy, on the float kernels. */
  private static double[] numericGrad(UnaryOperator<Tensor> f, Tensor x, Tensor dy) {
    float h = 1e-2f;
    double[] g = new double[x.size()];
    for (int i = 0; i < g.length; i++) {
      float xi = x.getFlat(i);
      double up = f.apply(Tensor.of(xi + h)).item();
      double down = f.apply(Tensor.of(xi - h)).item();
      g[i] = dy.getFlat(i) * (up - down) / (2 * h);
    }
    return g;
  }

  @Test
  void derivativeFormsMatchFiniteDifferences() {
    // Keep relu inputs away from the kink at 0, where the difference quotient is meaningless.
    Tensor x = TestTensors.random(5, 4, 6);
    for (int i = 0; i < x.size(); i++) {
      float v = x.getFlat(i);
      x.setFlat(i, Math.abs(v) < 0.05f ? v + 0.1f : v * 3);
    }
    Tensor dy = TestTensors.random(6, 4, 6);
    assertClose(
        numericGrad(Unary::relu, x, dy), Unary.reluGrad(x, dy), 1e-2, 1e-3, "reluGrad from x");
    assertClose(
        numericGrad(Unary::relu, x, dy),
        Unary.reluGrad(Unary.relu(x), dy),
        1e-2,
        1e-3,
        "reluGrad from y");
    assertClose(
        numericGrad(Unary::sigmoid, x, dy),
        Unary.sigmoidGrad(Unary.sigmoid(x), dy),
        1e-2,
        1e-3,
        "sigmoidGrad");
    assertClose(
        numericGrad(Unary::tanh, x, dy), Unary.tanhGrad(Unary.tanh(x), dy), 1e-2, 1e-3, "tanhGrad");
  }

  @Test
  void derivativeFormsExactlyAndInPlace() {
    Tensor y = Tensor.of(0.25f, 0.5f, 0.9f);
    Tensor dy = Tensor.of(2f, -1f, 4f);
    assertClose(
        new double[] {2 * 0.25 * 0.75, -0.25, 4 * 0.9 * 0.1},
        Unary.sigmoidGrad(y, dy),
        1e-6,
        1e-7,
        "sigmoidGrad");
    assertClose(
        new double[] {2 * (1 - 0.0625), -0.75, 4 * (1 - 0.81)},
        Unary.tanhGrad(y, dy),
        1e-6,
        1e-7,
        "tanhGrad");
    Tensor x = Tensor.of(-1f, 0f, 3f);
    Unary.reluGrad(x, dy, dy);
    assertClose(new double[] {0, 0, 4}, dy, 0, 0, "reluGrad into dy (0 at x = 0)");
  }

  @Test
  void shapeErrorsNameOpAndShapes() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Unary.exp(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
    assertTrue(e.getMessage().startsWith("exp:"), e.getMessage());
    assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(3, 2)"));
    var e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Unary.sigmoidGrad(Tensor.zeros(4), Tensor.zeros(5)));
    assertTrue(e2.getMessage().startsWith("sigmoidGrad:"), e2.getMessage());
    assertTrue(e2.getMessage().contains("(4,)") && e2.getMessage().contains("(5,)"));
    var e3 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Unary.tanhGrad(Tensor.zeros(4), Tensor.zeros(4), Tensor.zeros(2, 2)));
    assertTrue(e3.getMessage().startsWith("tanhGrad:") && e3.getMessage().contains("(2, 2)"));
  }
}
