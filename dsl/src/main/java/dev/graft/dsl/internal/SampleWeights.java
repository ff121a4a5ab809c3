package dev.graft.dsl.internal;

import dev.graft.dsl.FitOptions;
import dev.graft.tensor.Tensor;
import java.util.Map;

/** Per-sample loss weights for {@code fit}: {@code sample_weight} times {@code class_weight}. */
final class SampleWeights {
  private SampleWeights() {}

  /**
   * The weight of each of the first {@code n} samples: 1, times the given sample weight, times the
   * weight of the sample's class (its label, or the argmax of a one-hot target).
   *
   * @throws IllegalArgumentException if both kinds are given (Keras refuses that too), the sample
   *     weights are too few, a weight is negative or not finite, or a class has no weight
   */
  static Tensor of(FitOptions o, Tensor y, int n) {
    return of(o.sampleWeight(), o.classWeight(), y, n);
  }

  /**
   * {@link #of(FitOptions, Tensor, int)} from the weights themselves (either may be null): the same
   * rules for {@code fit} on tensors and on each batch of a dataset.
   */
  static Tensor of(Tensor sampleWeight, Map<Integer, Float> classWeight, Tensor y, int n) {
    if (sampleWeight != null && classWeight != null) {
      throw new IllegalArgumentException(
          "fit: sampleWeight and classWeight cannot be given at the same time (as in Keras);"
              + " multiply the class weights into the sample weights");
    }
    Tensor w = Tensor.ones(n);
    if (sampleWeight != null) {
      if (sampleWeight.size() < n) {
        throw new IllegalArgumentException(
            "sample_weight has shape " + sampleWeight.shape() + " for " + n + " samples");
      }
      DataChecks.finite("sample_weight", sampleWeight);
      for (int i = 0; i < n; i++) {
        if (sampleWeight.getFlat(i) < 0) {
          throw new IllegalArgumentException(
              "fit: sampleWeight holds "
                  + sampleWeight.getFlat(i)
                  + " at position "
                  + i
                  + "; sample weights must be >= 0");
        }
      }
      System.arraycopy(sampleWeight.array(), sampleWeight.offset(), w.array(), 0, n);
    }
    if (classWeight != null) {
      classWeight.forEach(
          (cls, cw) -> {
            if (cw == null || !Float.isFinite(cw) || cw < 0) {
              throw new IllegalArgumentException(
                  "fit: classWeight gives class "
                      + cls
                      + " the weight "
                      + cw
                      + "; class weights must be finite and >= 0");
            }
          });
      int per = y.size() / y.shape().dim(0);
      for (int i = 0; i < n; i++) {
        int cls = per == 1 ? (int) y.getFlat(i) : argmax(y, i * per, per);
        Float cw = classWeight.get(cls);
        if (cw == null) {
          throw new IllegalArgumentException(
              "class_weight has no weight for class "
                  + cls
                  + "; it covers "
                  + classWeight.keySet());
        }
        w.setFlat(i, w.getFlat(i) * cw);
      }
    }
    return w;
  }

  private static int argmax(Tensor t, int from, int c) {
    int best = 0;
    for (int j = 1; j < c; j++) {
      if (t.getFlat(from + j) > t.getFlat(from + best)) {
        best = j;
      }
    }
    return best;
  }
}
