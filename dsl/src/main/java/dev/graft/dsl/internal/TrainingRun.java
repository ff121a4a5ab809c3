package dev.graft.dsl.internal;

import dev.graft.dsl.Callback;
import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.util.List;

/**
 * The callbacks' view of a running fit ({@link Callback.Training}): the model, the stop request and
 * the weights at the start of the epoch. One for the in-process loop ({@link EpochLoop}) and the
 * Spark trainer's driver loop.
 */
public final class TrainingRun implements Callback.Training {
  private final Model model;
  private boolean stop;
  private List<Tensor> snapshot;

  /**
   * A run of {@code model}'s fit.
   *
   * @param model the model trained
   */
  public TrainingRun(Model model) {
    this.model = model;
  }

  /**
   * Records the weights as an epoch starts ({@code null} when the model has none yet).
   *
   * @param weights copies of the weights, or {@code null}
   */
  public void startEpoch(List<Tensor> weights) {
    snapshot = weights;
  }

  @Override
  public Model model() {
    return model;
  }

  @Override
  public void stopTraining() {
    stop = true;
  }

  @Override
  public boolean stopRequested() {
    return stop;
  }

  @Override
  public List<Tensor> weightsAtEpochStart() {
    return snapshot;
  }
}
