package dev.graft.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Each metric against values worked out by hand, and accumulation over batches. */
class MetricsTest {
  private static final Tensor Y = Tensor.of(new float[] {1, 0, 1, 1, 0, 0}, 6, 1);
  private static final Tensor P = Tensor.of(new float[] {0.9f, 0.6f, 0.4f, 0.7f, 0.2f, 0.1f}, 6, 1);

  private static double run(Metric m) {
    m.reset();
    m.update(Y.slice(0, 3), P.slice(0, 3));
    m.update(Y.slice(3, 6), P.slice(3, 6));
    return m.result();
  }

  @Test
  void binaryMetricsAtThresholdHalf() {
    // predicted positive: 0.9, 0.6, 0.7 -> tp 2 (0.9, 0.7), fp 1 (0.6); fn 1 (0.4); tn 2.
    assertEquals(4.0 / 6, run(Metrics.binaryAccuracy(0.5f)), 1e-12);
    assertEquals(2.0 / 3, run(Metrics.precision()), 1e-12);
    assertEquals(2.0 / 3, run(Metrics.recall()), 1e-12);
  }

  @Test
  void aucMatchesTheRankStatistic() {
    // Positives {0.9, 0.4, 0.7}, negatives {0.6, 0.2, 0.1}: 8 of 9 pairs ranked right.
    assertEquals(8.0 / 9, run(Metrics.auc()), 2e-3);
  }

  @Test
  void regressionMetrics() {
    double mae = (0.1 + 0.6 + 0.6 + 0.3 + 0.2 + 0.1) / 6;
    double mse = (0.01 + 0.36 + 0.36 + 0.09 + 0.04 + 0.01) / 6;
    assertEquals(mae, run(Metrics.meanAbsoluteError()), 1e-6);
    assertEquals(mse, run(Metrics.meanSquaredError()), 1e-6);
  }

  @Test
  void categoricalAccuracies() {
    Tensor probs = Tensor.of(new float[] {0.1f, 0.7f, 0.2f, 0.5f, 0.3f, 0.2f}, 2, 3);
    Tensor oneHot = Tensor.of(new float[] {0, 1, 0, 0, 0, 1}, 2, 3);
    Tensor sparse = Tensor.of(new float[] {1, 0}, 2, 1);
    Metric cat = Metrics.categoricalAccuracy();
    cat.update(oneHot, probs);
    assertEquals(0.5, cat.result(), 1e-12);
    Metric sp = Metrics.sparseCategoricalAccuracy();
    sp.update(sparse, probs);
    assertEquals(1.0, sp.result(), 1e-12);
  }

  @Test
  void accuracyIsChosenByTheLossAsKerasDoes() {
    assertTrue(Metrics.of("accuracy", Loss.of("binary_crossentropy")).name().equals("accuracy"));
    Metric sparse = Metrics.of("accuracy", Loss.of("sparse_categorical_crossentropy"));
    sparse.update(
        Tensor.of(new float[] {2}, 1, 1), Tensor.of(new float[] {0.1f, 0.2f, 0.7f}, 1, 3));
    assertEquals(1.0, sparse.result(), 0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Metrics.of("f1_score", null));
    assertTrue(
        e.getMessage().contains("f1_score") && e.getMessage().contains("auc"), e.getMessage());
  }
}
