package dev.graft.dsl;

import java.util.Map;

/**
 * Hooks into {@link Model#fit}. Every method does nothing by default; a lambda callback overrides
 * just the one it needs ({@code Graft.onEpochEnd((epoch, logs) -> ...)}).
 */
public interface Callback {
  /** Before the first epoch. */
  default void onTrainBegin(Training training) {}

  /** Before each epoch. */
  default void onEpochBegin(Training training, int epoch) {}

  /** After each batch, with the running logs of the epoch. */
  default void onBatchEnd(Training training, int batch, Map<String, Double> logs) {}

  /** After each epoch (and its validation), with its logs. */
  default void onEpochEnd(Training training, int epoch, Map<String, Double> logs) {}

  /** After training, also when it stopped early or failed. */
  default void onTrainEnd(Training training) {}

  /** What a callback may see and do during {@code fit}. */
  interface Training {
    /** The model being trained. */
    Model model();

    /** Asks {@code fit} to stop after this epoch. */
    void stopTraining();

    /** True once a callback asked to stop. */
    boolean stopRequested();

    /** The weight values at the start of the current epoch (for restoring after a NaN). */
    java.util.List<dev.graft.tensor.Tensor> weightsAtEpochStart();
  }
}
