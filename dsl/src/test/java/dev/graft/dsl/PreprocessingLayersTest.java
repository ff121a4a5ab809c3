package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.io.ModelIO;
import dev.graft.layers.Normalization;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras's preprocessing layers other than TextVectorization, on the examples of Keras's docstrings
 * and tests, inside models, and through {@code .keras} files.
 */
class PreprocessingLayersTest {
  @TempDir Path dir;

  @Test
  void normalizationMatchesKerasDocstring() {
    // axis=None: adapt [1..5] -> mean 3, variance 2.
    Normalization all = normalization(new int[0]);
    all.adapt(Tensor.of(1, 2, 3, 4, 5));
    assertArrayEquals(
        new float[] {-1.4142135f, -0.70710677f, 0f},
        all.apply(Tensor.of(1, 2, 3)).toArray(),
        1e-6f);
    // Per feature of the last axis.
    Normalization perFeature = normalization();
    perFeature.adapt(Tensor.of(new float[][] {{0, 7, 4}, {2, 9, 6}, {0, 7, 4}, {2, 9, 6}}));
    assertArrayEquals(
        new float[] {-1, -1, -1},
        perFeature.apply(Tensor.of(new float[][] {{0, 7, 4}})).toArray(),
        1e-6f);
    assertArrayEquals(new float[] {1, 8, 5}, perFeature.mean().toArray(), 1e-6f);
    // invert with given statistics: mean 3, variance 2.
    Normalization inv =
        normalization().meanAndVariance(new float[] {3}, new float[] {2}).invert(true);
    assertArrayEquals(
        new float[] {1, 2, 3},
        inv.apply(Tensor.of(new float[][] {{-1.4142135f}, {-0.70710677f}, {0}})).toArray(),
        1e-6f);
  }

  @Test
  void normalizationMergesBatchesAsOneDataset() {
    Tensor data = Tensor.rand(10, 3);
    Normalization whole = normalization();
    whole.adapt(data);
    Normalization batched = normalization();
    batched.adapt(List.of(data.slice(0, 4), data.slice(4, 10)));
    assertTrue(whole.mean().allClose(batched.mean(), 1e-5, 1e-6));
    assertTrue(whole.variance().allClose(batched.variance(), 1e-5, 1e-6));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> whole.adapt(Tensor.rand(4, 2)));
    assertTrue(e.getMessage().contains("incompatible shape"), e.getMessage());
  }

  @Test
  void normalizationInAModelSavesItsStatisticsAsWeights() {
    Graft.seed(3);
    Normalization norm = normalization();
    norm.adapt(Tensor.rand(20, 4));
    var in = input(4);
    Model m = model(in, dense(2).on(norm.on(in)));
    assertEquals(
        List.of("normalization/mean", "normalization/variance", "normalization/count"),
        norm.weights().stream().map(v -> v.name().replaceAll("_\\d+/", "/")).toList());
    assertEquals(0, norm.trainableWeights().size());
    Tensor x = Tensor.rand(5, 4);
    Tensor before = m.predict(x);
    assertEquals(Shape.of(5, 2), before.shape());
    // The graph computes what apply() computes.
    var in2 = input(4);
    assertTrue(model(in2, norm.on(in2)).predict(x).allClose(norm.apply(x), 1e-6, 1e-6));
    Path file = dir.resolve("norm.keras");
    m.save(file);
    Model again = Model.load(file);
    assertArrayEquals(before.toArray(), again.predict(x).toArray());
    Normalization loaded = (Normalization) again.getLayer(norm.name());
    assertArrayEquals(norm.mean().toArray(), loaded.mean().toArray());
  }

  @Test
  void normalizationLoadsKerasConfig() {
    String json =
        "{\"class_name\": \"Normalization\", \"config\": {\"name\": \"n\", \"axis\": [-1],"
            + " \"invert\": false, \"mean\": [1.0, 2.0], \"variance\": [4.0, 16.0]}}";
    Normalization n = (Normalization) ModelIO.layerFromConfig(json);
    var in = input(2);
    Model m = model(in, n.on(in));
    assertArrayEquals(
        new float[] {0.5f, 0.5f}, m.predict(Tensor.of(new float[][] {{2, 4}})).toArray(), 1e-6f);
    assertEquals(List.of(), n.weights());
  }
}
