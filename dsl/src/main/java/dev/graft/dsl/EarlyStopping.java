package dev.graft.dsl;

import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code EarlyStopping}: stops when {@code monitor} has not improved by more than {@code
 * minDelta} for {@code patience} epochs; optionally restores the best weights.
 */
public final class EarlyStopping implements Callback {
  private final String monitor;
  private final int patience;
  private double minDelta;
  private boolean restoreBestWeights;
  private boolean maximize;
  private double best;
  private int wait;
  private List<Tensor> bestWeights;
  private int stoppedEpoch = -1;

  /**
   * Watches {@code monitor} (e.g. {@code "val_loss"}); lower is better unless its name contains
   * "acc" or "auc", as Keras's {@code mode="auto"}.
   *
   * @throws IllegalArgumentException if {@code patience < 0}
   */
  public EarlyStopping(String monitor, int patience) {
    if (patience < 0) {
      throw new IllegalArgumentException("EarlyStopping: Received: patience=" + patience);
    }
    this.monitor = monitor;
    this.patience = patience;
    this.maximize = monitor.contains("acc") || monitor.contains("auc");
  }

  /** The least change that counts as an improvement; returns this. */
  public EarlyStopping minDelta(double delta) {
    this.minDelta = Math.abs(delta);
    return this;
  }

  /** Whether to restore the weights of the best epoch when stopping; returns this. */
  public EarlyStopping restoreBestWeights(boolean value) {
    this.restoreBestWeights = value;
    return this;
  }

  /** {@code "min"}, {@code "max"} or {@code "auto"}; returns this. */
  public EarlyStopping mode(String mode) {
    switch (mode) {
      case "min" -> maximize = false;
      case "max" -> maximize = true;
      case "auto" -> maximize = monitor.contains("acc") || monitor.contains("auc");
      default ->
          throw new IllegalArgumentException(
              "EarlyStopping: mode must be min, max or auto; Received: mode=" + mode);
    }
    return this;
  }

  /** The epoch training stopped at, or -1. */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  @Override
  public void onTrainBegin(Training t) {
    best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    wait = 0;
    bestWeights = null;
    stoppedEpoch = -1;
  }

  @Override
  public void onEpochEnd(Training t, int epoch, Map<String, Double> logs) {
    Double v = logs.get(monitor);
    if (v == null) {
      throw new IllegalArgumentException(
          "EarlyStopping monitors \"" + monitor + "\" but the logs have " + logs.keySet());
    }
    boolean better = maximize ? v > best + minDelta : v < best - minDelta;
    if (better) {
      best = v;
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
      if (restoreBestWeights && bestWeights != null) {
        t.model().setWeights(bestWeights);
      }
    }
  }
}
