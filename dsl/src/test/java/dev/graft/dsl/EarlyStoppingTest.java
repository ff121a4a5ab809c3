package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keras 3's {@code EarlyStopping} through {@code fit}: patience, min_delta, mode, restoring the
 * best epoch's weights (bit for bit), and {@code val_loss} from {@code validationSplit}.
 *
 * <p>Most cases script the monitored value: a callback listed before the early stopping writes a
 * chosen value into the epoch's logs, so each case knows the epoch at which Keras stops. The model
 * still trains, so every epoch has different weights, which another callback records.
 */
class EarlyStoppingTest {
  private static final int MAX_EPOCHS = 12;

  /** What one fit with a scripted monitor did. */
  private record Run(int epochsRun, int stoppedEpoch, List<List<Tensor>> weightsPerEpoch, Model m) {
    /** True when the model now holds exactly the weights recorded at the end of {@code epoch}. */
    boolean holdsWeightsOf(int epoch) {
      List<Tensor> now = m.getWeights();
      List<Tensor> then = weightsPerEpoch.get(epoch);
      for (int i = 0; i < now.size(); i++) {
        if (!java.util.Arrays.equals(now.get(i).toArray(), then.get(i).toArray())) {
          return false;
        }
      }
      return true;
    }
  }

  private static Model regression() {
    seed(11);
    var in = input(4);
    Model m = model(in, dense(1).on(dense(8).activation("tanh").on(in)));
    m.compile(sgd(0.05, 0, false), "mse");
    return m;
  }

  /** Fits for up to {@link #MAX_EPOCHS} epochs with {@code key} = {@code values[epoch]} logged. */
  private static Run fitScripted(String key, double[] values, EarlyStopping es) {
    Model m = regression();
    Rng rng = new Rng(3);
    Tensor x = Tensor.rand(rng, 32, 4);
    Tensor y = Tensor.rand(rng, 32, 1);
    List<List<Tensor>> weights = new ArrayList<>();
    History h =
        m.fit(
            x,
            y,
            epochs(MAX_EPOCHS)
                .batchSize(8)
                .verbose(0)
                .callbacks(
                    new Callback() {
                      // A Callback, not onEpochEnd(...): lambdas get a read-only copy of the logs.
                      @Override
                      public void onEpochEnd(Training t, int epoch, Map<String, Double> logs) {
                        logs.put(key, values[epoch]);
                        weights.add(m.getWeights());
                      }
                    },
                    es));
    return new Run(h.epochs().size(), es.stoppedEpoch(), weights, m);
  }

  @Test
  void patienceCountsEpochsWithoutImprovement() {
    // best 0.8 at epoch 1, then 0.85 and 0.9: no improvement at epochs 2 and 3; 0.7 at epoch 4.
    double[] v = {1.0, 0.8, 0.85, 0.9, 0.7, 0.75, 0.76, 0.77, 0.78, 0.79, 0.8, 0.81};
    Run two = fitScripted("score", v, earlyStopping("score", 2).mode("min"));
    assertEquals(3, two.stoppedEpoch());
    assertEquals(4, two.epochsRun());
    Run three = fitScripted("score", v, earlyStopping("score", 3).mode("min"));
    assertEquals(7, three.stoppedEpoch());
    assertEquals(8, three.epochsRun());
    // Patience 0 (Keras's default): the first epoch without improvement stops.
    Run zero = fitScripted("score", v, earlyStopping("score", 0).mode("min"));
    assertEquals(2, zero.stoppedEpoch());
    // Never stopping: all epochs run and stoppedEpoch stays unset.
    double[] falling = new double[MAX_EPOCHS];
    for (int e = 0; e < MAX_EPOCHS; e++) {
      falling[e] = 1.0 / (e + 1);
    }
    Run none = fitScripted("score", falling, earlyStopping("score", 1).mode("min"));
    assertEquals(MAX_EPOCHS, none.epochsRun());
    assertEquals(-1, none.stoppedEpoch());
  }

  @Test
  void minDeltaIsTheLeastChangeThatCounts() {
    // Dyadic values, so "best - minDelta" is exact: 0.75 = 1.0 - 0.25 is not an improvement
    // (Keras: current - min_delta < best, strictly), 0.5 is.
    double[] v = {1.0, 0.75, 0.5, 0.375, 0.3125, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25};
    Run delta = fitScripted("score", v, earlyStopping("score", 1).mode("min").minDelta(0.25));
    assertEquals(1, delta.stoppedEpoch());
    // Negative deltas count by their size, as Keras's abs(min_delta).
    Run negative = fitScripted("score", v, earlyStopping("score", 2).mode("min").minDelta(-0.25));
    // 0.5 improves on 1.0 at epoch 2; 0.375 and 0.3125 fall by less than 0.25 from 0.5.
    assertEquals(4, negative.stoppedEpoch());
    Run plain = fitScripted("score", v, earlyStopping("score", 1).mode("min"));
    assertEquals(6, plain.stoppedEpoch());
  }

  @Test
  void modeChoosesTheDirection() {
    double[] v = {0.1, 0.2, 0.3, 0.25, 0.2, 0.1, 0.05, 0.0, 0.0, 0.0, 0.0, 0.0};
    assertEquals(4, fitScripted("score", v, earlyStopping("score", 2).mode("max")).stoppedEpoch());
    assertEquals(2, fitScripted("score", v, earlyStopping("score", 2).mode("min")).stoppedEpoch());
    // "auto": an accuracy rises, a loss falls (Keras looks up the metric's direction).
    assertEquals(
        4, fitScripted("val_accuracy", v, earlyStopping("val_accuracy", 2)).stoppedEpoch());
    assertEquals(2, fitScripted("val_loss", v, earlyStopping("val_loss", 2)).stoppedEpoch());
    assertThrows(IllegalArgumentException.class, () -> earlyStopping("val_loss", 2).mode("up"));
    assertThrows(IllegalArgumentException.class, () -> earlyStopping("val_loss", -1));
  }

  @Test
  void restoreBestWeightsPutsBackTheBestEpochBitForBit() {
    double[] v = {1.0, 0.8, 0.85, 0.9, 0.7, 0.75, 0.76, 0.77, 0.78, 0.79, 0.8, 0.81};
    Run restored =
        fitScripted("score", v, earlyStopping("score", 2).mode("min").restoreBestWeights(true));
    assertEquals(3, restored.stoppedEpoch());
    assertTrue(restored.holdsWeightsOf(1), "the weights of epoch 1 (score 0.8)");
    assertFalse(restored.holdsWeightsOf(3), "the epochs differ, else the check proves nothing");
    Run kept = fitScripted("score", v, earlyStopping("score", 2).mode("min"));
    assertTrue(kept.holdsWeightsOf(3), "without restoreBestWeights the last epoch's weights stay");
  }

  @Test
  void restoreBestWeightsAlsoWhenTheEpochsRunOut() {
    // Keras 3 restores in on_train_end, whether or not training stopped early.
    double[] v = {1.0, 0.8, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4};
    Run r =
        fitScripted("score", v, earlyStopping("score", 100).mode("min").restoreBestWeights(true));
    assertEquals(MAX_EPOCHS, r.epochsRun());
    assertTrue(r.holdsWeightsOf(2), "the weights of epoch 2 (score 0.5)");
  }

  @Test
  void validationSplitValLossStopsWhileTheTrainingLossStillFalls() {
    // The last quarter (the validation split) has the opposite targets of the rest: the more the
    // model fits the training rows, the worse the validation loss. From zero weights the training
    // loss falls and the validation loss rises every epoch.
    seed(5);
    var in = input(3);
    Model m = model(in, dense(1).useBias(false).kernelInitializer("zeros").on(in));
    m.compile(sgd(0.05, 0, false), "mse");
    Rng rng = new Rng(8);
    int n = 40;
    Tensor x = Tensor.rand(rng, n, 3);
    Tensor y = Tensor.zeros(n, 1);
    float[] w = {3, -2, 1};
    for (int i = 0; i < n; i++) {
      float t = x.get(i, 0) * w[0] + x.get(i, 1) * w[1] + x.get(i, 2) * w[2];
      y.set(i < 30 ? t : -t, i, 0);
    }
    List<List<Tensor>> weights = new ArrayList<>();
    EarlyStopping es = earlyStopping("val_loss", 2).restoreBestWeights(true);
    History h =
        m.fit(
            x,
            y,
            epochs(MAX_EPOCHS)
                .batchSize(10)
                .validationSplit(0.25)
                .verbose(0)
                .callbacks(onEpochEnd((e, logs) -> weights.add(m.getWeights())), es));
    List<Double> loss = h.get("loss");
    List<Double> valLoss = h.get("val_loss");
    assertEquals(3, loss.size(), "best at epoch 0, two epochs without improvement: " + valLoss);
    assertEquals(2, es.stoppedEpoch());
    for (int e = 1; e < loss.size(); e++) {
      assertTrue(loss.get(e) < loss.get(e - 1), "training loss falls: " + loss);
      assertTrue(valLoss.get(e) > valLoss.get(e - 1), "validation loss rises: " + valLoss);
    }
    assertArrayEquals(weights.get(0).get(0).toArray(), m.getWeights().get(0).toArray());
    // Watching the training loss instead, the same run goes on to the end.
    EarlyStopping onLoss = earlyStopping("loss", 2);
    m.fit(
        x, y, epochs(MAX_EPOCHS).batchSize(10).validationSplit(0.25).verbose(0).callbacks(onLoss));
    assertEquals(-1, onLoss.stoppedEpoch());
  }

  @Test
  void aMissingMonitorIsNamedWithTheLoggedKeys() {
    Model m = regression();
    Tensor x = Tensor.rand(new Rng(1), 8, 4);
    Tensor y = Tensor.rand(new Rng(2), 8, 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.fit(x, y, epochs(2).verbose(0).callbacks(earlyStopping("val_loss", 1))));
    assertTrue(
        e.getMessage().contains("val_loss") && e.getMessage().contains("loss"), e.getMessage());
  }
}
