package dev.graft.dsl.internal;

import dev.graft.dsl.Loss;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.reduce.Losses;
import java.util.List;

/** Early, clear errors for data given to fit, evaluate and predict. */
final class DataChecks {
  private DataChecks() {}

  /** Checks count and shapes of the inputs; returns the number of samples. */
  static int inputs(String model, List<String> names, List<Shape> want, List<Tensor> x) {
    if (x.size() != want.size()) {
      throw new IllegalArgumentException(
          "Model \""
              + model
              + "\" expects "
              + want.size()
              + " input(s) "
              + names
              + " but received "
              + x.size());
    }
    int n = -1;
    for (int i = 0; i < x.size(); i++) {
      Tensor t = x.get(i);
      Shape s = t.shape();
      if (s.rank() == 0 || !compatibleAfterBatch(s, want.get(i))) {
        throw new IllegalArgumentException(
            "Input "
                + i
                + " (\""
                + names.get(i)
                + "\") of model \""
                + model
                + "\" expects shape "
                + want.get(i)
                + "; received "
                + s);
      }
      if (n >= 0 && s.dim(0) != n) {
        throw new IllegalArgumentException(
            "All inputs must have the same number of samples; input 0 has "
                + n
                + ", input "
                + i
                + " (\""
                + names.get(i)
                + "\") has "
                + s.dim(0));
      }
      n = s.dim(0);
      if (!allFinite(t)) {
        finite("input \"" + names.get(i) + "\"", t);
      }
    }
    return n;
  }

  /**
   * Refuses data without samples: with none, no step runs and the loss would be 0/0 (Keras fails
   * later with "Unexpected result of train_function (Empty logs)").
   *
   * @param call the method given the data ({@code "fit"}, {@code "evaluate"}, ...)
   * @param argument the argument holding it ({@code "x"}, {@code "validationData"})
   */
  static void nonEmpty(String call, String argument, int n, List<Tensor> x) {
    if (n == 0) {
      throw new IllegalArgumentException(
          call
              + ": "
              + argument
              + " holds 0 samples (shape "
              + x.get(0).shape()
              + "); at least one sample is needed");
    }
  }

  /** Checks targets against the sample count and the loss's domain. */
  static void targets(int n, List<Shape> outputs, List<Loss> losses, List<Tensor> y) {
    targets(n, outputs, null, losses, y);
  }

  /**
   * As {@link #targets(int, List, List, List)}, with each output's target shape ({@link
   * Losses#targetShape}, batch unknown) precomputed, so a training step allocates nothing here.
   */
  static void targets(
      int n, List<Shape> outputs, List<Shape> targetShapes, List<Loss> losses, List<Tensor> y) {
    if (y.size() != outputs.size()) {
      throw new IllegalArgumentException(
          "The model has "
              + outputs.size()
              + " output(s) but "
              + y.size()
              + " target(s) were given");
    }
    for (int k = 0; k < y.size(); k++) {
      Tensor t = y.get(k);
      if (t.shape().rank() == 0 || t.shape().dim(0) != n) {
        throw new IllegalArgumentException(
            "x has "
                + n
                + " samples but y"
                + (y.size() > 1 ? "[" + k + "]" : "")
                + " has shape "
                + t.shape());
      }
      Losses.Kind kind = losses.get(k).kind();
      Shape want =
          targetShapes != null
              ? targetShapes.get(k)
              : Losses.targetShape(kind, outputs.get(k)).withBatch(Shape.UNKNOWN);
      boolean sameDims = t.rank() == want.rank() && compatibleAfterBatch(t.shape(), want);
      boolean ok =
          sameDims
              || t.size() == n * want.sizeFrom(1) && (kind.sparse() || t.rank() <= want.rank());
      if (!ok) {
        throw new IllegalArgumentException(
            "Targets for output "
                + k
                + " have shape "
                + t.shape()
                + " but the model output is "
                + outputs.get(k)
                + " and "
                + losses.get(k).name()
                + " expects "
                + want.withBatch(n));
      }
      finite("targets", t);
      domain(losses.get(k), outputs.get(k), t);
    }
  }

  private static void domain(Loss loss, Shape output, Tensor t) {
    Losses.Kind kind = loss.kind();
    for (int i = 0; i < t.size(); i++) {
      float v = t.getFlat(i);
      boolean bad =
          switch (kind) {
            case BINARY_CROSSENTROPY, BINARY_CROSSENTROPY_LOGITS -> v < 0 || v > 1;
            case SPARSE_CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY_LOGITS ->
                v != Math.rint(v) || v < 0 || v >= output.dim(-1);
            default -> false;
          };
      if (bad) {
        throw new IllegalArgumentException(
            "Target "
                + v
                + " at position "
                + i
                + " is outside the domain of "
                + loss.name()
                + (kind.sparse()
                    ? ": class indices must be integers in [0, " + output.dim(-1) + ")"
                    : ": targets must be in [0, 1]"));
      }
    }
  }

  /** True if s and want have the same rank and agree on every axis after the batch axis. */
  static boolean compatibleAfterBatch(Shape s, Shape want) {
    if (s.rank() != want.rank()) {
      return false;
    }
    for (int i = 1; i < s.rank(); i++) {
      int w = want.dim(i);
      if (w != Shape.UNKNOWN && s.dim(i) != Shape.UNKNOWN && s.dim(i) != w) {
        return false;
      }
    }
    return true;
  }

  private static boolean allFinite(Tensor t) {
    float[] d = t.array();
    for (int i = 0, o = t.offset(); i < t.size(); i++) {
      if (!Float.isFinite(d[o + i])) {
        return false;
      }
    }
    return true;
  }

  static void finite(String what, Tensor t) {
    float[] d = t.array();
    for (int i = 0, o = t.offset(); i < t.size(); i++) {
      if (!Float.isFinite(d[o + i])) {
        throw new IllegalArgumentException(
            "The "
                + what
                + " holds "
                + d[o + i]
                + " at flat position "
                + i
                + " (shape "
                + t.shape()
                + "): values must be finite");
      }
    }
  }
}
