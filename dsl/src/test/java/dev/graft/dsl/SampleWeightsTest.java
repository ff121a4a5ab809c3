package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** sample_weight and class_weight scale each sample's loss as Keras does: sum(w·loss) / N. */
class SampleWeightsTest {
  private static Model build(long seed) {
    seed(seed);
    var in = input(3);
    Model m = model(in, dense(1).activation("sigmoid").on(in));
    m.compile(sgd(0.5, 0, false), "binary_crossentropy");
    return m;
  }

  private static final Tensor X = Tensor.rand(new Rng(1), 4, 3);
  private static final Tensor Y = Tensor.of(new float[] {0, 1, 1, 0}, 4, 1);

  /** The loss of one full-batch step, and the weights after it. */
  private static double[] firstLoss(Model m, FitOptions o) {
    History h = m.fit(X, Y, o.batchSize(4).shuffle(false).verbose(0));
    return new double[] {h.get("loss").get(0)};
  }

  @Test
  void sampleWeightsScaleEachSamplesLoss() {
    Model plain = build(3);
    double[] perSample = new double[4];
    Tensor p = plain.predict(X);
    double mean = 0;
    for (int i = 0; i < 4; i++) {
      double q = p.getFlat(i);
      perSample[i] = Y.getFlat(i) == 1 ? -Math.log(q) : -Math.log(1 - q);
      mean += perSample[i] / 4;
    }
    assertEquals(mean, firstLoss(plain, epochs(1))[0], 1e-5);
    Model weighted = build(3);
    double want = (2 * perSample[0] + 0 * perSample[1] + 1 * perSample[2] + 3 * perSample[3]) / 4;
    double got = firstLoss(weighted, epochs(1).sampleWeight(Tensor.of(2f, 0f, 1f, 3f)))[0];
    assertEquals(want, got, 1e-5);
  }

  @Test
  void classWeightsWeightEachSampleByItsLabel() {
    Model a = build(4);
    double byClass = firstLoss(a, epochs(1).classWeight(Map.of(0, 2f, 1, 0.5f)))[0];
    Model b = build(4);
    double bySample = firstLoss(b, epochs(1).sampleWeight(Tensor.of(2f, 0.5f, 0.5f, 2f)))[0];
    assertEquals(bySample, byClass, 1e-7);
    assertTrue(a.getWeights().get(0).allClose(b.getWeights().get(0), 1e-6, 1e-7));
  }

  @Test
  void aClassWithoutAWeightIsNamed() {
    Model m = build(5);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.fit(X, Y, epochs(1).verbose(0).classWeight(Map.of(0, 1f))));
    assertTrue(e.getMessage().contains("class 1"), e.getMessage());
  }
}
