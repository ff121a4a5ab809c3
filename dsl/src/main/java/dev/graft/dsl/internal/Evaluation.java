package dev.graft.dsl.internal;

import dev.graft.autograd.Plan;
import dev.graft.dsl.Metric;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras's {@code evaluate} over one compiled program, safe to run from several threads at once and
 * beside a training thread: each call borrows its own plans (per batch size, from the program's
 * {@link PlanPool}), counts into its own metrics (copies, see {@link Metric#copy()}), and runs each
 * batch holding the read side of {@link WeightsLock}. The sums run in batch order, so a call gives
 * the same numbers whatever runs beside it.
 */
final class Evaluation {
  private Evaluation() {}

  /**
   * Fresh copies of every metric, one list per output; {@code null} if one of them cannot be copied
   * (the caller then uses the shared ones, one call at a time).
   */
  static List<List<Metric>> copies(List<List<Metric>> metrics) {
    List<List<Metric>> out = new ArrayList<>(metrics.size());
    for (List<Metric> ms : metrics) {
      List<Metric> own = new ArrayList<>(ms.size());
      for (Metric m : ms) {
        Metric c = m.copy();
        if (c == null) {
          return null;
        }
        own.add(c);
      }
      out.add(own);
    }
    return out;
  }

  /**
   * Evaluates rows {@code [from, from + b)} as one batch, the loss weighted by the rows of {@code
   * w} (null: 1): adds its losses times {@code b} to {@code lossSums} (total, then each output) and
   * the batch to {@code metrics}.
   */
  static void batch(
      Programs p,
      List<Tensor> x,
      List<Tensor> y,
      Tensor w,
      int from,
      int b,
      List<List<Metric>> metrics,
      KeptSteps kept,
      double[] lossSums,
      int losses) {
    Plan plan = p.evaluatePlans.borrow(b);
    try {
      for (int i = 0; i < x.size(); i++) {
        if (p.inputNames.get(i) != null) { // an input the outputs ignore has no placeholder
          Batches.slice(x.get(i), from, plan.input(p.inputNames.get(i)));
        }
      }
      for (int k = 0; k < y.size(); k++) {
        Batches.slice(y.get(k), from, plan.input(p.targetNames.get(k)));
        if (w == null) {
          plan.input(p.weightNames.get(k)).fill(1f);
        } else {
          Batches.slice(w, from, plan.input(p.weightNames.get(k)));
        }
      }
      PlanPool.runReading(plan);
      lossSums[0] += plan.output(0).item() * b;
      for (int k = 0; k < losses; k++) {
        lossSums[1 + k] += plan.output(1 + losses + k).item() * b;
      }
      kept.update(p, plan, metrics);
    } finally {
      p.evaluatePlans.giveBack(plan);
    }
  }

  /** {@code [loss, loss of each output (when several), metric...]} of {@code n} samples. */
  static double[] values(double[] lossSums, int n, List<List<Metric>> metrics, int losses) {
    // Indexed loops: trainOnBatch calls this every step, and an iterator is an allocation.
    int size = 1 + (losses > 1 ? losses : 0);
    for (int k = 0; k < metrics.size(); k++) {
      size += metrics.get(k).size();
    }
    double[] v = new double[size];
    int i = 0;
    v[i++] = lossSums[0] / n;
    for (int k = 0; k < losses && losses > 1; k++) {
      v[i++] = lossSums[1 + k] / n;
    }
    for (int k = 0; k < metrics.size(); k++) {
      List<Metric> ms = metrics.get(k);
      for (int j = 0; j < ms.size(); j++) {
        v[i++] = ms.get(j).result();
      }
    }
    return v;
  }
}
