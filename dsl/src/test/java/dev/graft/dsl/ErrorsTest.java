package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The errors users meet with {@code fit}, {@code predict} and model building, message included. */
class ErrorsTest {
  private static String message(Class<? extends Throwable> type, Executable e) {
    return assertThrows(type, e).getMessage();
  }

  private static void assertContains(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "\"" + p + "\" not in: " + message);
    }
  }

  private static Model twoInputs() {
    var a = input("image", 8, 8, 3);
    var b = input("text", 5);
    var merged = concatenate(flatten().on(a), b);
    Model m = model(List.of(a, b), dense(1).activation("sigmoid").on(merged));
    m.compile(adam(), "binary_crossentropy", "accuracy");
    return m;
  }

  private static List<Tensor> twoInputData(int n) {
    return List.of(Tensor.rand(n, 8, 8, 3), Tensor.rand(n, 5));
  }

  @Test
  void fitBeforeCompile() {
    var in = input(3);
    Model m = model(in, dense(1).on(in)).name("uncompiled");
    assertContains(
        message(IllegalStateException.class, () -> m.fit(Tensor.rand(4, 3), Tensor.rand(4, 1), 1)),
        "compile()",
        "\"uncompiled\"");
  }

  @Test
  void wrongNumberOfInputs() {
    Model m = twoInputs();
    assertContains(
        message(
            IllegalArgumentException.class,
            () -> m.fit(List.of(Tensor.rand(4, 8, 8, 3)), Tensor.zeros(4, 1), 1)),
        "expects 2 input(s)",
        "[image, text]",
        "received 1");
  }

  @Test
  void wrongInputShapeNamesTheInputAndBothShapes() {
    Model m = twoInputs();
    assertContains(
        message(
            IllegalArgumentException.class,
            () -> m.predict(List.of(Tensor.rand(4, 8, 8, 3), Tensor.rand(4, 6)))),
        "Input 1",
        "\"text\"",
        "(None, 5)",
        "(4, 6)");
  }

  @Test
  void sampleCountsDiffer() {
    Model m = twoInputs();
    assertContains(
        message(
            IllegalArgumentException.class, () -> m.fit(twoInputData(6), Tensor.zeros(5, 1), 1)),
        "6 samples",
        "(5, 1)");
    assertContains(
        message(
            IllegalArgumentException.class,
            () ->
                m.fit(List.of(Tensor.rand(6, 8, 8, 3), Tensor.rand(5, 5)), Tensor.zeros(6, 1), 1)),
        "same number of samples",
        "\"text\") has 5");
  }

  @Test
  void labelsOutsideTheLossDomain() {
    Model m = twoInputs();
    Tensor y = Tensor.of(new float[] {0, 1, 2, 1}, 4, 1);
    assertContains(
        message(IllegalArgumentException.class, () -> m.fit(twoInputData(4), y, 1)),
        "Target 2.0",
        "position 2",
        "binary_crossentropy",
        "[0, 1]");
    var in = input(3);
    Model sparse = model(in, dense(4).activation("softmax").on(in));
    sparse.compile(adam(), "sparse_categorical_crossentropy");
    assertContains(
        message(
            IllegalArgumentException.class,
            () -> sparse.fit(Tensor.rand(2, 3), Tensor.of(new float[] {1, 4}, 2, 1), 1)),
        "Target 4.0",
        "[0, 4)");
  }

  @Test
  void nanAndInfiniteInputs() {
    Model m = twoInputs();
    List<Tensor> x = twoInputData(4);
    x.get(1).setFlat(7, Float.NaN);
    assertContains(
        message(IllegalArgumentException.class, () -> m.fit(x, Tensor.zeros(4, 1), 1)),
        "input \"text\"",
        "NaN",
        "flat position 7",
        "finite");
    List<Tensor> x2 = twoInputData(4);
    x2.get(0).setFlat(0, Float.POSITIVE_INFINITY);
    assertContains(
        message(IllegalArgumentException.class, () -> m.predict(x2)), "\"image\"", "Infinity");
  }

  @Test
  void failedFitLeavesTheWeightsOfTheLastGoodStep() {
    seed(1);
    var in = input(3);
    Model m = model(in, dense(1).activation("sigmoid").on(flatten().on(embedding(10, 4).on(in))));
    m.compile(adam(0.1), "binary_crossentropy");
    Tensor x = Tensor.randint(0, 10, 24, 3);
    x.setFlat(2 * 8 * 3 + 4, 15f); // row 17: in the third batch of 8
    Tensor y = Tensor.randint(0, 2, 24, 1);
    List<List<Tensor>> afterBatch = new ArrayList<>();
    List<String> ended = new ArrayList<>();
    var record =
        onBatchEnd((b, logs) -> afterBatch.add(m.getWeights())).onTrainEnd(() -> ended.add("end"));
    var e =
        assertThrows(
            RuntimeException.class,
            () -> m.fit(x, y, epochs(1).batchSize(8).shuffle(false).verbose(0).callbacks(record)));
    assertContains(e.getMessage(), "15", "out of range");
    assertEquals(2, afterBatch.size());
    assertEquals(List.of("end"), ended, "callbacks still see the end of training");
    assertEquals(2, m.optimizer().iterations(), "the failed step does not count");
    List<Tensor> now = m.getWeights();
    for (int i = 0; i < now.size(); i++) {
      assertArrayEquals(afterBatch.get(1).get(i).toArray(), now.get(i).toArray());
    }
  }

  @Test
  void graphDisconnectedNamesTheMissingInputAndThePath() {
    var a = input("a", 4);
    var b = input("b", 4);
    var hidden = dense(3).name("hidden_b").on(b);
    var merged = concatenate(dense(3).name("hidden_a").on(a), hidden);
    var out = dense(1).name("out").on(merged);
    assertContains(
        message(IllegalArgumentException.class, () -> model(a, out)),
        "Graph disconnected",
        "input \"b\"",
        "b -> hidden_b -> concatenate",
        "-> out",
        "inputs are [a]");
  }

  @Test
  void inputsByNameAreMatchedStrictly() {
    Model m = twoInputs();
    Map<String, Tensor> ok = new LinkedHashMap<>();
    ok.put("text", Tensor.rand(2, 5));
    ok.put("image", Tensor.rand(2, 8, 8, 3));
    assertEquals(List.of(2, 1), List.of(m.predict(ok).get(0).shape().toArray()[0], 1));
    Map<String, Tensor> bad = new LinkedHashMap<>();
    bad.put("image", Tensor.rand(2, 8, 8, 3));
    bad.put("txt", Tensor.rand(2, 5));
    assertContains(
        message(IllegalArgumentException.class, () -> m.predict(bad)),
        "expects inputs named [image, text]",
        "missing [text]",
        "unknown [txt]");
  }
}
