package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.io.ModelIO;
import dev.graft.layers.GroupNormalization;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras 3's {@code GroupNormalization}: values worked out by hand from Keras's formula,
 * finite-difference gradients, Keras's config keys, argument errors and a {@code .keras} round
 * trip.
 */
class GroupNormalizationTest {
  private final Rng rng = new Rng(41);

  private static Tensor run(Layer layer, Tensor x) {
    return new LayerHarness(layer, List.of(x), new boolean[] {false}, null, false).output();
  }

  /**
   * Two positions of four channels in two groups: group 0 holds {1, 2, 3, 4} (mean 2.5, variance
   * 1.25), group 1 holds {3, 5, 7, 9} (mean 6, variance 5); then gamma and beta per channel.
   */
  @Test
  void handComputedFromKerasFormula() {
    GroupNormalization gn = groupNormalization(2);
    gn.ensureBuilt(List.of(Shape.of(Shape.UNKNOWN, 2, 4)));
    float[] gamma = {1, 2, 0.5f, -1};
    float[] beta = {0, 1, 0, 0.5f};
    gn.setWeights(List.of(Tensor.of(gamma, 4), Tensor.of(beta, 4)));
    float[] x = {1, 2, 3, 5, 3, 4, 7, 9};
    double[] mean = {2.5, 6};
    double[] sd = {Math.sqrt(1.25 + 1e-3), Math.sqrt(5 + 1e-3)};
    float[] want = new float[8];
    for (int i = 0; i < 8; i++) {
      int c = i % 4;
      int g = c / 2;
      want[i] = (float) ((x[i] - mean[g]) / sd[g] * gamma[c] + beta[c]);
    }
    assertArrayEquals(want, run(gn, Tensor.of(x, 1, 2, 4)).toArray(), 1e-5f);
  }

  /** groups = -1 is one group per channel: each channel normalised over the positions. */
  @Test
  void minusOneGroupsIsInstanceNormalization() {
    GroupNormalization gn = groupNormalization(-1).epsilon(1e-5).center(false).scale(false);
    Tensor x = Tensor.uniform(rng, -2f, 2f, 2, 3, 2, 5);
    Tensor y = run(gn, x);
    assertEquals(5, gn.groups());
    assertEquals(5, gn.config().get("groups"));
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 5; c++) {
        double s = 0;
        double sq = 0;
        for (int p = 0; p < 6; p++) {
          double v = x.getFlat((n * 6 + p) * 5 + c);
          s += v;
          sq += v * v;
        }
        double m = s / 6;
        double sd = Math.sqrt(sq / 6 - m * m + 1e-5);
        for (int p = 0; p < 6; p++) {
          int at = (n * 6 + p) * 5 + c;
          assertEquals((x.getFlat(at) - m) / sd, y.getFlat(at), 1e-5);
        }
      }
    }
  }

  /** One group over a vector is Keras's LayerNormalization. */
  @Test
  void oneGroupOnVectorsIsLayerNormalization() {
    Tensor x = Tensor.uniform(rng, -2f, 2f, 3, 6);
    assertTrue(run(groupNormalization(1), x).allClose(run(layerNormalization(), x), 1e-6, 1e-6));
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    GroupNormalization gn = groupNormalization(2);
    gn.ensureBuilt(List.of(Shape.of(Shape.UNKNOWN, 2, 3, 4)));
    gn.setWeights(List.of(Tensor.uniform(rng, 0.5f, 1.5f, 4), Tensor.uniform(rng, -1f, 1f, 4)));
    new LayerHarness(
            gn, List.of(Tensor.uniform(rng, -1f, 1f, 2, 2, 3, 4)), new boolean[] {true}, null, true)
        .checkFiniteDifferences("group_normalization");
    new LayerHarness(
            groupNormalization(3).center(false),
            List.of(Tensor.uniform(rng, -1f, 1f, 2, 4, 6)),
            new boolean[] {true},
            null,
            false)
        .checkFiniteDifferences("group_normalization_no_beta");
  }

  @Test
  void argumentsAreCheckedAsKerasDoes() {
    var e = assertThrows(IllegalArgumentException.class, () -> groupNormalization(0));
    assertEquals(
        "Invalid value for argument groups of GroupNormalization. Received: groups=0",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> groupNormalization(4).name("gn").on(input(3, 6)));
    assertTrue(e.getMessage().contains("\"gn\"") && e.getMessage().contains("(6)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> groupNormalization(2).axis(1).name("gn").on(input(3, 6)));
    assertTrue(e.getMessage().contains("last axis only; axis=1"), e.getMessage());
    // Keras's non-negative index of the last axis is the same axis.
    assertEquals(
        Shape.of(Shape.UNKNOWN, 3, 6), groupNormalization(2).axis(2).on(input(3, 6)).shape());
  }

  /** The config Keras 3 writes loads; regularizers and constraints are refused by name. */
  @Test
  void kerasConfigLoadsAndUnsupportedSettingsAreRefused() {
    String json =
        """
        {"module": "keras.layers", "class_name": "GroupNormalization", "config": {
          "name": "group_normalization", "trainable": true, "dtype": "float32", "groups": 4,
          "axis": -1, "epsilon": 0.01, "center": false, "scale": true,
          "beta_initializer": {"module": "keras.initializers", "class_name": "Zeros",
            "config": {}, "registered_name": null},
          "gamma_initializer": {"module": "keras.initializers", "class_name": "Ones",
            "config": {}, "registered_name": null},
          "beta_regularizer": null, "gamma_regularizer": null, "beta_constraint": null,
          "gamma_constraint": null}, "registered_name": null}
        """;
    GroupNormalization gn = (GroupNormalization) ModelIO.layerFromConfig(json);
    assertEquals(4, gn.groups());
    Map<String, Object> c = gn.config();
    assertEquals(false, c.get("center"));
    assertEquals(0.01, ((Number) c.get("epsilon")).doubleValue(), 1e-9);
    gn.on(input(8));
    assertEquals(
        List.of("group_normalization/gamma"), gn.weights().stream().map(w -> w.name()).toList());
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelIO.layerFromConfig(
                    json.replace(
                        "\"gamma_regularizer\": null",
                        "\"gamma_regularizer\": {\"class_name\": \"L2\","
                            + " \"config\": {\"l2\": 0.1}}")));
    assertTrue(e.getMessage().contains("gamma_regularizer"), e.getMessage());
  }

  @Test
  void roundTripsThroughKeras(@TempDir Path dir) {
    clearSession();
    var in = input(4, 4, 6);
    GroupNormalization gn = groupNormalization(3);
    Model m = model(in, dense(2).on(gn.on(conv2d(6, 3).padding("same").on(in))));
    gn.setWeights(List.of(Tensor.uniform(rng, 0.5f, 1.5f, 6), Tensor.uniform(rng, -1f, 1f, 6)));
    assertEquals(
        List.of("group_normalization/gamma", "group_normalization/beta"),
        gn.weights().stream().map(w -> w.name()).toList());
    Path file = dir.resolve("gn.keras");
    m.save(file);
    Model back = Model.load(file);
    Tensor x = Tensor.uniform(rng, -1f, 1f, 2, 4, 4, 6);
    assertTrue(back.predict(x).allClose(m.predict(x), 1e-6, 1e-6));
    assertEquals(3, ((GroupNormalization) back.getLayer(gn.name())).groups());
  }
}
