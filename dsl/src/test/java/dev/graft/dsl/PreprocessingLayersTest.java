package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.io.ModelIO;
import dev.graft.layers.Discretization;
import dev.graft.layers.IntegerLookup;
import dev.graft.layers.Normalization;
import dev.graft.layers.StringLookup;
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

  private static final List<String> ABCD = List.of("a", "b", "c", "d");
  private static final String[][] DATA = {{"a", "c", "d", "d"}, {"d", "z", "b", "z"}};

  @Test
  void stringLookupMatchesKerasDocstring() {
    assertArrayEquals(
        new float[] {1, 3, 4, 4, 0, 2},
        stringLookup()
            .vocabulary(ABCD)
            .apply(new String[][] {{"a", "c", "d"}, {"d", "z", "b"}})
            .toArray());
    StringLookup adapted = stringLookup().adapt(new String[][] {{"a", "c", "d"}, {"d", "z", "b"}});
    assertEquals(List.of("[UNK]", "d", "z", "c", "b", "a"), adapted.getVocabulary());
    // Two OOV indices: unknown strings hashed with FarmHash (m -> 0, z -> 1 in Keras's example).
    assertArrayEquals(
        new float[] {2, 4, 5, 0, 1, 3},
        stringLookup(null, 2, null, "[UNK]", "int")
            .vocabulary(ABCD)
            .apply(new String[][] {{"a", "c", "d"}, {"m", "z", "b"}})
            .toArray());
    assertArrayEquals(
        new float[] {2, 4, 5, 5, 0, 3},
        stringLookup(null, 1, "", "[UNK]", "int")
            .vocabulary(ABCD)
            .apply(new String[][] {{"a", "c", "d"}, {"d", "", "b"}})
            .toArray());
    Tensor oneHot =
        stringLookup(null, 1, null, "[UNK]", "one_hot")
            .vocabulary(ABCD)
            .apply(new String[] {"a", "z"});
    assertEquals(Shape.of(2, 5), oneHot.shape());
    assertArrayEquals(new float[] {0, 1, 0, 0, 0, 1, 0, 0, 0, 0}, oneHot.toArray());
    assertArrayEquals(
        new float[] {0, 1, 0, 1, 1, 1, 0, 1, 0, 1},
        stringLookup(null, 1, null, "[UNK]", "multi_hot").vocabulary(ABCD).apply(DATA).toArray());
    assertArrayEquals(
        new float[] {0, 1, 0, 1, 2, 2, 0, 1, 0, 1},
        stringLookup(null, 1, null, "[UNK]", "count").vocabulary(ABCD).apply(DATA).toArray());
    Tensor tfidf =
        stringLookup(null, 1, null, "[UNK]", "tf_idf")
            .vocabulary(ABCD, new float[] {0.25f, 0.75f, 0.6f, 0.4f})
            .apply(DATA);
    assertTrue(
        tfidf.allClose(
            Tensor.of(new float[] {0, 0.25f, 0, 0.6f, 0.8f, 1.0f, 0, 0.75f, 0, 0.4f}, 2, 5),
            1e-6,
            1e-6));
  }

  @Test
  void stringLookupVocabularyTravelsAsAnAsset() {
    Graft.seed(5);
    StringLookup lookup = stringLookup().adapt(new String[] {"perl", "python", "perl", "c"});
    var in = stringInput("lang", 1);
    Model m = model(in, dense(2).on(embedding(lookup.vocabularySize(), 3).on(lookup.on(in))));
    String[][] x = {{"perl"}, {"rust"}, {"c"}};
    Tensor before = m.predict((Object) x);
    Path file = dir.resolve("lookup.keras");
    m.save(file);
    Model again = Model.load(file);
    assertEquals(
        lookup.getVocabulary(), ((StringLookup) again.getLayer(lookup.name())).getVocabulary());
    assertArrayEquals(before.toArray(), again.predict((Object) x).toArray());
  }

  @Test
  void integerLookupMatchesKerasDocstring() {
    Tensor data = Tensor.of(new float[][] {{12, 1138, 42}, {42, 1000, 36}});
    assertArrayEquals(
        new float[] {1, 3, 4, 4, 0, 2},
        integerLookup().vocabulary(List.of(12L, 36L, 1138L, 42L)).apply(data).toArray());
    assertEquals(
        List.of(-1L, 42L, 1138L, 1000L, 36L, 12L), integerLookup().adapt(data).getVocabulary());
  }

  @Test
  void categoryEncodingHashingAndDiscretizationMatchKerasDocstrings() {
    assertArrayEquals(
        new float[] {0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0},
        categoryEncoding(4, "one_hot").apply(Tensor.of(3, 2, 0, 1)).toArray());
    assertArrayEquals(
        new float[] {1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1},
        categoryEncoding(4, "multi_hot")
            .apply(Tensor.of(new float[][] {{0, 1}, {0, 0}, {1, 2}, {3, 1}}))
            .toArray());
    assertThrows(
        IllegalArgumentException.class, () -> categoryEncoding(4, "count").apply(Tensor.of(4)));

    String[][] letters = {{"A"}, {"B"}, {"C"}, {"D"}, {"E"}};
    assertArrayEquals(new float[] {1, 0, 1, 1, 2}, hashing(3).apply(letters).toArray());
    assertArrayEquals(
        new float[] {1, 1, 0, 2, 2},
        hashing(3)
            .maskValue("")
            .apply(new String[][] {{"A"}, {"B"}, {""}, {"C"}, {"D"}})
            .toArray());

    Tensor input = Tensor.of(new float[][] {{-1.5f, 1.0f, 3.4f, .5f}, {0.0f, 3.0f, 1.3f, 0.0f}});
    assertArrayEquals(
        new float[] {0, 2, 3, 1, 1, 3, 2, 1}, discretization(0, 1, 2).apply(input).toArray());
    Discretization adapted = discretizationBins(4);
    adapted.adapt(input);
    assertArrayEquals(new float[] {0f, 0.5f, 1.3f}, adapted.binBoundaries());
    assertArrayEquals(new float[] {0, 2, 3, 2, 1, 3, 3, 1}, adapted.apply(input).toArray());
  }

  @Test
  void numericPreprocessingChainsRunBeforeTheGraphAndReload() {
    Graft.seed(9);
    // Input(int64) -> IntegerLookup -> CategoryEncoding -> Dense: the chain runs when fed.
    IntegerLookup lookup = integerLookup().adapt(Tensor.of(new float[][] {{3}, {7}, {7}, {9}}));
    var in = input("code", "int64", 1);
    var encoded = categoryEncoding(lookup.vocabularySize(), "one_hot").on(lookup.on(in));
    Model m = model(in, dense(2).on(encoded));
    assertEquals(List.of(Shape.of(Shape.UNKNOWN, 4)), m.feedShapes());
    Tensor x = Tensor.of(new float[][] {{7}, {5}, {9}});
    Tensor before = m.predict(x);
    Model again = roundTrip(m, "ints.keras");
    assertArrayEquals(before.toArray(), again.predict(x).toArray());
    m.compile(sgd(), "mse");
    m.fit(x, Tensor.rand(3, 2), epochs(1).verbose(0));
  }

  private Model roundTrip(Model m, String name) {
    Path file = dir.resolve(name);
    m.save(file);
    return Model.load(file);
  }
}
