package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A model with two heads: per-output losses, loss weights and metrics named after each output. */
class MultiOutputTest {
  private final Rng data = new Rng(4);
  private final Tensor x = Tensor.rand(data, 30, 5);
  private final Tensor yA = Tensor.randint(data, 0, 2, 30, 1);
  private final Tensor yB = Tensor.randint(data, 0, 3, 30, 1);

  private static Model twoHeads() {
    seed(8);
    var in = input(5);
    var h = dense(8).activation("relu").name("shared").on(in);
    var a = dense(1).activation("sigmoid").name("out_a").on(h);
    var b = dense(3).activation("softmax").name("out_b").on(h);
    return model(List.of(in), List.of(a, b));
  }

  private static final List<String> LOSSES =
      List.of("binary_crossentropy", "sparse_categorical_crossentropy");

  @Test
  void perOutputLossesWeightsAndMetrics() {
    Model m = twoHeads();
    m.compile(adam(), LOSSES, List.of(1.0, 0.5), List.of(List.of("accuracy"), List.of("accuracy")));
    assertEquals(
        List.of("loss", "out_a_loss", "out_b_loss", "out_a_accuracy", "out_b_accuracy"),
        m.metricsNames());
    double[] r = m.evaluate(List.of(x), List.of(yA, yB));
    assertEquals(r[0], r[1] + r[2], 1e-5, "the loss is the sum of the weighted output losses");

    Model same = twoHeads();
    same.compile(adam(), LOSSES, List.of(List.of(), List.of()));
    double[] unweighted = same.evaluate(List.of(x), List.of(yA, yB));
    assertEquals(r[1], unweighted[1], 1e-6);
    assertEquals(r[2], 0.5 * unweighted[2], 1e-6, "out_b's loss is weighted by 0.5");

    // Each accuracy is the one its loss calls for, on its own output.
    List<Tensor> p = m.predict(List.of(x));
    int binary = 0;
    int sparse = 0;
    for (int i = 0; i < 30; i++) {
      binary += (p.get(0).getFlat(i) > 0.5f ? 1 : 0) == (int) yA.getFlat(i) ? 1 : 0;
      int best = 0;
      for (int c = 1; c < 3; c++) {
        best = p.get(1).getFlat(3 * i + c) > p.get(1).getFlat(3 * i + best) ? c : best;
      }
      sparse += best == (int) yB.getFlat(i) ? 1 : 0;
    }
    assertEquals(binary / 30.0, r[3], 1e-6);
    assertEquals(sparse / 30.0, r[4], 1e-6);

    History h = m.fit(List.of(x), List.of(yA, yB), epochs(2).verbose(0).validationSplit(0.2));
    assertTrue(h.history().keySet().containsAll(List.of("out_a_loss", "val_out_b_accuracy")));
  }

  @Test
  void aZeroLossWeightCutsTheGradientOfThatHead() {
    Model m = twoHeads();
    m.compile(sgd(), LOSSES, List.of(1, 0), List.of());
    Map<String, Tensor> g = m.gradients(List.of(x), List.of(yA, yB));
    assertEquals(0.0, maxAbs(g.get("out_b/kernel")));
    assertTrue(maxAbs(g.get("out_a/kernel")) > 0);
    assertEquals(List.of("loss", "out_a_loss", "out_b_loss"), m.metricsNames());
  }

  private static double maxAbs(Tensor t) {
    double m = 0;
    for (int i = 0; i < t.size(); i++) {
      m = Math.max(m, Math.abs(t.getFlat(i)));
    }
    return m;
  }

  @Test
  void mismatchedCompileArguments() {
    Model m = twoHeads();
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.compile(adam(), List.of("mse", "mse", "mse"), List.of()));
    assertTrue(e.getMessage().contains("2 outputs but 3 losses"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.compile(adam(), LOSSES, List.of(1.0), List.of()));
    assertTrue(e.getMessage().contains("1 loss weights for 2 losses"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.compile(adam(), LOSSES, List.of(List.of("accuracy"))));
    assertTrue(e.getMessage().contains("one list per output (2); got 1"), e.getMessage());
  }
}
