package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.graft.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A loss and the metrics over a masked output count the kept steps only, as Keras 3's {@code
 * Loss.__call__} (mask from the prediction, {@code sum(loss * mask) / count(mask)}) and its metrics
 * (mask as sample weight) do: the expected values are computed here from {@code predict}'s output.
 */
class MaskedLossTest {
  private static final int STEPS = 6;

  /** Token ids with trailing padding (0) of different lengths, one row all padding. */
  private static final float[][] IDS = {
    {3, 1, 4, 0, 0, 0},
    {5, 9, 2, 6, 5, 3},
    {5, 8, 0, 0, 0, 0},
    {0, 0, 0, 0, 0, 0},
    {9, 7, 9, 3, 0, 0}
  };

  private static Model tagger() {
    Graft.seed(7);
    var ids = input(STEPS);
    var h = lstm(8).returnSequences(true).on(embedding(10, 4).maskZero(true).on(ids));
    Model m = model(ids, dense(3).activation("softmax").on(h)); // Dense passes the mask on
    m.compile(sgd(), "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  private static Tensor tags(float padValue) {
    float[] t = new float[IDS.length * STEPS];
    for (int b = 0; b < IDS.length; b++) {
      for (int s = 0; s < STEPS; s++) {
        t[b * STEPS + s] = IDS[b][s] == 0 ? padValue : (int) IDS[b][s] % 3;
      }
    }
    return Tensor.wrap(t, IDS.length, STEPS);
  }

  @Test
  void lossAndAccuracyCountKeptStepsOnly() {
    Model m = tagger();
    Tensor x = Tensor.of(IDS);
    Tensor y = tags(2);
    Tensor p = m.predict(x);
    double sum = 0;
    int kept = 0;
    int right = 0;
    for (int b = 0; b < IDS.length; b++) {
      for (int s = 0; s < STEPS; s++) {
        if (IDS[b][s] == 0) {
          continue;
        }
        int target = (int) y.get(b, s);
        sum -= Math.log(p.get(b, s, target));
        kept++;
        int best = 0;
        for (int c = 1; c < 3; c++) {
          if (p.get(b, s, c) > p.get(b, s, best)) {
            best = c;
          }
        }
        right += best == target ? 1 : 0;
      }
    }
    double[] lossAndAccuracy = m.evaluate(x, y);
    assertEquals(sum / kept, lossAndAccuracy[0], 1e-5);
    assertEquals((double) right / kept, lossAndAccuracy[1], 1e-12);
  }

  @Test
  void paddedTargetsGetNoGradient() {
    Model m = tagger();
    Tensor x = Tensor.of(IDS);
    Map<String, Tensor> g0 = m.gradients(x, tags(0));
    Map<String, Tensor> g2 = m.gradients(x, tags(2));
    assertEquals(g0.keySet(), g2.keySet());
    for (String name : g0.keySet()) {
      assertArrayEquals(g0.get(name).toArray(), g2.get(name).toArray(), name);
    }
  }

  @Test
  void allPaddingGivesZeroLoss() {
    Model m = tagger();
    Tensor x = Tensor.of(new float[][] {{0, 0, 0, 0, 0, 0}});
    double[] v = m.evaluate(x, Tensor.zeros(1, STEPS));
    assertEquals(0.0, v[0]);
    // and training on it changes nothing (no kept step, no gradient)
    float[] before = m.getWeights().get(0).toArray();
    m.trainOnBatch(x, Tensor.zeros(1, STEPS));
    assertArrayEquals(before, m.getWeights().get(0).toArray());
  }

  @Test
  void unmaskedModelIsUnchanged() {
    Graft.seed(7);
    var ids = input(STEPS);
    var h = lstm(8).returnSequences(true).on(embedding(10, 4).on(ids));
    Model m = model(ids, dense(3).activation("softmax").on(h));
    m.compile(sgd(), "sparse_categorical_crossentropy", "accuracy");
    Tensor x = Tensor.of(IDS);
    Tensor y = tags(2);
    Tensor p = m.predict(x);
    double sum = 0;
    for (int b = 0; b < IDS.length; b++) {
      for (int s = 0; s < STEPS; s++) {
        sum -= Math.log(p.get(b, s, (int) y.get(b, s)));
      }
    }
    double[] v = m.evaluate(x, y);
    assertEquals(sum / (IDS.length * STEPS), v[0], 1e-5);
    assertNotEquals(m.evaluate(x, tags(0))[0], v[0]); // padding counts when nothing masks it
  }
}
