package dev.graft.tensor.reduce;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;

/**
 * Per-sample loss kernels with Keras semantics, and their gradients. {@code pred} and {@code
 * target} are {@code (N, ..., C)}; the loss is reduced over the last axis, giving {@code (N, ...)}
 * (Keras reduces the batch afterwards, with sample weights). Sparse categorical targets are class
 * indices of shape {@code (N, ...)} or {@code (N, ..., 1)}.
 */
public final class Losses {
  /** Keras's fuzz factor: probabilities are clipped to {@code [EPSILON, 1 - EPSILON]}. */
  public static final float EPSILON = 1e-7f;

  /** The loss functions. */
  public enum Kind {
    /** Binary cross-entropy on probabilities (clipped). */
    BINARY_CROSSENTROPY,
    /** Binary cross-entropy on logits (stable form). */
    BINARY_CROSSENTROPY_LOGITS,
    /** Categorical cross-entropy on probabilities (renormalised, clipped). */
    CATEGORICAL_CROSSENTROPY,
    /** Categorical cross-entropy on logits (log-softmax). */
    CATEGORICAL_CROSSENTROPY_LOGITS,
    /** Sparse categorical cross-entropy on probabilities. */
    SPARSE_CATEGORICAL_CROSSENTROPY,
    /** Sparse categorical cross-entropy on logits. */
    SPARSE_CATEGORICAL_CROSSENTROPY_LOGITS,
    /** Mean squared error. */
    MEAN_SQUARED_ERROR,
    /** Mean absolute error. */
    MEAN_ABSOLUTE_ERROR,
    /** Huber loss with threshold {@code delta}. */
    HUBER;

    /**
     * True for the sparse kinds, whose target holds class indices.
     *
     * @return whether the target holds class indices rather than one value per prediction
     */
    public boolean sparse() {
      return this == SPARSE_CATEGORICAL_CROSSENTROPY
          || this == SPARSE_CATEGORICAL_CROSSENTROPY_LOGITS;
    }
  }

  private Losses() {}

  /**
   * The expected target shape for {@code pred}: the same, or for sparse kinds {@code pred} without
   * its class axis.
   *
   * @param kind the loss function
   * @param pred the predictions' shape {@code (N, ..., C)}
   * @return {@code pred} for dense kinds; {@code pred} without its last axis for sparse ones
   */
  public static Shape targetShape(Kind kind, Shape pred) {
    return kind.sparse() ? pred.dropLast() : pred;
  }

  private static void check(String what, Kind kind, Tensor pred, Tensor target, Tensor perSample) {
    Shape p = pred.shape();
    Shape t = target.shape();
    boolean ok =
        kind.sparse() ? t.size() * p.dim(-1) == p.size() : t.equals(p) || t.size() == p.size();
    if (!ok || perSample.size() * p.dim(-1) != p.size()) {
      throw new IllegalArgumentException(
          what
              + " ("
              + kind.name().toLowerCase(java.util.Locale.ROOT)
              + "): predictions "
              + p
              + ", targets "
              + t
              + " and per-sample "
              + perSample.shape()
              + " do not fit");
    }
  }

  /**
   * The per-sample losses into {@code out} (one value per row of the last axis).
   *
   * @param kind the loss function
   * @param pred the predictions {@code (N, ..., C)}: probabilities or logits as {@code kind} says
   * @param target the targets: of {@code pred}'s shape (or size), or class indices {@code (N, ...)}
   *     for the sparse kinds
   * @param delta Huber's threshold (ignored by other kinds)
   * @param out the per-sample losses {@code (N, ...)}, one per row of the last axis
   * @return {@code out}
   */
  public static Tensor forward(Kind kind, Tensor pred, Tensor target, float delta, Tensor out) {
    check("loss", kind, pred, target, out);
    int c = pred.shape().dim(-1);
    int rows = out.size();
    float[] p = pred.array();
    float[] y = target.array();
    float[] o = out.array();
    for (int r = 0; r < rows; r++) {
      int pi = pred.offset() + r * c;
      int yi = target.offset() + (kind.sparse() ? r : r * c);
      o[out.offset() + r] = (float) row(kind, p, pi, y, yi, c, delta);
    }
    return out;
  }

  private static double row(Kind kind, float[] p, int pi, float[] y, int yi, int c, float delta) {
    double s = 0;
    switch (kind) {
      case BINARY_CROSSENTROPY -> {
        for (int j = 0; j < c; j++) {
          double q = clip(p[pi + j]);
          s -= y[yi + j] * Math.log(q) + (1 - y[yi + j]) * Math.log(1 - q);
        }
        return s / c;
      }
      case BINARY_CROSSENTROPY_LOGITS -> {
        for (int j = 0; j < c; j++) {
          double x = p[pi + j];
          s += Math.max(x, 0) - x * y[yi + j] + Math.log1p(Math.exp(-Math.abs(x)));
        }
        return s / c;
      }
      case CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY -> {
        double sum = rowSum(p, pi, c);
        for (int j = 0; j < c; j++) {
          double t = target(kind, y, yi, j, c);
          if (t != 0) {
            s -= t * Math.log(clip(p[pi + j] / sum));
          }
        }
        return s;
      }
      case CATEGORICAL_CROSSENTROPY_LOGITS, SPARSE_CATEGORICAL_CROSSENTROPY_LOGITS -> {
        double lse = logSumExp(p, pi, c);
        for (int j = 0; j < c; j++) {
          double t = target(kind, y, yi, j, c);
          if (t != 0) {
            s -= t * (p[pi + j] - lse);
          }
        }
        return s;
      }
      case MEAN_SQUARED_ERROR -> {
        for (int j = 0; j < c; j++) {
          double d = p[pi + j] - y[yi + j];
          s += d * d;
        }
        return s / c;
      }
      case MEAN_ABSOLUTE_ERROR -> {
        for (int j = 0; j < c; j++) {
          s += Math.abs(p[pi + j] - y[yi + j]);
        }
        return s / c;
      }
      case HUBER -> {
        for (int j = 0; j < c; j++) {
          double d = Math.abs(p[pi + j] - y[yi + j]);
          s += d <= delta ? 0.5 * d * d : delta * (d - 0.5 * delta);
        }
        return s / c;
      }
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  /**
   * The gradient of {@code sum(perSample * g)} with respect to {@code pred}, into {@code out}
   * ({@code g} has the per-sample shape).
   *
   * @param kind the loss function
   * @param pred the predictions {@code (N, ..., C)}: probabilities or logits as {@code kind} says
   * @param target the targets: of {@code pred}'s shape (or size), or class indices {@code (N, ...)}
   *     for the sparse kinds
   * @param g the gradient of the per-sample losses, of {@code out}'s shape in {@link #forward}
   * @param delta Huber's threshold (ignored by other kinds)
   * @param out the gradient of {@code pred}, of its shape
   * @return {@code out}
   */
  public static Tensor backward(
      Kind kind, Tensor pred, Tensor target, Tensor g, float delta, Tensor out) {
    check("loss gradient", kind, pred, target, g);
    int c = pred.shape().dim(-1);
    int rows = g.size();
    float[] p = pred.array();
    float[] y = target.array();
    float[] d = out.array();
    for (int r = 0; r < rows; r++) {
      int pi = pred.offset() + r * c;
      int yi = target.offset() + (kind.sparse() ? r : r * c);
      int di = out.offset() + r * c;
      rowGrad(kind, p, pi, y, yi, c, delta, g.array()[g.offset() + r], d, di);
    }
    return out;
  }

  private static void rowGrad(
      Kind kind,
      float[] p,
      int pi,
      float[] y,
      int yi,
      int c,
      float delta,
      float g,
      float[] d,
      int di) {
    switch (kind) {
      case BINARY_CROSSENTROPY -> {
        for (int j = 0; j < c; j++) {
          double q = p[pi + j];
          double t = y[yi + j];
          boolean inside = q >= EPSILON && q <= 1 - EPSILON;
          d[di + j] = inside ? (float) (g / c * ((1 - t) / (1 - q) - t / q)) : 0f;
        }
      }
      case BINARY_CROSSENTROPY_LOGITS -> {
        for (int j = 0; j < c; j++) {
          double x = p[pi + j];
          double sig = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
          d[di + j] = (float) (g / c * (sig - y[yi + j]));
        }
      }
      case CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY -> {
        // Through the renormalisation q = p / sum(p): dL/dp_j = (dq_j - sum_i dq_i q_i) / sum.
        double sum = rowSum(p, pi, c);
        double dot = 0;
        for (int j = 0; j < c; j++) {
          double q = p[pi + j] / sum;
          double t = target(kind, y, yi, j, c);
          boolean inside = q >= EPSILON && q <= 1 - EPSILON;
          double dq = t != 0 && inside ? -g * t / q : 0;
          d[di + j] = (float) dq;
          dot += dq * q;
        }
        for (int j = 0; j < c; j++) {
          d[di + j] = (float) ((d[di + j] - dot) / sum);
        }
      }
      case CATEGORICAL_CROSSENTROPY_LOGITS, SPARSE_CATEGORICAL_CROSSENTROPY_LOGITS -> {
        double lse = logSumExp(p, pi, c);
        double tsum = 0;
        for (int j = 0; j < c; j++) {
          tsum += target(kind, y, yi, j, c);
        }
        for (int j = 0; j < c; j++) {
          double soft = Math.exp(p[pi + j] - lse);
          d[di + j] = (float) (g * (tsum * soft - target(kind, y, yi, j, c)));
        }
      }
      case MEAN_SQUARED_ERROR -> {
        for (int j = 0; j < c; j++) {
          d[di + j] = 2f * g / c * (p[pi + j] - y[yi + j]);
        }
      }
      case MEAN_ABSOLUTE_ERROR -> {
        for (int j = 0; j < c; j++) {
          d[di + j] = g / c * Math.signum(p[pi + j] - y[yi + j]);
        }
      }
      case HUBER -> {
        for (int j = 0; j < c; j++) {
          float e = p[pi + j] - y[yi + j];
          float slope = Math.abs(e) <= delta ? e : delta * Math.signum(e);
          d[di + j] = g / c * slope;
        }
      }
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  private static double target(Kind kind, float[] y, int yi, int j, int c) {
    if (!kind.sparse()) {
      return y[yi + j];
    }
    float label = y[yi];
    if (label != (int) label || label < 0 || label >= c) {
      throw new IllegalArgumentException(
          kind.name().toLowerCase(java.util.Locale.ROOT)
              + ": label "
              + label
              + " is not a class index in [0, "
              + c
              + ")");
    }
    return (int) label == j ? 1 : 0;
  }

  private static double clip(double q) {
    return Math.min(Math.max(q, EPSILON), 1 - EPSILON);
  }

  private static double rowSum(float[] p, int pi, int c) {
    double s = 0;
    for (int j = 0; j < c; j++) {
      s += p[pi + j];
    }
    return s;
  }

  private static double logSumExp(float[] p, int pi, int c) {
    double m = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < c; j++) {
      m = Math.max(m, p[pi + j]);
    }
    double s = 0;
    for (int j = 0; j < c; j++) {
      s += Math.exp(p[pi + j] - m);
    }
    return m + Math.log(s);
  }
}
