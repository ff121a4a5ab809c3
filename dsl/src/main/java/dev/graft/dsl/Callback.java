package dev.graft.dsl;

import java.util.Map;

/**
 * Hooks into {@link Model#fit}. Every method does nothing by default; a lambda callback overrides
 * just the one it needs ({@code Graft.onEpochEnd((epoch, logs) -> ...)}).
 */
public interface Callback {
  /**
   * Before the first epoch.
   *
   * @param training the running fit
   */
  default void onTrainBegin(Training training) {}

  /**
   * Before each epoch.
   *
   * @param training the running fit
   * @param epoch the epoch about to run, from 0 (or the fit's initial epoch)
   */
  default void onEpochBegin(Training training, int epoch) {}

  /**
   * After each batch, with the running logs of the epoch.
   *
   * @param training the running fit
   * @param batch the batch just done, from 0 within the epoch
   * @param logs the epoch's running mean loss and metrics so far, by name
   */
  default void onBatchEnd(Training training, int batch, Map<String, Double> logs) {}

  /**
   * After each epoch (and its validation), with its logs.
   *
   * @param training the running fit
   * @param epoch the epoch just done, from 0
   * @param logs the epoch's loss and metrics, {@code val_} ones included, by name; a callback may
   *     add entries
   */
  default void onEpochEnd(Training training, int epoch, Map<String, Double> logs) {}

  /**
   * After training, also when it stopped early or failed.
   *
   * @param training the running fit
   */
  default void onTrainEnd(Training training) {}

  /** What a callback may see and do during {@code fit}. */
  interface Training {
    /**
     * The model being trained.
     *
     * @return the model {@code fit} was called on
     */
    Model model();

    /** Asks {@code fit} to stop after this epoch. */
    void stopTraining();

    /**
     * True once a callback asked to stop.
     *
     * @return true once {@link #stopTraining()} was called
     */
    boolean stopRequested();

    /**
     * The weight values at the start of the current epoch (for restoring after a NaN).
     *
     * @return copies of the weights, in {@code model().weights()} order
     */
    java.util.List<dev.graft.tensor.Tensor> weightsAtEpochStart();
  }
}
