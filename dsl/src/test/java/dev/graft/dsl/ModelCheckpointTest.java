package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras's {@code ModelCheckpoint} through {@code fit}. Every model is seeded, so each test gives
 * the same numbers alone or in any order; saved weights are compared bit for bit.
 */
class ModelCheckpointTest {
  private static Model small() {
    seed(21);
    var in = input(4);
    Model m = model(in, dense(1).activation("sigmoid").on(dense(8).activation("relu").on(in)));
    m.compile(adam(0.01), "binary_crossentropy", "accuracy");
    return m;
  }

  private static boolean sameBits(List<Tensor> a, List<Tensor> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i).toArray(), b.get(i).toArray())) {
        return false;
      }
    }
    return true;
  }

  /** Writes {@code values[epoch]} as {@code "score"} into the epoch's logs and records weights. */
  private static Callback script(Model m, double[] values, List<List<Tensor>> weights) {
    return new Callback() {
      // A Callback, not onEpochEnd(...): lambdas get a read-only copy of the logs.
      @Override
      public void onEpochEnd(Training t, int epoch, Map<String, Double> logs) {
        logs.put("score", values[epoch]);
        weights.add(m.getWeights());
      }
    };
  }

  @Test
  void savesEveryEpochAndTheLastFileReloadsTheModel(@TempDir Path dir) {
    Model m = small();
    Rng rng = new Rng(4);
    Tensor x = Tensor.rand(rng, 64, 4);
    Tensor y = Tensor.randint(rng, 0, 2, 64, 1);
    String pattern = dir.resolve("ckpt-{epoch}.keras").toString();
    m.fit(x, y, epochs(3).verbose(0).callbacks(modelCheckpoint(pattern).monitor("loss")));
    for (int e = 1; e <= 3; e++) {
      assertTrue(Files.exists(dir.resolve("ckpt-0" + e + ".keras")), "epoch " + e);
    }
    Model back = Model.load(dir.resolve("ckpt-03.keras"));
    assertTrue(
        sameBits(m.getWeights(), back.getWeights()), "the last epoch's weights, bit for bit");
    // The same weights predict the same within float rounding (a kernel's first interpreted run
    // and its JIT-compiled runs may round differently).
    assertTrue(back.predict(x).allClose(m.predict(x), 1e-5, 1e-6));
  }

  @Test
  void bestOnlySavesWhenTheMonitoredValueImproves(@TempDir Path dir) {
    Model m = small();
    Rng rng = new Rng(5);
    Tensor x = Tensor.rand(rng, 64, 4);
    Tensor y = Tensor.randint(rng, 0, 2, 64, 1);
    // Improvements at epochs 0, 1 and 4 (1-based file names 01, 02, 05); the last epoch is worse.
    double[] score = {1.0, 0.5, 0.7, 0.6, 0.4, 0.9};
    List<List<Tensor>> weights = new ArrayList<>();
    Path best = dir.resolve("best.weights.h5");
    m.fit(
        x,
        y,
        epochs(score.length)
            .verbose(0)
            .callbacks(
                script(m, score, weights),
                modelCheckpoint(dir.resolve("ckpt-{epoch}.weights.h5").toString())
                    .monitor("score")
                    .saveBestOnly(true)
                    .saveWeightsOnly(true),
                modelCheckpoint(best.toString())
                    .monitor("score")
                    .saveBestOnly(true)
                    .saveWeightsOnly(true)));
    for (int e = 1; e <= score.length; e++) {
      boolean improved = e == 1 || e == 2 || e == 5;
      assertEquals(improved, Files.exists(dir.resolve("ckpt-0" + e + ".weights.h5")), "epoch " + e);
    }
    Model other = small();
    other.loadWeights(best);
    assertTrue(sameBits(weights.get(4), other.getWeights()), "epoch 4's weights (score 0.4)");
    assertFalse(sameBits(weights.get(5), other.getWeights()), "not the last epoch's");
  }

  @Test
  void bestOnlyWithModeMaxKeepsTheHighestValue(@TempDir Path dir) {
    Model m = small();
    Rng rng = new Rng(6);
    Tensor x = Tensor.rand(rng, 32, 4);
    Tensor y = Tensor.randint(rng, 0, 2, 32, 1);
    double[] score = {0.2, 0.6, 0.4, 0.5};
    List<List<Tensor>> weights = new ArrayList<>();
    Path best = dir.resolve("best.keras");
    m.fit(
        x,
        y,
        epochs(score.length)
            .verbose(0)
            .callbacks(
                script(m, score, weights),
                modelCheckpoint(best.toString()).monitor("score").mode("max").saveBestOnly(true)));
    assertTrue(sameBits(weights.get(1), Model.load(best).getWeights()), "epoch 1 (score 0.6)");
  }

  @Test
  void bestOnlyOnValLossFromAValidationSplit(@TempDir Path dir) {
    // The validation rows (the last quarter) have the opposite targets: fitting the training rows
    // makes the validation loss rise every epoch, so the first epoch stays the best.
    seed(5);
    var in = input(3);
    Model m = model(in, dense(1).useBias(false).kernelInitializer("zeros").on(in));
    m.compile(sgd(0.05, 0, false), "mse");
    Rng rng = new Rng(8);
    int n = 40;
    Tensor x = Tensor.rand(rng, n, 3);
    Tensor y = Tensor.zeros(n, 1);
    for (int i = 0; i < n; i++) {
      float t = 3 * x.get(i, 0) - 2 * x.get(i, 1) + x.get(i, 2);
      y.set(i < 30 ? t : -t, i, 0);
    }
    List<List<Tensor>> weights = new ArrayList<>();
    Path best = dir.resolve("best.weights.h5");
    History h =
        m.fit(
            x,
            y,
            epochs(5)
                .batchSize(10)
                .validationSplit(0.25)
                .verbose(0)
                .callbacks(
                    onEpochEnd((e, logs) -> weights.add(m.getWeights())),
                    modelCheckpoint(best.toString()).saveBestOnly(true).saveWeightsOnly(true)));
    List<Double> valLoss = h.get("val_loss");
    for (int e = 1; e < valLoss.size(); e++) {
      assertTrue(valLoss.get(e) > valLoss.get(e - 1), "validation loss rises: " + valLoss);
    }
    Model other = model(in, dense(1).useBias(false).on(in));
    other.loadWeights(best);
    assertTrue(sameBits(weights.get(0), other.getWeights()), "the first epoch's weights");
  }

  @Test
  void aMissingMonitorIsNamed(@TempDir Path dir) {
    Model m = small();
    Tensor x = Tensor.rand(new Rng(6), 8, 4);
    Tensor y = Tensor.randint(new Rng(7), 0, 2, 8, 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                m.fit(
                    x,
                    y,
                    epochs(1)
                        .verbose(0)
                        .callbacks(
                            modelCheckpoint(dir.resolve("m.keras").toString())
                                .saveBestOnly(true))));
    assertTrue(e.getMessage().contains("val_loss"), e.getMessage());
  }
}
