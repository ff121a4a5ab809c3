package dev.graft.tensor.norm;

import dev.graft.tensor.Tensor;
import dev.graft.tensor.support.Checks;

/**
 * Batch-normalisation kernels over the last (channel) axis: {@code x} is read as {@code (rows, C)}
 * rows of channels, every other axis being reduced. Statistics are accumulated in double, one
 * channel at a time, so nothing is allocated.
 *
 * <p>Forward: {@code y = gamma * (x - mean) / sqrt(var + eps) + beta}. Backward with batch
 * statistics ({@code xhat = (x - mean) / sqrt(var + eps)}, {@code M} rows): {@code dbeta =
 * sum(dy)}, {@code dgamma = sum(dy * xhat)}, {@code dx = gamma / sqrt(var + eps) / M * (M * dy -
 * dbeta - xhat * dgamma)}; with fixed (moving) statistics {@code dx = gamma / sqrt(var + eps) *
 * dy}.
 */
public final class BatchNorm {
  private BatchNorm() {}

  /**
   * The per-channel mean and biased variance of {@code x}, written to {@code mean} and {@code
   * variance} (both of {@code C} elements).
   *
   * @param x the input, channels on the last axis; every other axis is reduced
   * @param mean receives the per-channel mean ({@code C} elements)
   * @param variance receives the per-channel biased variance ({@code C} elements)
   */
  public static void moments(Tensor x, Tensor mean, Tensor variance) {
    moments(x, null, mean, variance);
  }

  /**
   * Keras's masked moments when {@code mask} (one weight per row, 1 kept and 0 masked) is not null:
   * {@code mean = sum(m x) / (sum(m) + 1e-7)}, {@code variance = sum(m (x - mean)^2) / (sum(m) +
   * 1e-7)}; the plain moments otherwise.
   *
   * @param x the input, channels on the last axis; every other axis is reduced
   * @param mask one weight per row (1 kept, 0 masked), or null for the plain moments
   * @param mean receives the per-channel mean ({@code C} elements)
   * @param variance receives the per-channel biased variance ({@code C} elements)
   */
  public static void moments(Tensor x, Tensor mask, Tensor mean, Tensor variance) {
    int c = channels("batch_norm_moments", x, mean, variance);
    int rows = x.size() / c;
    checkMask(x, mask, rows);
    float[] v = x.array();
    int xo = x.offset();
    double count = rowWeight(mask, rows);
    for (int k = 0; k < c; k++) {
      double s = 0;
      for (int r = 0, i = xo + k; r < rows; r++, i += c) {
        s += weight(mask, r) * v[i];
      }
      double m = count == 0 ? 0 : s / count;
      double q = 0;
      for (int r = 0, i = xo + k; r < rows; r++, i += c) {
        double d = v[i] - m;
        q += weight(mask, r) * d * d;
      }
      mean.array()[mean.offset() + k] = (float) m;
      variance.array()[variance.offset() + k] = (float) (count == 0 ? 0 : q / count);
    }
  }

  /** Keras's epsilon in the masked moments' denominators ({@code backend.epsilon()}). */
  private static final double MASK_EPSILON = 1e-7;

  /** The moments' denominator: the row count, or the mask's sum plus Keras's epsilon. */
  private static double rowWeight(Tensor mask, int rows) {
    if (mask == null) {
      return rows;
    }
    double w = 0;
    for (int r = 0; r < rows; r++) {
      w += weight(mask, r);
    }
    return w + MASK_EPSILON;
  }

  private static double weight(Tensor mask, int row) {
    return mask == null ? 1.0 : (mask.array()[mask.offset() + row] != 0f ? 1.0 : 0.0);
  }

  private static void checkMask(Tensor x, Tensor mask, int rows) {
    if (mask != null && mask.size() != rows) {
      throw new IllegalArgumentException(
          "batch_norm: a mask of shape "
              + mask.shape()
              + " does not match input "
              + x.shape()
              + " (one value per row of channels)");
    }
  }

  /**
   * {@code out = gamma * (x - mean) / sqrt(variance + eps) + beta}; {@code out} may be {@code x}.
   *
   * @param x the input, channels on the last axis; every other axis is reduced
   * @param mean the per-channel mean ({@code C} elements)
   * @param variance the per-channel variance ({@code C} elements)
   * @param gamma the per-channel scale ({@code C} elements)
   * @param beta the per-channel shift ({@code C} elements)
   * @param eps the small constant added to the variance, {@code > 0}
   * @param out receives the normalised values, of {@code x}'s shape (may be {@code x})
   * @return {@code out}
   */
  public static Tensor normalize(
      Tensor x, Tensor mean, Tensor variance, Tensor gamma, Tensor beta, float eps, Tensor out) {
    int c = channels("batch_norm", x, mean, variance);
    channels("batch_norm", x, gamma, beta);
    Checks.sameShape("batch_norm", x, out);
    float[] v = x.array();
    float[] o = out.array();
    int rows = x.size() / c;
    for (int k = 0; k < c; k++) {
      float inv = (float) (1.0 / Math.sqrt(variance.getFlat(k) + (double) eps));
      float scale = gamma.getFlat(k) * inv;
      float shift = beta.getFlat(k) - mean.getFlat(k) * scale;
      for (int r = 0, i = k; r < rows; r++, i += c) {
        o[out.offset() + i] = v[x.offset() + i] * scale + shift;
      }
    }
    return out;
  }

  /**
   * The gradients of {@link #normalize} for upstream {@code dy}: writes {@code dx}, {@code dgamma}
   * and {@code dbeta}. {@code batchStatistics} says whether {@code mean} and {@code variance} were
   * computed from {@code x} (training) or are constants (inference).
   *
   * @param x the input, channels on the last axis; every other axis is reduced
   * @param dy the upstream gradient, of {@code x}'s shape
   * @param mean the per-channel mean ({@code C} elements)
   * @param variance the per-channel variance ({@code C} elements)
   * @param gamma the per-channel scale ({@code C} elements)
   * @param eps the small constant added to the variance, {@code > 0}
   * @param batchStatistics true if {@code mean} and {@code variance} were computed from {@code x}
   *     (training), false if they are constants (inference)
   * @param dx receives the input gradient, of {@code x}'s shape (overwritten)
   * @param dgamma receives the scale's gradient ({@code C} elements, overwritten)
   * @param dbeta receives the shift's gradient ({@code C} elements, overwritten)
   */
  public static void backward(
      Tensor x,
      Tensor dy,
      Tensor mean,
      Tensor variance,
      Tensor gamma,
      float eps,
      boolean batchStatistics,
      Tensor dx,
      Tensor dgamma,
      Tensor dbeta) {
    backward(x, null, dy, mean, variance, gamma, eps, batchStatistics, dx, dgamma, dbeta);
  }

  /**
   * {@link #backward} when the batch statistics were the masked moments of {@link #moments(Tensor,
   * Tensor, Tensor, Tensor)} ({@code mask} null: the plain ones). With {@code W = sum(m) + 1e-7},
   * {@code G0 = sum(dy)}, {@code G1 = sum(dy (x - mean))} over all rows and {@code S = sum(m (x -
   * mean))}: {@code dx = gamma inv (dy - m/W G0 - m/W inv^2 ((x - mean) - S/W) G1)}.
   *
   * @param x the input, channels on the last axis; every other axis is reduced
   * @param mask the mask the moments were computed with (one weight per row), or null
   * @param dy the upstream gradient, of {@code x}'s shape
   * @param mean the per-channel mean ({@code C} elements)
   * @param variance the per-channel variance ({@code C} elements)
   * @param gamma the per-channel scale ({@code C} elements)
   * @param eps the small constant added to the variance, {@code > 0}
   * @param batchStatistics true if {@code mean} and {@code variance} were computed from {@code x}
   *     (training), false if they are constants (inference)
   * @param dx receives the input gradient, of {@code x}'s shape (overwritten)
   * @param dgamma receives the scale's gradient ({@code C} elements, overwritten)
   * @param dbeta receives the shift's gradient ({@code C} elements, overwritten)
   */
  public static void backward(
      Tensor x,
      Tensor mask,
      Tensor dy,
      Tensor mean,
      Tensor variance,
      Tensor gamma,
      float eps,
      boolean batchStatistics,
      Tensor dx,
      Tensor dgamma,
      Tensor dbeta) {
    int c = channels("batch_norm_grad", x, mean, variance);
    channels("batch_norm_grad", x, gamma, dgamma);
    channels("batch_norm_grad", x, dbeta, dbeta);
    Checks.equalShapes("batch_norm_grad", x, dy);
    Checks.sameShape("batch_norm_grad", x, dx);
    float[] v = x.array();
    float[] g = dy.array();
    float[] d = dx.array();
    int rows = x.size() / c;
    checkMask(x, mask, rows);
    double count = rowWeight(mask, rows);
    for (int k = 0; k < c; k++) {
      double m = mean.getFlat(k);
      double inv = 1.0 / Math.sqrt(variance.getFlat(k) + (double) eps);
      double sumDy = 0;
      double sumDyCentred = 0;
      double sumKeptCentred = 0;
      for (int r = 0, i = k; r < rows; r++, i += c) {
        double gy = g[dy.offset() + i];
        double centred = v[x.offset() + i] - m;
        sumDy += gy;
        sumDyCentred += gy * centred;
        sumKeptCentred += weight(mask, r) * centred;
      }
      dbeta.array()[dbeta.offset() + k] = (float) sumDy;
      dgamma.array()[dgamma.offset() + k] = (float) (sumDyCentred * inv);
      double scale = gamma.getFlat(k) * inv;
      double drift = mask == null ? 0 : sumKeptCentred / count;
      for (int r = 0, i = k; r < rows; r++, i += c) {
        double gy = g[dy.offset() + i];
        if (batchStatistics) {
          double share = weight(mask, r) / count;
          double centred = v[x.offset() + i] - m - drift;
          gy = gy - share * (sumDy + inv * inv * centred * sumDyCentred);
        }
        d[dx.offset() + i] = (float) (scale * gy);
      }
    }
  }

  /**
   * The gradients with respect to fixed (moving) statistics, from {@link #backward}'s {@code
   * dgamma} and {@code dbeta} in inference: {@code dmean = -gamma / sqrt(var + eps) * dbeta} and
   * {@code dvariance = -gamma / (2 (var + eps)) * dgamma}. (With batch statistics the output does
   * not depend on the moving ones: their gradients are zero.)
   *
   * @param gamma the per-channel scale ({@code C} elements)
   * @param variance the moving variance ({@code C} elements)
   * @param dgamma the scale's gradient from {@link #backward} in inference
   * @param dbeta the shift's gradient from {@link #backward} in inference
   * @param eps the small constant added to the variance, {@code > 0}
   * @param dmean receives the moving mean's gradient ({@code C} elements, overwritten)
   * @param dvariance receives the moving variance's gradient ({@code C} elements, overwritten)
   */
  public static void statisticsBackward(
      Tensor gamma,
      Tensor variance,
      Tensor dgamma,
      Tensor dbeta,
      float eps,
      Tensor dmean,
      Tensor dvariance) {
    Checks.equalShapes("batch_norm_grad", gamma, variance);
    Checks.equalShapes("batch_norm_grad", dgamma, dbeta);
    Checks.equalShapes("batch_norm_grad", dmean, dvariance);
    Checks.equalShapes("batch_norm_grad", gamma, dmean);
    for (int k = 0, c = gamma.size(); k < c; k++) {
      double ve = variance.getFlat(k) + (double) eps;
      double g = gamma.getFlat(k);
      dmean.array()[dmean.offset() + k] = (float) (-g / Math.sqrt(ve) * dbeta.getFlat(k));
      dvariance.array()[dvariance.offset() + k] = (float) (-g / (2 * ve) * dgamma.getFlat(k));
    }
  }

  /**
   * {@code moving = moving * momentum + batch * (1 - momentum)}, Keras's moving-average update.
   *
   * @param moving the moving statistic, updated in place
   * @param batch the batch's statistic, of {@code moving}'s shape
   * @param momentum the weight kept by the old value, in {@code [0, 1]} (Keras's default 0.99)
   */
  public static void updateMoving(Tensor moving, Tensor batch, float momentum) {
    Checks.equalShapes("batch_norm_update", moving, batch);
    float[] m = moving.array();
    for (int k = 0, n = moving.size(); k < n; k++) {
      int i = moving.offset() + k;
      m[i] = m[i] * momentum + batch.getFlat(k) * (1f - momentum);
    }
  }

  private static int channels(String op, Tensor x, Tensor p, Tensor q) {
    int c = x.rank() == 0 ? 1 : x.shape().dim(-1);
    if (p.size() != c || q.size() != c) {
      throw new IllegalArgumentException(
          op
              + ": per-channel tensors "
              + p.shape()
              + " and "
              + q.shape()
              + " must have "
              + c
              + " elements for input "
              + x.shape());
    }
    return c;
  }
}
