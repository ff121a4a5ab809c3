package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Freezing a nested pre-trained model or one of its layers: frozen weights stay put during {@code
 * fit}, the summary says so, and unfreezing (at any depth, after training started) takes effect.
 */
class FreezingTest {
  private final Tensor x = Tensor.rand(32, 4);
  private final Tensor y = Tensor.rand(32, 1);

  /** A pre-trained block (40 params) under a new head (9 params). */
  private static Model[] build() {
    seed(3);
    var in = input(4);
    Model base = model(in, dense(8).activation("tanh").name("hidden").on(in)).name("base");
    var in2 = input(4);
    Model outer = model(in2, dense(1).name("head").on(base.on(in2)));
    outer.compile(adam(0.05), "mse");
    return new Model[] {outer, base};
  }

  private static boolean same(List<Tensor> a, List<Tensor> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!java.util.Arrays.equals(a.get(i).toArray(), b.get(i).toArray())) {
        return false;
      }
    }
    return true;
  }

  private void fit(Model m) {
    m.fit(x, y, epochs(2).batchSize(8).verbose(0));
  }

  @Test
  void frozenNestedModelKeepsItsWeightsAndUnfreezingTrainsIt() {
    Model[] mb = build();
    Model outer = mb[0];
    Model base = mb[1];
    base.trainable(false);
    List<Tensor> baseBefore = base.getWeights();
    List<Tensor> headBefore = outer.getLayer("head").getWeights();
    fit(outer);
    assertTrue(same(baseBefore, base.getWeights()), "frozen block unchanged");
    assertFalse(same(headBefore, outer.getLayer("head").getWeights()), "head trained");

    String summary = outer.summaryText(false);
    assertTrue(summary.contains("Trainable params: 9 "), summary);
    assertTrue(summary.contains("Non-trainable params: 40 "), summary);
    String baseRow =
        summary.lines().filter(l -> l.contains("base (Functional)")).findFirst().orElseThrow();
    assertTrue(baseRow.trim().endsWith("│ N         │"), baseRow);
    assertTrue(outer.summaryText(true).lines().anyMatch(l -> l.contains("hidden (Dense)")));

    base.trainable(true); // on the nested model, not the one that was compiled
    fit(outer);
    assertFalse(same(baseBefore, base.getWeights()), "unfrozen block trains");
  }

  @Test
  void freezingANestedLayerAfterTrainingStartedTakesEffect() {
    Model[] mb = build();
    Model outer = mb[0];
    fit(outer); // the training programs now exist
    Layer hidden = outer.getLayer("base/hidden");
    hidden.trainable(false);
    List<Tensor> before = hidden.getWeights();
    fit(outer);
    assertTrue(same(before, hidden.getWeights()), "layer frozen after compile stays frozen");
    assertTrue(outer.summaryText(true).contains("Non-trainable params: 40 "));
    hidden.trainable(true);
    fit(outer);
    assertFalse(same(before, hidden.getWeights()));
  }

  @Test
  void frozenTopModelChangesNothing() {
    Model outer = build()[0];
    outer.trainable(false);
    List<Tensor> before = outer.getWeights();
    fit(outer);
    assertTrue(same(before, outer.getWeights()));
    assertTrue(outer.trainableWeights().isEmpty());
    assertEquals(49, outer.nonTrainableWeights().stream().mapToLong(v -> v.shape().size()).sum());
    assertTrue(outer.gradients(x, y).isEmpty(), "no trainable weights, no gradients");
  }
}
