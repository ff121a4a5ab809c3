package dev.graft.dsl.internal;

import dev.graft.dsl.Callback;
import dev.graft.dsl.FitOptions;
import dev.graft.dsl.History;
import dev.graft.dsl.Model;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code fit} epoch loop, shared by {@code fit} on tensors ({@link Trainer}) and on a
 * dataset ({@link DatasetLoop}): callbacks, progress bar, the epoch's loss sums and logs, history,
 * stopping (mid-epoch too, as Keras 3), and {@code onTrainEnd} whatever happens. Where the batches
 * come from, and what happens around an epoch, is the {@link Steps}'.
 */
final class EpochLoop {
  /** A fit's source of training steps. */
  interface Steps {
    /** Prepares epoch {@code epoch}; returns its step count for the progress bar (-1: unknown). */
    int epochBegin(int epoch);

    /**
     * Runs step {@code s} of the epoch; returns the batch's losses (total, then each output), or
     * null when the epoch has no more steps.
     */
    double[] step(int s);

    /** The number of samples in the batch of the last {@link #step}. */
    int batchSize();

    /** Ends the epoch's steps: it ran {@code steps} of them over {@code seen} samples. */
    default void epochEnd(int epoch, int steps, int seen) {}

    /** Adds the validation results, if any, to the epoch's {@code logs}. */
    void validate(Map<String, Double> logs);

    /** Called once after the last epoch, before the callbacks' {@code onTrainEnd}. */
    default void finish() {}

    /** Called when the fit fails, before the callbacks' {@code onTrainEnd}. */
    default void failed(Throwable e) {}
  }

  private final Model model;
  private final Trainer trainer;
  private final TrainingRun run;

  EpochLoop(Model model, Trainer trainer) {
    this.model = model;
    this.trainer = trainer;
    this.run = new TrainingRun(model);
  }

  /** The callbacks' view of this fit: stop requests and the epoch's starting weights. */
  TrainingRun run() {
    return run;
  }

  /** Runs the epochs of {@code o} over {@code steps}. */
  History fit(FitOptions o, Steps steps) {
    History history = new History();
    Progress progress = new Progress(o.verbose(), o.epochs());
    List<Callback> cbs = o.callbacks();
    cbs.forEach(cb -> cb.onTrainBegin(run));
    try {
      for (int epoch = o.initialEpoch(); epoch < o.epochs() && !run.stopRequested(); epoch++) {
        run.startEpoch(model.hasGraph() ? model.getWeights() : null);
        for (Callback cb : cbs) {
          cb.onEpochBegin(run, epoch);
        }
        int count = steps.epochBegin(epoch);
        trainer.resetMetrics();
        progress.epochBegin(epoch, count);
        double[] sums = new double[trainer.lossCount()];
        int seen = 0;
        int s = 0;
        for (double[] losses; (losses = steps.step(s)) != null; ) {
          int b = steps.batchSize();
          for (int k = 0; k < sums.length; k++) {
            sums[k] += losses[k] * b;
          }
          seen += b;
          Map<String, Double> logs = trainer.logs(sums, seen);
          progress.batchEnd(s + 1, logs);
          for (Callback cb : cbs) {
            cb.onBatchEnd(run, s, logs);
          }
          s++;
          if (run.stopRequested()) {
            break; // Keras 3 also stops mid-epoch (TerminateOnNaN asks from a batch)
          }
        }
        steps.epochEnd(epoch, s, seen);
        Map<String, Double> logs = trainer.logs(sums, seen);
        steps.validate(logs);
        progress.epochEnd(logs);
        history.record(epoch, logs);
        for (Callback cb : cbs) {
          cb.onEpochEnd(run, epoch, logs);
        }
      }
      steps.finish();
    } catch (RuntimeException | Error e) {
      steps.failed(e);
      // Callbacks holding resources (CsvLogger's file) still get their end of training.
      for (Callback cb : cbs) {
        try {
          cb.onTrainEnd(run);
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    cbs.forEach(cb -> cb.onTrainEnd(run));
    return history;
  }

  /** Adds validation results {@code v} ({@link Trainer#evaluate}'s order) to {@code logs}. */
  static void addValidation(Trainer trainer, double[] v, Map<String, Double> logs) {
    List<String> names = trainer.metricNames();
    for (int i = 0; i < v.length; i++) {
      logs.put("val_" + names.get(i), v[i]);
    }
  }
}
