package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.internal.GradientStep;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seam of data-parallel training: gradients of two half batches, averaged and applied, give the
 * weights of one step on the whole batch; the flat vector matches {@code Model.gradients}.
 */
class GradientStepTest {
  private final Rng data = new Rng(5);
  private final Tensor a = Tensor.rand(data, 32, 4);
  private final Tensor b = Tensor.rand(data, 32, 3);
  private final Tensor y = Tensor.randint(data, 0, 2, 32, 1);

  private static Model twoInputs() {
    var ia = input("a", 4);
    var ib = input("b", 3);
    var m = concatenate(dense(8).activation("relu").on(ia), dense(5).activation("tanh").on(ib));
    Model model = model(List.of(ia, ib), dense(1).activation("sigmoid").on(m));
    model.compile(adam(0.01), "binary_crossentropy");
    return model;
  }

  @Test
  void averagedHalfBatchesEqualOneWholeBatchStep() {
    Model whole = twoInputs();
    Model halves = twoInputs();
    halves.setWeights(whole.getWeights());
    GradientStep step = halves.gradientStep();
    int size = step.prepare(List.of(a, b), List.of(y));
    assertEquals(8 * 4 + 8 + 5 * 3 + 5 + 13 + 1, size);
    for (int s = 0; s < 3; s++) {
      whole.trainOnBatch(List.of(a, b), List.of(y));
      float[] g0 = new float[size];
      float[] g1 = new float[size];
      double l0 = step.compute(List.of(a, b), List.of(y), null, 0, 16, g0);
      double l1 = step.compute(List.of(a, b), List.of(y), null, 16, 16, g1);
      assertTrue(Double.isFinite(l0 + l1));
      for (int i = 0; i < size; i++) {
        g0[i] = (g0[i] + g1[i]) / 2;
      }
      step.apply(g0);
    }
    assertEquals(whole.optimizer().iterations(), halves.optimizer().iterations());
    List<Tensor> w = whole.getWeights();
    List<Tensor> h = halves.getWeights();
    for (int i = 0; i < w.size(); i++) {
      assertTrue(w.get(i).allClose(h.get(i), 0, 1e-6), "weight " + i);
    }
  }

  @Test
  void flatGradientsMatchModelGradients() {
    Model m = twoInputs();
    GradientStep step = m.gradientStep();
    float[] g = new float[step.prepare(List.of(a, b), List.of(y))];
    step.compute(List.of(a, b), List.of(y), null, 0, 32, g);
    var expected = m.gradients(List.of(a, b), List.of(y));
    int offset = 0;
    for (var v : step.variables()) {
      Tensor e = expected.get(v.name());
      Tensor got = Tensor.wrap(g, offset, v.shape());
      assertTrue(e.allClose(got, 0, 1e-7), v.name());
      offset += v.shape().size();
    }
  }
}
