package dev.graft.tensor;

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
   */
  public static void moments(Tensor x, Tensor mean, Tensor variance) {
    int c = channels("batch_norm_moments", x, mean, variance);
    int rows = x.size() / c;
    float[] v = x.array();
    int xo = x.offset();
    for (int k = 0; k < c; k++) {
      double s = 0;
      for (int r = 0, i = xo + k; r < rows; r++, i += c) {
        s += v[i];
      }
      double m = rows == 0 ? 0 : s / rows;
      double q = 0;
      for (int r = 0, i = xo + k; r < rows; r++, i += c) {
        double d = v[i] - m;
        q += d * d;
      }
      mean.array()[mean.offset() + k] = (float) m;
      variance.array()[variance.offset() + k] = (float) (rows == 0 ? 0 : q / rows);
    }
  }

  /**
   * {@code out = gamma * (x - mean) / sqrt(variance + eps) + beta}; {@code out} may be {@code x}.
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
    int c = channels("batch_norm_grad", x, mean, variance);
    channels("batch_norm_grad", x, gamma, dgamma);
    channels("batch_norm_grad", x, dbeta, dbeta);
    Checks.equalShapes("batch_norm_grad", x, dy);
    Checks.sameShape("batch_norm_grad", x, dx);
    float[] v = x.array();
    float[] g = dy.array();
    float[] d = dx.array();
    int rows = x.size() / c;
    for (int k = 0; k < c; k++) {
      double m = mean.getFlat(k);
      double inv = 1.0 / Math.sqrt(variance.getFlat(k) + (double) eps);
      double sumDy = 0;
      double sumDyXhat = 0;
      for (int r = 0, i = k; r < rows; r++, i += c) {
        double gy = g[dy.offset() + i];
        sumDy += gy;
        sumDyXhat += gy * (v[x.offset() + i] - m) * inv;
      }
      dbeta.array()[dbeta.offset() + k] = (float) sumDy;
      dgamma.array()[dgamma.offset() + k] = (float) sumDyXhat;
      double scale = gamma.getFlat(k) * inv;
      for (int r = 0, i = k; r < rows; r++, i += c) {
        double gy = g[dy.offset() + i];
        if (batchStatistics) {
          double xhat = (v[x.offset() + i] - m) * inv;
          gy = gy - (sumDy + xhat * sumDyXhat) / rows;
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

  /** {@code moving = moving * momentum + batch * (1 - momentum)}, Keras's moving-average update. */
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
