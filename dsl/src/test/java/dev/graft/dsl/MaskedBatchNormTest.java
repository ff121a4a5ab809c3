package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BatchNormalization under a mask, as Keras 3's: training statistics over the kept steps only
 * ({@code _moments(inputs, mask)}), and the mask passes on to the layers after it.
 */
class MaskedBatchNormTest {
  private static final float[][] IDS = {{3, 1, 4, 0, 0}, {5, 9, 0, 0, 0}, {2, 6, 5, 3, 5}};

  @Test
  void trainingStatisticsCountKeptStepsOnly() {
    Graft.seed(3);
    var ids = input(5);
    var embedding = embedding(10, 4).maskZero(true);
    var norm = batchNormalization().momentum(0.5);
    Model m = model(ids, globalAveragePooling1d().on(norm.on(embedding.on(ids))));
    m.compile(sgd(), "mse");
    Tensor table = embedding.getWeights().get(0);
    m.trainOnBatch(Tensor.of(IDS), Tensor.zeros(3, 4));
    List<Tensor> w = norm.getWeights();
    Tensor movingMean = w.get(2);
    Tensor movingVariance = w.get(3);
    for (int c = 0; c < 4; c++) {
      double sum = 0;
      int kept = 0;
      for (float[] row : IDS) {
        for (float id : row) {
          if (id != 0) {
            sum += table.get((int) id, c);
            kept++;
          }
        }
      }
      double mean = sum / (kept + 1e-7);
      double q = 0;
      for (float[] row : IDS) {
        for (float id : row) {
          if (id != 0) {
            double d = table.get((int) id, c) - mean;
            q += d * d;
          }
        }
      }
      double variance = q / (kept + 1e-7);
      assertEquals(0.5 * mean, movingMean.get(c), 1e-6, "moving_mean " + c);
      assertEquals(0.5 + 0.5 * variance, movingVariance.get(c), 1e-6, "moving_variance " + c);
    }
  }

  @Test
  void maskPassesOnToTheRecurrentLayer() {
    Graft.seed(4);
    var ids = input(NONE);
    var x = batchNormalization().on(embedding(10, 4).maskZero(true).on(ids));
    Model m = model(ids, lstm(3).on(x));
    Tensor padded = m.predict(Tensor.of(new float[][] {{3, 1, 4, 0, 0}}));
    Tensor unpadded = m.predict(Tensor.of(new float[][] {{3, 1, 4}}));
    assertArrayEquals(unpadded.toArray(), padded.toArray(), 1e-6f);
  }
}
