package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.io.ModelIO;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The activation-family, noise and trivial layers against values computed by hand from Keras's
 * formulas, finite-difference gradients, the statistics of the random layers in training, {@code
 * hard_sigmoid}'s two forms, and {@code .keras} round trips.
 */
class ActivationNoiseLayersTest {
  // away from every kink (0, 0.5, 6) so that central differences are smooth
  private static final float[] XS = {-2f, -0.7f, -0.2f, 0.3f, 0.75f, 3f, 7.5f, 1.4f};

  private static Tensor xs() {
    return Tensor.of(XS.clone(), 2, 4);
  }

  private static LayerHarness run(Layer layer, Tensor x, boolean training) {
    return new LayerHarness(layer, List.of(x), new boolean[] {true}, null, training);
  }

  private static void assertValues(float[] want, Tensor got, double tol, String what) {
    assertEquals(want.length, got.size(), what);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got.getFlat(i), tol, what + "[" + i + "]");
    }
  }

  @Test
  void reluFamilyFollowsKerasFormulas() {
    // Keras: min(x, max) above the threshold, negative_slope * (x - threshold) at or below it
    LayerHarness relu = run(relu().maxValue(6).negativeSlope(0.1).threshold(0.5), xs(), false);
    assertValues(
        new float[] {-0.25f, -0.12f, -0.07f, -0.02f, 0.75f, 3f, 6f, 1.4f},
        relu.output(),
        1e-6,
        "relu");
    relu.checkFiniteDifferences("relu");
    LayerHarness leaky = run(leakyRelu(), xs(), false);
    assertValues(
        new float[] {-0.6f, -0.21f, -0.06f, 0.3f, 0.75f, 3f, 7.5f, 1.4f},
        leaky.output(),
        1e-6,
        "leaky_relu default slope 0.3");
    leaky.checkFiniteDifferences("leaky_relu");
    LayerHarness thresholded = run(thresholdedRelu(0.5), xs(), false);
    assertValues(
        new float[] {0, 0, 0, 0, 0.75f, 3f, 7.5f, 1.4f}, thresholded.output(), 0, "thresholded");
    thresholded.checkFiniteDifferences("thresholded_relu");
    LayerHarness elu = run(elu(0.5), xs(), false);
    for (int i = 0; i < XS.length; i++) {
      double want = XS[i] > 0 ? XS[i] : 0.5 * (Math.exp(XS[i]) - 1);
      assertEquals(want, elu.output().getFlat(i), 1e-6, "elu(0.5) at " + XS[i]);
    }
    elu.checkFiniteDifferences("elu_alpha_0.5");
  }

  @Test
  void constructorsRefuseKerasInvalidArguments() {
    var e = assertThrows(IllegalArgumentException.class, () -> leakyRelu(-0.1));
    assertEquals(
        "Invalid value for argument negative_slope of LeakyReLU. Received: negative_slope=-0.1",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> relu().maxValue(-1));
    assertThrows(IllegalArgumentException.class, () -> relu().threshold(-1));
    assertThrows(IllegalArgumentException.class, () -> thresholdedRelu(-1));
    assertThrows(IllegalArgumentException.class, () -> gaussianNoise(-0.1));
    assertThrows(IllegalArgumentException.class, () -> gaussianDropout(1));
    assertThrows(IllegalArgumentException.class, () -> alphaDropout(-0.2));
    assertThrows(IllegalArgumentException.class, () -> spatialDropout2d(1.5));
    assertThrows(IllegalArgumentException.class, () -> activityRegularization(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> prelu().sharedAxes(0));
    var rank =
        assertThrows(IllegalArgumentException.class, () -> spatialDropout2d(0.5).on(input(4, 3)));
    assertTrue(rank.getMessage().contains("expected rank 4"), rank.getMessage());
  }

  @Test
  void preluAlphaHasTheInputShapeWithOnesOnSharedAxes() {
    Layer shared = prelu().sharedAxes(1, 2);
    Tensor x = Tensor.uniform(new Rng(3), -1f, 1f, 2, 3, 4, 5);
    shared.ensureBuilt(List.of(x.shape()));
    assertEquals(Shape.of(1, 1, 5), shared.weights().get(0).shape());
    assertTrue(shared.weights().get(0).name().endsWith("/alpha"));
    shared.setWeights(List.of(Tensor.of(new float[] {0.1f, -0.2f, 0.3f, 0.5f, 2f}, 1, 1, 5)));
    LayerHarness h = run(shared, x, false);
    for (int i = 0; i < x.size(); i++) {
      float v = x.getFlat(i);
      float alpha = new float[] {0.1f, -0.2f, 0.3f, 0.5f, 2f}[i % 5];
      assertEquals(v > 0 ? v : alpha * v, h.output().getFlat(i), 1e-6, "prelu[" + i + "]");
    }
    h.checkFiniteDifferences("prelu_shared12");
    Layer full = prelu();
    full.ensureBuilt(List.of(x.shape()));
    assertEquals(Shape.of(3, 4, 5), full.weights().get(0).shape());
    assertTrue(full.weights().get(0).value().allClose(Tensor.zeros(3, 4, 5), 0, 0), "zeros");
  }

  @Test
  void softmaxOnAMiddleAxis() {
    Tensor x = Tensor.uniform(new Rng(4), -2f, 2f, 2, 3, 4);
    LayerHarness h = run(softmax(1), x, false);
    for (int b = 0; b < 2; b++) {
      for (int j = 0; j < 4; j++) {
        double sum = 0;
        for (int i = 0; i < 3; i++) {
          sum += Math.exp(x.get(b, i, j));
        }
        for (int i = 0; i < 3; i++) {
          assertEquals(Math.exp(x.get(b, i, j)) / sum, h.output().get(b, i, j), 1e-6);
        }
      }
    }
    h.checkFiniteDifferences("softmax_axis1");
  }

  @Test
  void unitNormalizationScalesToUnitNorm() {
    LayerHarness h = run(unitNormalization(), Tensor.of(new float[] {3, 4, 0, 0}, 2, 2), false);
    assertValues(new float[] {0.6f, 0.8f, 0, 0}, h.output(), 1e-7, "unit_normalization");
    Tensor x = Tensor.uniform(new Rng(5), -1f, 1f, 2, 2, 3, 2);
    LayerHarness multi = run(unitNormalization(1, 2), x, false);
    for (int b = 0; b < 2; b++) {
      for (int c = 0; c < 2; c++) {
        double sq = 0;
        for (int i = 0; i < 2; i++) {
          for (int j = 0; j < 3; j++) {
            sq += multi.output().get(b, i, j, c) * multi.output().get(b, i, j, c);
          }
        }
        assertEquals(1.0, sq, 1e-5, "norm over axes 1, 2 of sample " + b + " channel " + c);
      }
    }
    multi.checkFiniteDifferences("unit_normalization_axes12");
    run(unitNormalization(), Tensor.uniform(new Rng(6), -1f, 1f, 3, 4), false)
        .checkFiniteDifferences("unit_normalization");
  }

  @Test
  void identityPassesValuesAndGradients() {
    LayerHarness h = run(identity(), xs(), true);
    assertValues(XS, h.output(), 0, "identity");
    h.checkFiniteDifferences("identity");
  }

  @Test
  void activityRegularizationAddsKerasPenaltyToTheLoss() {
    clearSession();
    var in = input(3);
    Layer d = dense(2).useBias(false);
    Model m = model(in, activityRegularization(0.1, 0.2).on(d.on(in)));
    float[] w = {0.5f, -1f, 0.25f, 0.75f, -0.5f, 1.5f};
    d.setWeights(List.of(Tensor.of(w, 3, 2)));
    Tensor x = Tensor.of(new float[] {1f, 2f, -1f, 0.5f, -0.5f, 2f}, 2, 3);
    Tensor y = Tensor.of(new float[] {0.2f, -0.3f, 1f, 0.4f}, 2, 2);
    m.compile(sgd(0.1, 0, false), "mse");
    // z = x W; loss = mean((z - y)^2) + 0.1 sum|z| + 0.2 sum z^2 (Keras 3: the whole batch)
    double[] dz = new double[4];
    for (int b = 0; b < 2; b++) {
      for (int j = 0; j < 2; j++) {
        double z = 0;
        for (int k = 0; k < 3; k++) {
          z += x.get(b, k) * w[k * 2 + j];
        }
        dz[b * 2 + j] = 2 * (z - y.get(b, j)) / 4 + 0.1 * Math.signum(z) + 0.4 * z;
      }
    }
    Tensor g = m.gradients(x, y).get(d.name() + "/kernel");
    for (int k = 0; k < 3; k++) {
      for (int j = 0; j < 2; j++) {
        double want = x.get(0, k) * dz[j] + x.get(1, k) * dz[2 + j];
        assertEquals(want, g.get(k, j), 1e-5, "d kernel[" + k + "," + j + "]");
      }
    }
    Tensor out = m.predict(x);
    Tensor z = Tensor.zeros(2, 2);
    for (int i = 0; i < 4; i++) {
      z.setFlat(i, out.getFlat(i));
    }
    assertTrue(out.allClose(z, 0, 0), "the layer itself is the identity");
  }

  // ---- noise layers: identity in inference, Keras's random rule in training ----

  @Test
  void noiseLayersAreTheIdentityInInference() {
    List<Supplier<Layer>> layers =
        List.of(
            () -> gaussianNoise(0.5),
            () -> gaussianDropout(0.3),
            () -> alphaDropout(0.2),
            () -> spatialDropout2d(0.5));
    Tensor x = Tensor.uniform(new Rng(8), -1f, 1f, 2, 3, 4, 5);
    for (Supplier<Layer> s : layers) {
      LayerHarness h = run(s.get(), x, false);
      assertTrue(h.output().allClose(x, 0, 0), s.get().className());
      h.checkFiniteDifferences(s.get().className() + " inference");
    }
  }

  private static double mean(Tensor t) {
    double s = 0;
    for (int i = 0; i < t.size(); i++) {
      s += t.getFlat(i);
    }
    return s / t.size();
  }

  private static double variance(Tensor t) {
    double m = mean(t);
    double s = 0;
    for (int i = 0; i < t.size(); i++) {
      s += (t.getFlat(i) - m) * (t.getFlat(i) - m);
    }
    return s / t.size();
  }

  private static Tensor gaussian(long seed, int... dims) {
    Rng rng = new Rng(seed);
    Tensor t = Tensor.zeros(dims);
    for (int i = 0; i < t.size(); i++) {
      t.setFlat(i, (float) rng.nextGaussian());
    }
    return t;
  }

  @Test
  void gaussianNoiseAddsNoiseOfTheGivenStddev() {
    Graft.seed(21);
    Tensor x = Tensor.full(1f, 200, 100);
    LayerHarness h = run(gaussianNoise(0.5), x, true);
    Tensor noise = h.output().copy();
    for (int i = 0; i < noise.size(); i++) {
      noise.setFlat(i, noise.getFlat(i) - 1f);
    }
    assertEquals(0, mean(noise), 0.02, "mean of the noise");
    assertEquals(0.25, variance(noise), 0.02, "variance of the noise");
    Tensor dx = h.gradients().get(0);
    Tensor identity = run(identity(), x, true).gradients().get(0);
    assertTrue(dx.allClose(identity, 0, 0), "additive noise passes the gradient unchanged");
  }

  @Test
  void gaussianDropoutMultipliesByNoiseOfMeanOne() {
    Graft.seed(22);
    Tensor x = Tensor.full(1f, 200, 100);
    LayerHarness h = run(gaussianDropout(0.3), x, true);
    Tensor m = h.output();
    assertEquals(1, mean(m), 0.02, "mean multiplier");
    assertEquals(0.3 / 0.7, variance(m), 0.03, "variance rate / (1 - rate)");
    checkMaskGradient(h, x, m, "gaussian_dropout");
  }

  /** With inputs of 1 the output is the mask, and {@code d sum(y R) / dx = R * mask}. */
  private static void checkMaskGradient(LayerHarness h, Tensor x, Tensor mask, String what) {
    Tensor dx = h.gradients().get(0);
    Tensor r = run(identity(), x, true).gradients().get(0);
    for (int i = 0; i < dx.size(); i++) {
      assertEquals(r.getFlat(i) * mask.getFlat(i), dx.getFlat(i), 1e-6, what + " d x[" + i + "]");
    }
  }

  @Test
  void alphaDropoutKeepsMeanAndVarianceWithKerasAffineCorrection() {
    Graft.seed(23);
    double rate = 0.2;
    double alphaP = -1.6732632423543772 * 1.0507009873554805;
    double a = Math.pow((1 - rate) * (1 + rate * alphaP * alphaP), -0.5);
    double b = -a * alphaP * rate;
    Tensor x = gaussian(9, 200, 200);
    LayerHarness h = run(alphaDropout(rate), x, true);
    Tensor y = h.output();
    Tensor dx = h.gradients().get(0);
    Tensor r = run(identity(), x, true).gradients().get(0);
    int dropped = 0;
    for (int i = 0; i < y.size(); i++) {
      boolean kept = Math.abs(y.getFlat(i) - (a * x.getFlat(i) + b)) < 1e-5;
      if (!kept) {
        assertEquals(a * alphaP + b, y.getFlat(i), 1e-5, "a dropped element is a alpha' + b");
        dropped++;
      }
      assertEquals(
          kept ? a * r.getFlat(i) : 0, dx.getFlat(i), 1e-5, "alpha dropout d x[" + i + "]");
    }
    assertEquals(rate, dropped / (double) y.size(), 0.01, "fraction dropped");
    Tensor forwardOnly = forwardOnlyTraining(alphaDropout(rate), x);
    int droppedForwardOnly = 0;
    for (int i = 0; i < y.size(); i++) {
      float v = forwardOnly.getFlat(i);
      boolean kept = Math.abs(v - (a * x.getFlat(i) + b)) < 1e-5;
      assertTrue(kept || Math.abs(v - (a * alphaP + b)) < 1e-5, "forward-only value " + v);
      droppedForwardOnly += kept ? 0 : 1;
    }
    assertEquals(rate, droppedForwardOnly / (double) y.size(), 0.01, "fraction dropped (forward)");
    assertEquals(0, mean(y), 0.03, "mean kept at 0");
    assertEquals(1, variance(y), 0.03, "variance kept at 1");
  }

  @Test
  void spatialDropoutDropsWholeChannels() {
    Graft.seed(24);
    Tensor x1 = Tensor.full(1f, 64, 10, 8);
    LayerHarness h1 = run(spatialDropout1d(0.5), x1, true);
    checkChannels(h1.output(), 64, 10, 8, 0.5);
    checkMaskGradient(h1, x1, h1.output(), "spatial_dropout1d");
    Tensor x2 = Tensor.full(1f, 32, 4, 5, 6);
    LayerHarness h2 = run(spatialDropout2d(0.4), x2, true);
    checkChannels(h2.output(), 32, 20, 6, 0.4);
    checkMaskGradient(h2, x2, h2.output(), "spatial_dropout2d");
    // without a backward pass (noise right after the input) the mask is drawn in the output
    checkChannels(forwardOnlyTraining(spatialDropout1d(0.5), x1), 64, 10, 8, 0.5);
  }

  /** The layer's output in a training run of a plan that has no backward pass. */
  private static Tensor forwardOnlyTraining(Layer layer, Tensor x) {
    layer.ensureBuilt(List.of(x.shape()));
    dev.graft.autograd.Graph g = new dev.graft.autograd.Graph();
    dev.graft.autograd.Node in = g.placeholder("x", x.shape().withBatch(Shape.UNKNOWN));
    dev.graft.autograd.Node y = layer.call(new dev.graft.layers.CallContext(g), List.of(in)).get(0);
    dev.graft.autograd.Plan plan =
        new dev.graft.autograd.Program(List.of(y)).newPlan(x.shape().dim(0));
    plan.input("x").copyFrom(x);
    plan.run(true);
    return plan.output(0);
  }

  /** Each (sample, channel) is 0 everywhere or {@code 1 / (1 - rate)} everywhere. */
  private static void checkChannels(Tensor y, int batch, int positions, int channels, double rate) {
    int zeros = 0;
    float keep = (float) (1 / (1 - rate));
    for (int b = 0; b < batch; b++) {
      for (int c = 0; c < channels; c++) {
        float first = y.getFlat(b * positions * channels + c);
        assertTrue(first == 0f || Math.abs(first - keep) < 1e-6, "value " + first);
        for (int p = 1; p < positions; p++) {
          assertEquals(first, y.getFlat((b * positions + p) * channels + c), 0f, "channel value");
        }
        zeros += first == 0f ? 1 : 0;
      }
    }
    assertEquals(rate, zeros / (double) (batch * channels), 0.1, "fraction of dropped channels");
  }

  @Test
  void trainingNoiseIsReproducibleUnderGraftSeed() {
    Tensor x = Tensor.full(1f, 16, 4, 8);
    List<Supplier<Layer>> layers =
        List.of(
            () -> gaussianNoise(0.5),
            () -> gaussianDropout(0.3),
            () -> alphaDropout(0.3),
            () -> spatialDropout1d(0.5));
    long[] seeds = {5, 5, 6};
    for (Supplier<Layer> s : layers) {
      Tensor[] outs = new Tensor[seeds.length];
      for (int k = 0; k < seeds.length; k++) {
        Graft.seed(seeds[k]);
        outs[k] = run(s.get(), x, true).output().copy();
      }
      String name = s.get().className();
      assertArrayEquals(outs[0].toArray(), outs[1].toArray(), name + ": same seed, same noise");
      assertFalse(
          java.util.Arrays.equals(outs[0].toArray(), outs[2].toArray()),
          name + ": another seed, other noise");
    }
  }

  // ---- hard_sigmoid: Keras 3 form by default, Keras 2 form from Keras 2 / tfjs files ----

  private static final float[] HS_X = {-4f, -1f, 0f, 1f, 2.6f, 4f};

  @Test
  void hardSigmoidHasBothForms() {
    clearSession();
    Tensor x = Tensor.of(HS_X.clone(), 1, 6);
    var in = input(6);
    Model keras3 = model(in, activation("hard_sigmoid").on(in));
    assertValues(
        new float[] {0, 1f / 3, 0.5f, 2f / 3, 5.6f / 6, 1},
        keras3.predict(x),
        1e-6,
        "relu6(x+3)/6");
    Model keras2 = model(in, activation(Activation.HARD_SIGMOID_KERAS2).on(in));
    assertValues(new float[] {0, 0.3f, 0.5f, 0.7f, 1, 1}, keras2.predict(x), 1e-6, "clip(.2x+.5)");
    assertEquals(Activation.HARD_SIGMOID_KERAS2, Activation.ofKeras2("hard_sigmoid"));
    assertEquals(Activation.HARD_SIGMOID_KERAS2, Activation.of("hard_sigmoid_keras2"));
    assertEquals(Activation.RELU, Activation.ofKeras2("relu"));
    Model relu6 = model(in, activation("relu6").on(in));
    assertValues(new float[] {0, 0, 0, 1, 2.6f, 4}, relu6.predict(x), 0, "relu6");
    assertValues(
        new float[] {0, 0, 0, 6, 0, 0},
        model(in, activation("relu6").on(in))
            .predict(Tensor.of(new float[] {-1, 0, 0, 7, 0, 0}, 1, 6)),
        0,
        "relu6 clip");
  }

  @Test
  void keras2ConfigsReadHardSigmoidAsKeras2AndSaveItDistinctly(@TempDir Path dir) throws Exception {
    Layer l =
        ModelIO.layerFromConfig(
            "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d\", \"units\": 2,"
                + " \"activation\": \"hard_sigmoid\", \"batch_input_shape\": [null, 3]}}");
    assertEquals("hard_sigmoid_keras2", l.config().get("activation"));
    // a tfjs model.json (Keras 2 names) with a Keras 2 hard_sigmoid
    Path json = dir.resolve("model.json");
    Files.writeString(
        json,
        "{\"modelTopology\": {\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\","
            + " \"layers\": [{\"class_name\": \"Activation\", \"config\": {\"name\": \"a\","
            + " \"activation\": \"hard_sigmoid\", \"batch_input_shape\": [null, 6]}}]}},"
            + " \"weightsManifest\": []}");
    Model tfjs = Model.load(json);
    Tensor x = Tensor.of(HS_X.clone(), 1, 6);
    float[] keras2 = {0, 0.3f, 0.5f, 0.7f, 1, 1};
    assertValues(keras2, tfjs.predict(x), 1e-6, "tfjs hard_sigmoid");
    // saved as .keras and reloaded, it keeps the Keras 2 form; Keras 3's form stays Keras 3's
    Path file = dir.resolve("m.keras");
    tfjs.save(file);
    assertValues(keras2, Model.load(file).predict(x), 1e-6, ".keras round trip of keras2 form");
    clearSession();
    var in = input(6);
    Model k3 = model(in, activation("hard_sigmoid").on(in));
    Path file3 = dir.resolve("k3.keras");
    k3.save(file3);
    assertValues(
        new float[] {0, 1f / 3, 0.5f, 2f / 3, 5.6f / 6, 1},
        Model.load(file3).predict(x),
        1e-6,
        ".keras round trip of keras3 form");
  }

  // ---- loading configs as Keras 3, tf.keras 2 and TensorFlow.js write them ----

  private static Layer load(String cls, String config) {
    return ModelIO.layerFromConfig(
        "{\"class_name\": \"" + cls + "\", \"config\": {\"name\": \"l\"" + config + "}}");
  }

  @Test
  void loaderReadsEveryKerasSpelling() {
    assertEquals(
        0.2, (double) load("LeakyReLU", ", \"alpha\": 0.2").config().get("negative_slope"), 1e-9);
    assertEquals(
        0.1,
        (double) load("LeakyReLU", ", \"negative_slope\": 0.1").config().get("negative_slope"),
        1e-9);
    assertEquals(0.3, (double) load("LeakyReLU", "").config().get("negative_slope"), 1e-9);
    Map<String, Object> relu =
        load("ReLU", ", \"max_value\": 6, \"negative_slope\": 0.1, \"threshold\": 0.5").config();
    assertEquals(6.0, (double) relu.get("max_value"));
    assertEquals(0.5, (double) relu.get("threshold"));
    assertEquals(null, load("ReLU", ", \"maxValue\": null").config().get("max_value"));
    assertEquals(1, load("Softmax", ", \"axis\": [1]").config().get("axis"));
    assertEquals(
        List.of(1, 2), load("UnitNormalization", ", \"axis\": [1, 2]").config().get("axis"));
    assertEquals(
        "L2",
        ((Map<?, ?>)
                load(
                        "PReLU",
                        ", \"alpha_regularizer\": {\"class_name\": \"L2\", \"config\": {\"l2\": 0.05}},"
                            + " \"shared_axes\": [1]")
                    .config()
                    .get("alpha_regularizer"))
            .get("class_name"));
    assertEquals("SpatialDropout3D", load("SpatialDropout3D", ", \"rate\": 0.1").className());
    assertEquals(
        0.25,
        (double) load("GaussianNoise", ", \"stddev\": 0.25, \"seed\": 3").config().get("stddev"));
    String[][] refused = {
      {"AlphaDropout", ", \"rate\": 0.1, \"noise_shape\": [null, 1, 4]", "noise_shape"},
      {"Dropout", ", \"rate\": 0.1, \"noise_shape\": [null, 1, 4]", "noise_shape"},
      {"SpatialDropout2D", ", \"rate\": 0.1, \"data_format\": \"channels_first\"", "data_format"},
      {"Softmax", ", \"axis\": [1, 2]", "axis"},
      {"PReLU", ", \"alpha_constraint\": {\"class_name\": \"NonNeg\"}", "alpha_constraint"},
      {"GaussianDropout", "", "rate"},
    };
    for (String[] r : refused) {
      var e = assertThrows(IllegalArgumentException.class, () -> load(r[0], r[1]), r[0]);
      assertTrue(e.getMessage().contains(r[2]), r[0] + ": " + e.getMessage());
    }
  }

  // ---- save / load ----

  @Test
  void modelWithEveryNewLayerRoundTripsThroughKerasFiles(@TempDir Path dir) {
    clearSession();
    Graft.seed(30);
    var in = input(6, 5, 3);
    var x = relu().maxValue(6).negativeSlope(0.05).threshold(0.1).on(in);
    x = leakyRelu(0.2).on(x);
    x = prelu().sharedAxes(1, 2).on(x);
    x = elu(0.7).on(x);
    x = thresholdedRelu(0.01).on(x);
    x = identity().on(x);
    x = activityRegularization(0.01, 0.02).on(x);
    x = unitNormalization(1, 2).on(x);
    x = gaussianNoise(0.1).on(x);
    x = gaussianDropout(0.2).on(x);
    x = alphaDropout(0.1).on(x);
    x = spatialDropout2d(0.3).on(x);
    x = softmax(1).on(x);
    x = reshape(90).on(x);
    x = spatialDropout1d(0.2).on(reshape(30, 3).on(x));
    Model m = model(in, dense(2).on(flatten().on(x)));
    Layer p = m.layers().stream().filter(l -> l.className().equals("PReLU")).findFirst().get();
    p.setWeights(List.of(Tensor.of(new float[] {0.2f, -0.4f, 0.7f}, 1, 1, 3)));
    Tensor input = Tensor.uniform(new Rng(31), -2f, 2f, 4, 6, 5, 3);
    Tensor before = m.predict(input);
    Path file = dir.resolve("act.keras");
    m.save(file);
    Model back = Model.load(file);
    assertTrue(back.predict(input).allClose(before, 0, 0), "same predictions after reload");
    for (int i = 0; i < m.layers().size(); i++) {
      Layer a = m.layers().get(i);
      Layer b = back.layers().get(i);
      assertEquals(a.className(), b.className());
      // int[] configs (InputLayer, Reshape) compare by identity: the layers of this slice only
      if (!a.className().equals("InputLayer") && !a.className().equals("Reshape")) {
        assertEquals(a.config(), b.config(), a.className() + " config");
      }
    }
    Layer q = back.layers().stream().filter(l -> l.className().equals("PReLU")).findFirst().get();
    assertEquals(Shape.of(1, 1, 3), q.weights().get(0).shape());
    assertTrue(q.weights().get(0).name().endsWith("/alpha"), q.weights().get(0).name());
    Map<String, Object> c =
        back.layers().stream().filter(l -> l.className().equals("ReLU")).findFirst().get().config();
    assertEquals(6.0, ((Number) c.get("max_value")).doubleValue());
  }
}
