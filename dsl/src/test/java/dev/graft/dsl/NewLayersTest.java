package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The layers without a Keras reference case: hand-computed examples through the public API, a
 * finite-difference check of each layer's gradients, and their early, named errors.
 */
class NewLayersTest {
  private static Tensor predict(SymbolicTensor in, SymbolicTensor out, Tensor x) {
    return model(in, out).predict(x);
  }

  private static void assertValues(float[] want, Tensor got) {
    assertArrayEquals(want, got.toArray(), 1e-5f, "values of " + got.shape());
  }

  @Test
  void permuteSwapsSampleAxes() {
    var x = input(2, 3);
    var y = permute(2, 1).on(x);
    assertEquals(Shape.batched(3, 2), y.shape());
    Tensor out = predict(x, y, Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 3));
    assertValues(new float[] {1, 4, 2, 5, 3, 6}, out);
  }

  @Test
  void maximumMinimumDotAndRescaling() {
    var a = input(3);
    var b = input(3);
    Tensor ta = Tensor.of(new float[] {1, -2, 3}, 1, 3);
    Tensor tb = Tensor.of(new float[] {0, 5, 3}, 1, 3);
    assertValues(new float[] {1, 5, 3}, model(List.of(a, b), maximum(a, b)).predict(ta, tb));
    assertValues(new float[] {0, -2, 3}, model(List.of(a, b), minimum(a, b)).predict(ta, tb));
    // 1*0 - 2*5 + 3*3 = -1; cosine = -1 / (sqrt(14) * sqrt(34)).
    assertValues(new float[] {-1}, model(List.of(a, b), dot(1, a, b)).predict(ta, tb));
    var cos = dotLayer(-1).normalize(true).on(a, b);
    assertValues(
        new float[] {(float) (-1 / Math.sqrt(14 * 34.0))},
        model(List.of(a, b), cos).predict(ta, tb));
    assertValues(new float[] {1f, 3.5f, 2.5f}, predict(a, rescaling(0.5, 1).on(a), tb));
  }

  @Test
  void oneDimensionalConvolutionAndPooling() {
    var x = input(5, 1);
    Tensor seq = Tensor.of(new float[] {1, 3, 2, 5, 4}, 1, 5, 1);
    assertValues(new float[] {3, 5}, predict(x, maxPooling1d().on(x), seq));
    assertValues(new float[] {3, 5, 4}, predict(x, maxPooling1d(2).padding("same").on(x), seq));
    assertValues(
        new float[] {2, 2.5f, 3.5f, 4.5f}, predict(x, averagePooling1d(2).strides(1).on(x), seq));
    assertValues(new float[] {3}, predict(x, globalAveragePooling1d().on(x), seq));
    var conv = conv1d(1, 2);
    var y = conv.on(x);
    assertEquals(Shape.batched(4, 1), y.shape());
    conv.setWeights(
        List.of(Tensor.of(new float[] {1, -1}, 2, 1, 1), Tensor.of(new float[] {0.5f}, 1)));
    // y[t] = x[t] - x[t+1] + 0.5
    assertValues(new float[] {-1.5f, 1.5f, -2.5f, 1.5f}, predict(x, y, seq));
  }

  @Test
  void layerNormalizationNormalisesEachSample() {
    var x = input(4);
    Tensor t = Tensor.of(new float[] {1, 2, 3, 4, -1, -1, -1, 3}, 2, 4);
    Tensor out = predict(x, layerNormalization().on(x), t);
    float[] want = new float[8];
    for (int s = 0; s < 2; s++) {
      double mean = 0;
      double var = 0;
      for (int i = 0; i < 4; i++) {
        mean += t.getFlat(s * 4 + i) / 4.0;
      }
      for (int i = 0; i < 4; i++) {
        var += Math.pow(t.getFlat(s * 4 + i) - mean, 2) / 4.0;
      }
      for (int i = 0; i < 4; i++) {
        want[s * 4 + i] = (float) ((t.getFlat(s * 4 + i) - mean) / Math.sqrt(var + 1e-3));
      }
    }
    assertValues(want, out);
  }

  @Test
  void batchNormalizationUsesBatchStatisticsInTrainingAndMovingOnesInInference() {
    var x = input(2);
    var bn = batchNormalization();
    Model m = model(x, bn.on(x));
    Tensor t = Tensor.of(new float[] {1, 10, 3, 30}, 2, 2);
    // Fresh moving statistics (0, 1): inference output is x / sqrt(1 + eps).
    float s = (float) (1 / Math.sqrt(1 + 1e-3));
    assertValues(new float[] {s, 10 * s, 3 * s, 30 * s}, m.predict(t));
    m.compile(sgd(0.0, 0, false), "mse");
    m.trainOnBatch(t, Tensor.zeros(2, 2));
    // Batch mean (2, 20), biased variance (1, 100); moving = 0.99 * old + 0.01 * batch.
    assertValues(new float[] {0.02f, 0.2f}, bn.weights().get(2).value());
    assertValues(new float[] {1f, 1.99f}, bn.weights().get(3).value());
    assertEquals(2, bn.trainableWeights().size());
    // Prediction did not move them, nor does training a frozen model (a frozen BatchNormalization
    // runs in inference mode, as in Keras).
    m.predict(t);
    assertValues(new float[] {0.02f, 0.2f}, bn.weights().get(2).value());
    Model outer = model(x, model(x, bn.on(x)).on(x));
    outer.trainable(false);
    outer.compile(sgd(0.1, 0, false), "mse");
    outer.trainOnBatch(t, Tensor.zeros(2, 2));
    assertValues(new float[] {0.02f, 0.2f}, bn.weights().get(2).value());
    assertValues(new float[] {1f, 1.99f}, bn.weights().get(3).value());
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Rng rng = new Rng(3);
    check("permute", () -> permute(3, 1, 2), rng, 2, 3, 4, 2);
    check("conv1d_same_s2", () -> conv1d(2, 3).strides(2).padding("same"), rng, 2, 7, 3);
    check("conv1d_dilated", () -> conv1d(2, 2).dilationRate(2).activation("tanh"), rng, 2, 6, 2);
    check("max_pooling1d", () -> maxPooling1d(3).strides(2).padding("same"), rng, 2, 7, 2);
    check("global_average_pooling1d", Graft::globalAveragePooling1d, rng, 2, 4, 3);
    check("rescaling", () -> rescaling(2, -1), rng, 2, 3);
    check("layer_normalization", Graft::layerNormalization, rng, 3, 2, 5);
    check("batch_normalization_inference", Graft::batchNormalization, rng, 4, 3);
    for (boolean normalize : new boolean[] {false, true}) {
      Tensor a = Tensor.uniform(rng, -1f, 1f, 3, 4);
      Tensor b = Tensor.uniform(rng, -1f, 1f, 3, 4);
      new LayerHarness(
              dotLayer(1).normalize(normalize),
              List.of(a, b),
              new boolean[] {true, true},
              null,
              false)
          .checkFiniteDifferences("dot normalize=" + normalize);
    }
    Tensor a = Tensor.of(new float[] {0.1f, 0.9f, -0.5f, 0.3f}, 2, 2);
    Tensor b = Tensor.of(new float[] {0.4f, 0.2f, -0.1f, -0.3f}, 2, 2);
    for (Supplier<Layer> merge :
        List.<Supplier<Layer>>of(Graft::maximumLayer, Graft::minimumLayer)) {
      new LayerHarness(merge.get(), List.of(a, b), new boolean[] {true, true}, null, false)
          .checkFiniteDifferences("merge");
    }
    // Training mode: batch statistics, whose gradient flows back through the mean and variance.
    new LayerHarness(
            batchNormalization(),
            List.of(Tensor.uniform(rng, -1f, 1f, 5, 3)),
            new boolean[] {true},
            null,
            true)
        .checkFiniteDifferences("batch_normalization_training");
  }

  private static void check(String name, Supplier<Layer> layer, Rng rng, int... dims) {
    new LayerHarness(
            layer.get(),
            List.of(Tensor.uniform(rng, -1f, 1f, dims)),
            new boolean[] {true},
            null,
            false)
        .checkFiniteDifferences(name);
  }

  @Test
  void incompatibleInputsFailWhenTheModelIsDefined() {
    clearSession();
    var flat = input(64);
    var e = assertThrows(IllegalArgumentException.class, () -> conv1d(4, 3).name("c1").on(flat));
    assertEquals(
        "Input 0 of layer \"c1\" is incompatible: expected rank 3 (batch, steps, channels) with"
            + " known channels, got shape (None, 64)",
        e.getMessage());
    var seq = input(5, 3);
    e = assertThrows(IllegalArgumentException.class, () -> permute(2, 1, 3).name("p").on(seq));
    assertEquals(
        "Input 0 of layer \"p\" is incompatible: expected rank 4 for dims [2, 1, 3], got shape"
            + " (None, 5, 3)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> dot(1, flat, input(32)));
    assertEquals(
        "Input 1 of layer \"dot\" is incompatible: expected size 64 along axis 1 (as input 0"
            + " along axis 1, axes=1), got shape (None, 32)",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> maximum(flat, input(32)));
    assertThrows(IllegalArgumentException.class, () -> maxPooling1d(9).on(seq));
    e = assertThrows(IllegalArgumentException.class, () -> permute(1, 1));
    assertEquals(
        "Invalid value for argument dims of Permute. Received: dims=[1, 1]", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> conv1d(0, 3));
    assertThrows(IllegalArgumentException.class, () -> conv1d(2, 3).padding("full"));
    assertThrows(IllegalArgumentException.class, () -> batchNormalization().momentum(1.5));
    assertThrows(IllegalArgumentException.class, () -> dotLayer(0));
    var bn = batchNormalization();
    bn.on(input(4));
    e = assertThrows(IllegalArgumentException.class, () -> bn.on(input(3)));
    assertEquals(
        "Input 0 of layer \""
            + bn.name()
            + "\" is incompatible: expected last axis 4, got shape"
            + " (None, 3)",
        e.getMessage());
  }
}
