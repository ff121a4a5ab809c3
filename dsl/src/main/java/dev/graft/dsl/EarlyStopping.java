package dev.graft.dsl;

import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code EarlyStopping}: stops when {@code monitor} has not improved by more than {@code
 * minDelta} for {@code patience} epochs; optionally restores the best weights.
 */
public final class EarlyStopping implements Callback {
  private final Monitor monitor;
  private final int patience;
  private boolean restoreBestWeights;
  private int wait;
  private List<Tensor> bestWeights;
  private int stoppedEpoch = -1;

  /**
   * Watches {@code monitor} (e.g. {@code "val_loss"}); lower is better unless its name contains
   * "acc" or "auc", as Keras's {@code mode="auto"}.
   *
   * @param monitor the logged value watched, as named in the logs
   * @param patience the epochs without improvement before stopping
   * @throws IllegalArgumentException if {@code patience < 0}
   */
  public EarlyStopping(String monitor, int patience) {
    if (patience < 0) {
      throw new IllegalArgumentException("EarlyStopping: Received: patience=" + patience);
    }
    this.monitor = new Monitor("EarlyStopping", monitor);
    this.patience = patience;
  }

  /**
   * The least change that counts as an improvement; returns this.
   *
   * @param delta the least improvement, 0 or more
   * @return this callback, for chaining
   */
  public EarlyStopping minDelta(double delta) {
    monitor.minDelta(delta);
    return this;
  }

  /**
   * Whether to put back the weights of the best epoch at the end of training (stopped early or not,
   * as Keras 3); returns this.
   *
   * @param value true to restore the best epoch's weights
   * @return this callback, for chaining
   */
  public EarlyStopping restoreBestWeights(boolean value) {
    this.restoreBestWeights = value;
    return this;
  }

  /**
   * {@code "min"}, {@code "max"} or {@code "auto"}; returns this.
   *
   * @param mode {@code "min"} (lower is better), {@code "max"} or {@code "auto"} (max for names
   *     with "acc" or "auc")
   * @return this callback, for chaining
   */
  public EarlyStopping mode(String mode) {
    monitor.mode(mode);
    return this;
  }

  /**
   * The epoch training stopped at, or -1.
   *
   * @return the 0-based epoch, or -1 if training ran to the end
   */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  @Override
  public void onTrainBegin(Training t) {
    monitor.check(t.model().metricsNames());
    monitor.reset();
    wait = 0;
    bestWeights = null;
    stoppedEpoch = -1;
  }

  @Override
  public void onEpochEnd(Training t, int epoch, Map<String, Double> logs) {
    if (monitor.improves(monitor.value(logs))) {
      wait = 0;
      if (restoreBestWeights) {
        bestWeights = t.model().getWeights();
      }
      return;
    }
    wait++;
    if (wait >= patience) {
      stoppedEpoch = epoch;
      t.stopTraining();
    }
  }

  /** As Keras 3: the best weights come back at the end, whether or not training stopped early. */
  @Override
  public void onTrainEnd(Training t) {
    if (restoreBestWeights && bestWeights != null) {
      t.model().setWeights(bestWeights);
    }
  }
}
