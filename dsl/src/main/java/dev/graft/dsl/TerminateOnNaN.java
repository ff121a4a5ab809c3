package dev.graft.dsl;

import java.util.Map;

/**
 * Keras's {@code TerminateOnNaN}: stops {@code fit} at the first batch whose loss is NaN or
 * infinite, and (unlike Keras) puts back the weights of the start of that epoch, so the model is
 * left usable rather than full of NaNs.
 */
public final class TerminateOnNaN implements Callback {
  private int epoch;
  private int stoppedEpoch = -1;
  private int stoppedBatch = -1;

  /** A callback watching the training loss. */
  public TerminateOnNaN() {}

  /**
   * The epoch training stopped in, or -1.
   *
   * @return the 0-based epoch, or -1
   */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  /**
   * The batch (within its epoch) whose loss was not finite, or -1.
   *
   * @return the 0-based batch, or -1
   */
  public int stoppedBatch() {
    return stoppedBatch;
  }

  @Override
  public void onTrainBegin(Training t) {
    stoppedEpoch = -1;
    stoppedBatch = -1;
  }

  @Override
  public void onEpochBegin(Training t, int epoch) {
    this.epoch = epoch;
  }

  @Override
  public void onBatchEnd(Training t, int batch, Map<String, Double> logs) {
    Double loss = logs.get("loss");
    if (loss != null && !Double.isFinite(loss) && stoppedBatch < 0) {
      stoppedBatch = batch;
      stoppedEpoch = epoch;
      System.out.println("Batch " + batch + ": Invalid loss, terminating training");
      t.model().setWeights(t.weightsAtEpochStart());
      t.stopTraining();
    }
  }
}
