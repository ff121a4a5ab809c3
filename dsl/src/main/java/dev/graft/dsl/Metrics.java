package dev.graft.dsl;

import dev.graft.tensor.Tensor;
import java.util.Locale;

/** Keras's metrics. {@code "accuracy"} picks binary, categorical or sparse by the loss. */
public final class Metrics {
  private Metrics() {}

  /**
   * The metric with Keras's name, resolving {@code "accuracy"} by {@code loss} as Keras does.
   *
   * @param name the snake-case Keras name
   * @param loss the compiled loss, which decides what {@code accuracy} means
   * @return a new metric
   * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
   */
  public static Metric of(String name, Loss loss) {
    String n = name.toLowerCase(Locale.ROOT);
    return switch (n) {
      case "accuracy", "acc" -> {
        if (loss == null || loss.binary()) {
          yield named("accuracy", binaryAccuracy(0.5f));
        }
        yield switch (loss.kind()) {
          case SPARSE_CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY_LOGITS ->
              named("accuracy", sparseCategoricalAccuracy());
          case CATEGORICAL_CROSSENTROPY, CATEGORICAL_CROSSENTROPY_LOGITS ->
              named("accuracy", categoricalAccuracy());
          default -> named("accuracy", binaryAccuracy(0.5f));
        };
      }
      case "binary_accuracy" -> binaryAccuracy(0.5f);
      case "categorical_accuracy" -> categoricalAccuracy();
      case "sparse_categorical_accuracy" -> sparseCategoricalAccuracy();
      case "precision" -> precision();
      case "recall" -> recall();
      case "auc" -> auc();
      case "mae", "mean_absolute_error" -> meanAbsoluteError();
      case "mse", "mean_squared_error" -> meanSquaredError();
      default ->
          throw new IllegalArgumentException(
              "Unknown metric \""
                  + name
                  + "\"; expected one of accuracy, binary_accuracy, categorical_accuracy,"
                  + " sparse_categorical_accuracy, precision, recall, auc, mae, mse");
    };
  }

  /**
   * The typed accuracy: resolved by the loss at compile time, like {@code "accuracy"}.
   *
   * @return a placeholder resolved at compile time
   */
  public static Metric accuracy() {
    return new Deferred("accuracy");
  }

  /**
   * Share of predictions on the right side of {@code threshold}.
   *
   * @param threshold the prediction above which a sample counts as positive
   * @return a new metric
   */
  public static Metric binaryAccuracy(float threshold) {
    return new Mean(
        "binary_accuracy",
        (t, p, i) -> (p.getFlat(i) > threshold) == (t.getFlat(i) > 0.5f) ? 1 : 0);
  }

  /**
   * Share of rows whose largest prediction is the largest target.
   *
   * @return a new metric
   */
  public static Metric categoricalAccuracy() {
    return new RowMetric("categorical_accuracy", false);
  }

  /**
   * Share of rows whose largest prediction is at the target class index.
   *
   * @return a new metric
   */
  public static Metric sparseCategoricalAccuracy() {
    return new RowMetric("sparse_categorical_accuracy", true);
  }

  /**
   * Mean absolute error.
   *
   * @return a new metric
   */
  public static Metric meanAbsoluteError() {
    return new Mean("mean_absolute_error", (t, p, i) -> Math.abs(p.getFlat(i) - t.getFlat(i)));
  }

  /**
   * Mean squared error.
   *
   * @return a new metric
   */
  public static Metric meanSquaredError() {
    return new Mean(
        "mean_squared_error",
        (t, p, i) -> {
          double d = p.getFlat(i) - t.getFlat(i);
          return d * d;
        });
  }

  /**
   * True positives over predicted positives (threshold 0.5).
   *
   * @return a new metric
   */
  public static Metric precision() {
    return new Confusion("precision", true);
  }

  /**
   * True positives over actual positives (threshold 0.5).
   *
   * @return a new metric
   */
  public static Metric recall() {
    return new Confusion("recall", false);
  }

  /**
   * Area under the ROC curve, from 200 thresholds (Keras's default).
   *
   * @return a new metric
   */
  public static Metric auc() {
    return new Auc(200);
  }

  static Metric named(String name, Metric m) {
    return new Metric() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void reset() {
        m.reset();
      }

      @Override
      public void update(Tensor yTrue, Tensor yPred) {
        m.update(yTrue, yPred);
      }

      @Override
      public double result() {
        return m.result();
      }

      @Override
      public Metric copy() {
        Metric c = m.copy();
        return c == null ? null : named(name, c);
      }
    };
  }

  /** A metric named now, resolved against the loss at compile time. */
  record Deferred(String name) implements Metric {
    @Override
    public void reset() {}

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
      throw new IllegalStateException(name + " must be resolved by compile()");
    }

    @Override
    public double result() {
      return Double.NaN;
    }

    @Override
    public Metric copy() {
      return this; // holds nothing
    }
  }

  private static void sameSize(String name, Tensor t, Tensor p) {
    if (t.size() != p.size()) {
      throw new IllegalArgumentException(
          name + ": targets " + t.shape() + " and predictions " + p.shape() + " differ in size");
    }
  }

  /** One element's value of a {@link Mean} metric. */
  @FunctionalInterface
  private interface PerElement {
    double value(Tensor t, Tensor p, int i);
  }

  /** The mean of a per-element value. */
  private static final class Mean implements Metric {
    private final String name;
    private final PerElement value;
    private double sum;
    private long count;

    Mean(String name, PerElement value) {
      this.name = name;
      this.value = value;
    }

    @Override
    public Metric copy() {
      return new Mean(name, value);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void reset() {
      sum = 0;
      count = 0;
    }

    @Override
    public void update(Tensor t, Tensor p) {
      sameSize(name, t, p);
      for (int i = 0; i < p.size(); i++) {
        sum += value.value(t, p, i);
      }
      count += p.size();
    }

    @Override
    public double result() {
      return count == 0 ? 0 : sum / count;
    }
  }

  /** Categorical accuracies: argmax per row. */
  private static final class RowMetric implements Metric {
    private final String name;
    private final boolean sparse;
    private long hits;
    private long rows;

    RowMetric(String name, boolean sparse) {
      this.name = name;
      this.sparse = sparse;
    }

    @Override
    public Metric copy() {
      return new RowMetric(name, sparse);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void reset() {
      hits = 0;
      rows = 0;
    }

    @Override
    public void update(Tensor t, Tensor p) {
      int c = p.shape().dim(-1);
      int n = p.size() / c;
      for (int r = 0; r < n; r++) {
        int best = argmax(p, r * c, c);
        int want = sparse ? (int) t.getFlat(r) : argmax(t, r * c, c);
        hits += best == want ? 1 : 0;
      }
      rows += n;
    }

    private static int argmax(Tensor x, int from, int c) {
      int best = 0;
      for (int j = 1; j < c; j++) {
        if (x.getFlat(from + j) > x.getFlat(from + best)) {
          best = j;
        }
      }
      return best;
    }

    @Override
    public double result() {
      return rows == 0 ? 0 : (double) hits / rows;
    }
  }

  /** Precision or recall at threshold 0.5. */
  private static final class Confusion implements Metric {
    private final String name;
    private final boolean precision;
    private long tp;
    private long fp;
    private long fn;

    Confusion(String name, boolean precision) {
      this.name = name;
      this.precision = precision;
    }

    @Override
    public Metric copy() {
      return new Confusion(name, precision);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void reset() {
      tp = 0;
      fp = 0;
      fn = 0;
    }

    @Override
    public void update(Tensor t, Tensor p) {
      sameSize(name, t, p);
      for (int i = 0; i < p.size(); i++) {
        boolean pred = p.getFlat(i) > 0.5f;
        boolean real = t.getFlat(i) > 0.5f;
        tp += pred && real ? 1 : 0;
        fp += pred && !real ? 1 : 0;
        fn += !pred && real ? 1 : 0;
      }
    }

    @Override
    public double result() {
      long d = precision ? tp + fp : tp + fn;
      return d == 0 ? 0 : (double) tp / d;
    }
  }

  /** ROC AUC over fixed thresholds, trapezoidal. */
  private static final class Auc implements Metric {
    private final float[] thresholds;
    private final long[] tp;
    private final long[] fp;
    private long pos;
    private long neg;

    Auc(int n) {
      thresholds = new float[n];
      float eps = 1e-7f;
      thresholds[0] = -eps;
      for (int i = 1; i < n - 1; i++) {
        thresholds[i] = (float) i / (n - 1);
      }
      thresholds[n - 1] = 1 + eps;
      tp = new long[n];
      fp = new long[n];
    }

    @Override
    public String name() {
      return "auc";
    }

    @Override
    public Metric copy() {
      return new Auc(thresholds.length);
    }

    @Override
    public void reset() {
      java.util.Arrays.fill(tp, 0);
      java.util.Arrays.fill(fp, 0);
      pos = 0;
      neg = 0;
    }

    @Override
    public void update(Tensor t, Tensor p) {
      sameSize("auc", t, p);
      for (int i = 0; i < p.size(); i++) {
        boolean real = t.getFlat(i) > 0.5f;
        float v = p.getFlat(i);
        if (real) {
          pos++;
        } else {
          neg++;
        }
        for (int k = 0; k < thresholds.length; k++) {
          if (v > thresholds[k]) {
            if (real) {
              tp[k]++;
            } else {
              fp[k]++;
            }
          }
        }
      }
    }

    @Override
    public double result() {
      if (pos == 0 || neg == 0) {
        return 0;
      }
      double area = 0;
      for (int k = 0; k < thresholds.length - 1; k++) {
        double tpr0 = (double) tp[k] / pos;
        double tpr1 = (double) tp[k + 1] / pos;
        double fpr0 = (double) fp[k] / neg;
        double fpr1 = (double) fp[k + 1] / neg;
        area += (fpr0 - fpr1) * (tpr0 + tpr1) / 2;
      }
      return area;
    }
  }
}
