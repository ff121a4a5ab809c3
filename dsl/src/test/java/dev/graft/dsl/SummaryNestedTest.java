package dev.graft.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code summary(true)} expands nested models; the seed models' counts equal Keras's. */
class SummaryNestedTest {
  private static void check(Model m, String total, List<String> nestedRows, List<String> inner) {
    String flat = m.summaryText(false);
    String expanded = m.summaryText(true);
    for (String text : List.of(flat, expanded)) {
      assertTrue(text.contains("Total params: " + total + " "), text);
      assertTrue(text.contains("Trainable params: " + total + " "), text);
      assertTrue(text.contains("Non-trainable params: 0 "), text);
    }
    for (String row : nestedRows) {
      assertTrue(flat.contains(row), row + " in\n" + flat);
      assertTrue(expanded.contains(row), row + " in\n" + expanded);
    }
    for (String row : inner) {
      assertTrue(!flat.contains(row), row + " not expanded in\n" + flat);
      assertTrue(
          expanded.contains("│   " + row), row + " indented under its model in\n" + expanded);
    }
    assertTrue(expanded.lines().count() > flat.lines().count());
  }

  @Test
  void seed1() {
    Model m = ReferenceModelsTest.seed1();
    check(
        m,
        "3,998,337",
        List.of("model (Functional)", "model_1 (Functional)", "3,937,280"),
        List.of("conv2d (Conv2D)", "lstm (LSTM)", "embedding (Embedding)"));
    assertEquals(3_998_337, m.countParams());
  }

  @Test
  void seed2Subclassed() {
    Model m = ReferenceModelsTest.seed2Subclassed();
    check(
        m,
        "123,265",
        List.of("model (Functional)", "model_1 (Functional)"),
        List.of("lstm (LSTM)", "dense_1 (Dense)"));
    assertTrue(m.summaryText(false).startsWith("Model: \"merged_model"), m.summaryText(false));
  }

  @Test
  void seed3() {
    check(
        ReferenceModelsTest.seed3(),
        "24,290",
        List.of("(Sequential)"),
        List.of("conv2d_1 (Conv2D)", "max_pooling2d (MaxPooling2D)"));
  }
}
