package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.io.ModelIO;
import dev.graft.layers.TextVectorization;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TextVectorization against Keras's documented behaviour (the examples of its docstring and of
 * {@code text_vectorization_test.py}), and a model fed raw strings end to end, saved and reloaded.
 */
class TextVectorizationTest {
  @TempDir Path dir;

  private static float[] row(Tensor t) {
    return t.toArray();
  }

  @Test
  void adaptOrdersByCountThenTokenDescendingAsKeras() {
    // Keras docstring: adapt(["foo bar", "bar baz", "baz bada boom"]), then
    // [["foo qux bar"], ["qux baz"]] -> [[4, 1, 3, 0], [1, 2, 0, 0]].
    TextVectorization v = textVectorization(5000, 4);
    v.adapt(List.of("foo bar", "bar baz", "baz bada boom"));
    assertEquals(List.of("", "[UNK]", "baz", "bar", "foo", "boom", "bada"), v.getVocabulary());
    assertEquals(List.of("baz", "bar", "foo", "boom", "bada"), v.getVocabulary(false));
    assertEquals(7, v.vocabularySize());
    Tensor out = v.apply(new String[][] {{"foo qux bar"}, {"qux baz"}});
    assertEquals(Shape.of(2, 4), out.shape());
    assertArrayEquals(new float[] {4, 1, 3, 0, 1, 2, 0, 0}, row(out));
  }

  @Test
  void standardizesAndSplitsAsKeras() {
    // text_vectorization_test: "Hello, World!. This is just a nice test!" -> [2,3,4,5,1,1,6,7]
    TextVectorization v =
        textVectorization().vocabulary(List.of("hello", "world", "this", "is", "nice", "test"));
    assertArrayEquals(
        new float[] {2, 3, 4, 5, 1, 1, 6, 7},
        row(v.apply("Hello, World!. This is just a nice test!")));
    // Every ASCII punctuation mark goes (Keras's regex), runs of ASCII whitespace split once,
    // only ASCII letters are lowered (tf.strings.lower without an encoding).
    assertEquals(
        List.of("its", "a", "co-op".replace("-", ""), "Émile"),
        v.tokens(" It's\ta\n CO-OP  Émile "));
    assertEquals(List.of("a{b}", "C"), textVectorization().standardize(null).tokens("a{b}  C"));
    assertEquals(
        List.of("a", "b", "c", "a b", "b c"), textVectorization().ngrams(2).tokens("a b c"));
    assertEquals(List.of("a b", "b c"), textVectorization().ngramWidths(2).tokens("a b c"));
    assertEquals(List.of("a", "b"), textVectorization().split("character").tokens("ab"));
  }

  @Test
  void truncatesPadsAndCapsTheVocabulary() {
    TextVectorization v = textVectorization().maxTokens(4);
    v.adapt(new String[] {"b a a", "c b a"});
    assertEquals(List.of("", "[UNK]", "a", "b"), v.getVocabulary());
    // No output_sequence_length: padded to the longest string of the batch.
    Tensor out = v.apply("a c", "b b b a");
    assertEquals(Shape.of(2, 4), out.shape());
    assertArrayEquals(new float[] {2, 1, 0, 0, 3, 3, 3, 2}, row(out));
  }

  @Test
  void bagModesMatchKerasTests() {
    List<String> vocab = List.of("foo", "bar", "baz");
    assertArrayEquals(
        new float[] {0, 1, 1, 0, 0, 1, 0, 1},
        row(
            textVectorization()
                .outputMode("multi_hot")
                .vocabulary(vocab)
                .apply("foo bar", "baz foo foo")));
    assertArrayEquals(
        new float[] {0, 1, 1, 0, 0, 2, 0, 1},
        row(
            textVectorization()
                .outputMode("count")
                .vocabulary(vocab)
                .apply("foo bar", "baz foo foo")));
    Tensor tfidf =
        textVectorization()
            .outputMode("tf_idf")
            .vocabulary(vocab, new float[] {0.3f, 0.5f, 0.2f})
            .apply("foo bar", "baz foo foo");
    assertTrue(tfidf.allClose(Tensor.of(new float[] {0, 0.3f, 0.5f, 0, 0, 0.6f, 0, 0.2f}, 2, 4)));
  }

  @Test
  void tfIdfAdaptLearnsKerasIdf() {
    TextVectorization v = textVectorization().maxTokens(100).outputMode("tf_idf");
    v.adapt(new String[] {"foo bar", "bar baz", "baz bada boom"});
    // Non-int modes have no mask index: OOV is 0, tokens start at 1.
    assertEquals(List.of("[UNK]", "baz", "bar", "foo", "boom", "bada"), v.getVocabulary());
    double two = Math.log(1 + 3.0 / 3); // df 2 of 3 documents
    double one = Math.log(1 + 3.0 / 2); // df 1
    float[] idf = v.idfWeights();
    float mean = (float) ((2 * two + 3 * one) / 5);
    assertArrayEquals(
        new float[] {mean, (float) two, (float) two, (float) one, (float) one, (float) one},
        idf,
        1e-6f);
    // "bar bar qux": 2 * idf(bar) + 1 * idf(OOV)
    float[] out = row(v.apply("bar bar qux"));
    assertEquals(mean, out[0], 1e-6);
    assertEquals(2 * two, out[2], 1e-6);
  }

  @Test
  void configHasKerasKeysAndLoads() {
    TextVectorization v = textVectorization(100, 6).vocabulary(List.of("x", "y"));
    Map<String, Object> c = v.config();
    for (String k :
        List.of(
            "max_tokens",
            "standardize",
            "split",
            "ngrams",
            "output_mode",
            "output_sequence_length",
            "pad_to_max_tokens",
            "sparse",
            "ragged",
            "vocabulary",
            "idf_weights",
            "encoding",
            "vocabulary_size")) {
      assertTrue(c.containsKey(k), k);
    }
    assertEquals(List.of("x", "y"), c.get("vocabulary"));
    assertEquals(4, c.get("vocabulary_size"));
    assertNull(c.get("ngrams"));
    String json =
        "{\"class_name\": \"TextVectorization\", \"config\": {\"name\": \"tv\", \"max_tokens\": 100,"
            + " \"standardize\": \"lower_and_strip_punctuation\", \"split\": \"whitespace\","
            + " \"ngrams\": [1, 2], \"output_mode\": \"int\", \"output_sequence_length\": 6,"
            + " \"pad_to_max_tokens\": false, \"sparse\": false, \"ragged\": false,"
            + " \"vocabulary\": [\"x\", \"y\", \"x y\"], \"idf_weights\": null, \"encoding\": \"utf-8\","
            + " \"vocabulary_size\": 5}}";
    TextVectorization loaded = (TextVectorization) ModelIO.layerFromConfig(json);
    // 1-grams then 2-grams: x, y, z, "x y", "y z"
    assertArrayEquals(new float[] {2, 3, 1, 4, 1, 0}, row(loaded.apply("X y z")));
    String ragged = json.replace("\"ragged\": false", "\"ragged\": true");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelIO.layerFromConfig(ragged));
    assertTrue(e.getMessage().contains("ragged"), e.getMessage());
  }

  @Test
  void argumentsAreCheckedInKerasWords() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> textVectorization().outputMode("count").outputSequenceLength(3));
    assertTrue(e.getMessage().contains("output_sequence_length"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> textVectorization().maxTokens(1));
    assertThrows(IllegalArgumentException.class, () -> textVectorization().split("comma"));
    IllegalStateException s =
        assertThrows(
            IllegalStateException.class,
            () -> textVectorization().outputMode("multi_hot").apply("a"));
    assertTrue(s.getMessage().contains("vocabulary"), s.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> textVectorization().vocabulary(List.of("a")).adapt(List.of("b")));
  }

  /** Input(string) -> TextVectorization -> Embedding(mask_zero) -> LSTM -> Dense. */
  private static Model textModel(TextVectorization v) {
    var text = stringInput("text", 1);
    var x = embedding(v.vocabularySize(), 8).maskZero(true).on(v.on(text));
    x = lstm(6).on(x);
    return model(text, dense(3).activation("softmax").on(x));
  }

  @Test
  void aModelTakesRawStringsTrainsSavesAndReloadsBitForBit() throws Exception {
    Graft.seed(7);
    String[] texts = {
      "Perl module to parse YAML", "Python bindings for GTK", "perl interface to the gtk toolkit",
      "Library for parsing YAML in Python", "GNU C compiler", "C library headers"
    };
    TextVectorization v = textVectorization().maxTokens(30).outputSequenceLength(7);
    v.adapt(texts);
    Model m = textModel(v);
    assertEquals(List.of(Shape.of(Shape.UNKNOWN, 7)), m.feedShapes());
    m.compile(adam(0.01), "sparse_categorical_crossentropy", "accuracy");
    Tensor y = Tensor.of(new float[] {0, 1, 0, 1, 2, 2}, 6, 1);
    History h = m.fit(texts, y, epochs(3).batchSize(3).verbose(0));
    assertEquals(3, h.history().get("loss").size());

    String[] probe = {"Perl module to parse YAML", "an unseen text!", ""};
    Tensor before = m.predict(probe);
    assertEquals(Shape.of(3, 3), before.shape());
    assertEquals(Shape.of(3, 7), m.encodeInputs((Object) probe).get(0).shape());

    Path file = dir.resolve("text.keras");
    m.save(file);
    Map<String, byte[]> zip = entries(file);
    String vocab =
        new String(
            zip.get("assets/layers/text_vectorization/vocabulary.txt"), StandardCharsets.UTF_8);
    assertEquals(String.join("\n", v.getVocabulary()), vocab);
    assertTrue(zip.containsKey("assets/layers/text_vectorization/_lookup_layer/vocabulary.txt"));

    Model again = Model.load(file);
    TextVectorization loaded = (TextVectorization) again.getLayer(v.name());
    assertEquals(v.getVocabulary(), loaded.getVocabulary());
    assertArrayEquals(before.toArray(), again.predict(probe).toArray());
    assertEquals(
        "string", ((dev.graft.layers.InputLayer) again.inputs().get(0).producer().layer()).dtype());
  }

  @Test
  void aNestedTextBranchIsFedStringsByTheOuterModel() {
    TextVectorization v = textVectorization().outputSequenceLength(5);
    v.adapt(List.of("a b c", "b c d"));
    Model branch = textModel(v);
    var text = stringInput("outer_text", 1);
    var feats = input("feats", 2);
    var merged = concatenate(branch.on(text), dense(2).on(feats));
    Model m = model(List.of(text, feats), dense(1).on(merged));
    Tensor p = m.predict(new String[] {"a b", "d d d"}, Tensor.rand(2, 2));
    assertEquals(Shape.of(2, 1), p.shape());
  }

  @Test
  void stringsWithoutAPreprocessingLayerOrTheLayerInsideTheGraphAreClearErrors() {
    var text = stringInput(1);
    Model plain = model(text, dense(1).on(text));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> plain.predict("a", "b"));
    assertTrue(e.getMessage().contains("holds strings"), e.getMessage());

    TextVectorization v = textVectorization().outputSequenceLength(3);
    v.adapt(List.of("a b"));
    var in = stringInput(1);
    var tokens = v.on(in);
    // The input feeds a second layer besides the vectorizer: it cannot run before the graph.
    Model both = model(in, concatenate(dense(1).on(tokens), dense(1).on(in)));
    RuntimeException r = assertThrows(RuntimeException.class, () -> both.predict("a b"));
    assertTrue(r.getMessage().contains("runs on the data before"), r.getMessage());
  }

  private static Map<String, byte[]> entries(Path zip) throws Exception {
    Map<String, byte[]> out = new HashMap<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }
}
