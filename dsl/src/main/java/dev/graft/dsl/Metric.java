package dev.graft.dsl;

import dev.graft.tensor.Tensor;

/**
 * A training metric accumulated over batches ({@code reset}, {@code update} per batch, {@code
 * result}). Metrics run on the batch predictions in Java, outside the graph. Build them with {@link
 * Metrics} or by name ({@code "accuracy"}, {@code "auc"}, ...).
 */
public interface Metric {
  /**
   * The name shown in logs and history, e.g. {@code accuracy}.
   *
   * @return the metric's name
   */
  String name();

  /** Forgets what was accumulated. */
  void reset();

  /**
   * Adds one batch: targets and predictions of the same number of samples.
   *
   * @param yTrue the targets
   * @param yPred the predictions
   */
  void update(Tensor yTrue, Tensor yPred);

  /**
   * The value over everything since the last reset.
   *
   * @return the metric's value over the batches added since the last reset
   */
  double result();

  /**
   * A new metric of the same kind and settings with nothing accumulated, so that {@code evaluate}
   * calls running at once (and a running {@code fit}) each count their own batches. Every metric of
   * {@link Metrics} has one. The default, {@code null}, means the metric cannot be copied: the
   * model's {@code evaluate} calls then take turns, and wait for a running {@code fit}, which
   * updates the same object.
   *
   * @return a fresh copy, or {@code null}
   */
  default Metric copy() {
    return null;
  }
}
