package dev.graft.dsl.internal;

import dev.graft.autograd.Plan;
import dev.graft.dsl.Metric;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;

/**
 * The kept steps of a masked output, gathered for the metrics: Keras's metrics weigh a masked
 * prediction's steps by its mask, so a step of padding counts neither as right nor as wrong.
 * Targets and predictions of shape {@code (batch, steps..., rest)} become {@code (kept, rest)}.
 * Buffers are reused from batch to batch.
 */
final class KeptSteps {
  private float[] targets = new float[0];
  private float[] predictions = new float[0];
  private Tensor keptTargets;
  private Tensor keptPredictions;

  /**
   * Adds a batch of {@code plan} (run from {@code p}) to every output's metrics; of a masked
   * output, the kept steps only.
   */
  void update(Programs p, Plan plan, List<List<Metric>> metrics) {
    for (int k = 0; k < metrics.size(); k++) {
      if (metrics.get(k).isEmpty()) {
        continue;
      }
      Tensor yTrue = plan.input(p.targetNames.get(k));
      Tensor yPred = plan.output(1 + k);
      int maskAt = p.maskOutputs.get(k);
      if (maskAt >= 0) {
        gather(yTrue, yPred, plan.output(maskAt));
        yTrue = keptTargets;
        yPred = keptPredictions;
      }
      for (Metric m : metrics.get(k)) {
        m.update(yTrue, yPred);
      }
    }
  }

  /** Gathers the rows of {@code yTrue} and {@code yPred} where {@code mask} is non-zero. */
  void gather(Tensor yTrue, Tensor yPred, Tensor mask) {
    int rows = mask.size();
    int t = yTrue.size() / rows;
    int p = yPred.size() / rows;
    int kept = 0;
    for (int i = 0; i < rows; i++) {
      if (mask.array()[mask.offset() + i] != 0f) {
        kept++;
      }
    }
    if (targets.length < kept * t) {
      targets = new float[kept * t];
    }
    if (predictions.length < kept * p) {
      predictions = new float[kept * p];
    }
    int k = 0;
    for (int i = 0; i < rows; i++) {
      if (mask.array()[mask.offset() + i] != 0f) {
        copyRow(yTrue, i * t, targets, k * t, t);
        copyRow(yPred, i * p, predictions, k * p, p);
        k++;
      }
    }
    keptTargets = Tensor.wrap(targets, 0, rowsOf(kept, yTrue.shape(), mask.shape().rank()));
    keptPredictions = Tensor.wrap(predictions, 0, rowsOf(kept, yPred.shape(), mask.shape().rank()));
  }

  Tensor targets() {
    return keptTargets;
  }

  Tensor predictions() {
    return keptPredictions;
  }

  private static void copyRow(Tensor from, int at, float[] to, int toAt, int length) {
    System.arraycopy(from.array(), from.offset() + at, to, toAt, length);
  }

  /** {@code (kept, shape's axes after the mask's)}. */
  private static Shape rowsOf(int kept, Shape shape, int maskRank) {
    int[] dims = new int[1 + shape.rank() - maskRank];
    dims[0] = kept;
    for (int a = maskRank; a < shape.rank(); a++) {
      dims[1 + a - maskRank] = shape.dim(a);
    }
    return Shape.of(dims);
  }
}
