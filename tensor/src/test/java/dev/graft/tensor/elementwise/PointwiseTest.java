package dev.graft.tensor.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import org.junit.jupiter.api.Test;

class PointwiseTest {
  @Test
  void erfMatchesKnownValues() {
    assertEquals(0.5204998778130465, Pointwise.erf(0.5), 1e-13);
    assertEquals(0.8427007929497149, Pointwise.erf(1.0), 1e-13);
    assertEquals(-0.9953222650189527, Pointwise.erf(-2.0), 1e-13);
    assertEquals(0.9999779095030014, Pointwise.erf(3.0), 1e-13);
    assertEquals(0.0, Pointwise.erf(0.0), 0);
  }

  @Test
  void valuesMatchKerasDefinitions() {
    assertEquals(Math.exp(-1) - 1, Pointwise.value(Pointwise.Fn.ELU, -1), 1e-12);
    assertEquals(1.0507009873554805 * 2, Pointwise.value(Pointwise.Fn.SELU, 2), 1e-12);
    assertEquals(0.8413447460685429, Pointwise.value(Pointwise.Fn.GELU, 1), 1e-12);
    assertEquals(-0.4, Pointwise.value(Pointwise.Fn.LEAKY_RELU, -2), 1e-12);
    assertEquals(0.5, Pointwise.value(Pointwise.Fn.HARD_SIGMOID, 0), 1e-12);
    assertEquals(1.0, Pointwise.value(Pointwise.Fn.HARD_SIGMOID, 3.5), 1e-12);
    assertEquals(0.7, Pointwise.value(Pointwise.Fn.HARD_SIGMOID_KERAS2, 1), 1e-12);
    assertEquals(0.0, Pointwise.value(Pointwise.Fn.HARD_SIGMOID_KERAS2, -2.6), 1e-12);
    assertEquals(1.0, Pointwise.value(Pointwise.Fn.HARD_SIGMOID_KERAS2, 2.6), 1e-12);
    assertEquals(Math.log(2), Pointwise.value(Pointwise.Fn.SOFTPLUS, 0), 1e-12);
    assertEquals(100.0, Pointwise.value(Pointwise.Fn.SOFTPLUS, 100), 1e-9);
    assertEquals(-0.5, Pointwise.value(Pointwise.Fn.SOFTSIGN, -1), 1e-12);
    assertEquals(1 / (1 + Math.exp(-1)), Pointwise.value(Pointwise.Fn.SILU, 1), 1e-12);
  }

  @Test
  void derivativesMatchCentralDifferences() {
    double h = 1e-5;
    for (Pointwise.Fn fn : Pointwise.Fn.values()) {
      for (double x : new double[] {-2.7, -0.6, 0.3, 1.9}) {
        double numeric = (Pointwise.value(fn, x + h) - Pointwise.value(fn, x - h)) / (2 * h);
        assertEquals(numeric, Pointwise.derivative(fn, x), 1e-6, fn + " at " + x);
      }
    }
  }

  @Test
  void kernelsApplyElementwise() {
    Tensor x = TestTensors.random(5, 3, 4);
    Tensor dy = TestTensors.random(6, 3, 4);
    Tensor y = Pointwise.apply(Pointwise.Fn.GELU, x, Tensor.zeros(3, 4));
    Tensor dx = Pointwise.gradient(Pointwise.Fn.GELU, x, dy, Tensor.zeros(3, 4));
    for (int i = 0; i < x.size(); i++) {
      assertEquals(Pointwise.value(Pointwise.Fn.GELU, x.getFlat(i)), y.getFlat(i), 1e-6);
      assertEquals(
          dy.getFlat(i) * Pointwise.derivative(Pointwise.Fn.GELU, x.getFlat(i)),
          dx.getFlat(i),
          1e-6);
    }
  }

  @Test
  void reluCoversKerasReluArguments() {
    Tensor x = Tensor.of(new float[] {-2f, -0.5f, 0.25f, 0.75f, 3f, 8f}, 6);
    // negative_slope 0.1, threshold 0.5, max_value 6, hand-computed from Keras's relu
    float[] want = {-0.25f, -0.1f, -0.025f, 0.75f, 3f, 6f};
    Tensor y = Pointwise.relu(x, 0.1f, 0.5f, 6f, Tensor.zeros(6));
    Tensor dy = Tensor.full(2f, 6);
    Tensor dx = Pointwise.reluGradient(x, dy, 0.1f, 0.5f, 6f, Tensor.zeros(6));
    float[] wantDx = {0.2f, 0.2f, 0.2f, 2f, 2f, 0f};
    for (int i = 0; i < 6; i++) {
      assertEquals(want[i], y.getFlat(i), 1e-6, "relu at " + x.getFlat(i));
      assertEquals(wantDx[i], dx.getFlat(i), 1e-6, "relu gradient at " + x.getFlat(i));
    }
    Tensor plain = Pointwise.relu(x, 0f, 0f, Float.POSITIVE_INFINITY, Tensor.zeros(6));
    assertEquals(0f, plain.getFlat(1), 0f);
    assertEquals(8f, plain.getFlat(5), 0f);
  }
}
