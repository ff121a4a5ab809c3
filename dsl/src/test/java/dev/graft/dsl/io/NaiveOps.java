package dev.graft.dsl.io;

import dev.graft.tensor.Tensor;

/**
 * Keras's layer formulas in plain double-precision loops over {@code [h][w][c]} images: the
 * independent side of the real-fixture checks (no Graft kernel, no Graft weight matcher).
 */
final class NaiveOps {
  private NaiveOps() {}

  static double[][][] image(Tensor x, int n) {
    int h = x.shape().dim(1);
    int w = x.shape().dim(2);
    int c = x.shape().dim(3);
    double[][][] out = new double[h][w][c];
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        for (int k = 0; k < c; k++) {
          out[i][j][k] = x.get(n, i, j, k);
        }
      }
    }
    return out;
  }

  /**
   * TensorFlow's "same" padding: the total {@code (ceil(in / s) - 1) * s + k - in}, top half less.
   */
  static double[][][] conv2dSame(double[][][] in, float[][][][] kernel, float[] bias, int stride) {
    return conv2d(in, kernel, bias, stride, true);
  }

  /** A convolution, "same" (as TensorFlow pads) or "valid". */
  static double[][][] conv2d(
      double[][][] in, float[][][][] kernel, float[] bias, int stride, boolean same) {
    int h = in.length;
    int w = in[0].length;
    int kh = kernel.length;
    int kw = kernel[0].length;
    int cin = kernel[0][0].length;
    int cout = bias.length;
    int oh = same ? (h + stride - 1) / stride : (h - kh) / stride + 1;
    int ow = same ? (w + stride - 1) / stride : (w - kw) / stride + 1;
    int top = same ? Math.max((oh - 1) * stride + kh - h, 0) / 2 : 0;
    int left = same ? Math.max((ow - 1) * stride + kw - w, 0) / 2 : 0;
    double[][][] out = new double[oh][ow][cout];
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        for (int f = 0; f < cout; f++) {
          double z = bias[f];
          for (int a = 0; a < kh; a++) {
            for (int b = 0; b < kw; b++) {
              int y = i * stride + a - top;
              int x = j * stride + b - left;
              if (y < 0 || y >= h || x < 0 || x >= w) {
                continue;
              }
              for (int c = 0; c < cin; c++) {
                z += in[y][x][c] * kernel[a][b][c][f];
              }
            }
          }
          out[i][j][f] = z;
        }
      }
    }
    return out;
  }

  static double[][][] batchNorm(
      double[][][] in, float[] gamma, float[] beta, float[] mean, float[] variance, double eps) {
    double[][][] out = new double[in.length][in[0].length][in[0][0].length];
    for (int i = 0; i < in.length; i++) {
      for (int j = 0; j < in[0].length; j++) {
        for (int c = 0; c < in[0][0].length; c++) {
          out[i][j][c] =
              gamma[c] * (in[i][j][c] - mean[c]) / Math.sqrt(variance[c] + eps) + beta[c];
        }
      }
    }
    return out;
  }

  static double[][][] relu(double[][][] in) {
    double[][][] out = new double[in.length][in[0].length][in[0][0].length];
    for (int i = 0; i < in.length; i++) {
      for (int j = 0; j < in[0].length; j++) {
        for (int c = 0; c < in[0][0].length; c++) {
          out[i][j][c] = Math.max(0, in[i][j][c]);
        }
      }
    }
    return out;
  }

  static double[][][] add(double[][][] a, double[][][] b) {
    double[][][] out = new double[a.length][a[0].length][a[0][0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        for (int c = 0; c < a[0][0].length; c++) {
          out[i][j][c] = a[i][j][c] + b[i][j][c];
        }
      }
    }
    return out;
  }

  /** Max pooling, window = strides = {@code p}, "valid". */
  static double[][][] maxPool(double[][][] in, int p) {
    int oh = in.length / p;
    int ow = in[0].length / p;
    int c = in[0][0].length;
    double[][][] out = new double[oh][ow][c];
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        for (int k = 0; k < c; k++) {
          double m = Double.NEGATIVE_INFINITY;
          for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
              m = Math.max(m, in[i * p + a][j * p + b][k]);
            }
          }
          out[i][j][k] = m;
        }
      }
    }
    return out;
  }

  /** Average pooling, window = strides = {@code p}, "valid". */
  static double[][][] averagePool(double[][][] in, int p) {
    int oh = in.length / p;
    int ow = in[0].length / p;
    int c = in[0][0].length;
    double[][][] out = new double[oh][ow][c];
    for (int i = 0; i < oh; i++) {
      for (int j = 0; j < ow; j++) {
        for (int k = 0; k < c; k++) {
          double s = 0;
          for (int a = 0; a < p; a++) {
            for (int b = 0; b < p; b++) {
              s += in[i * p + a][j * p + b][k];
            }
          }
          out[i][j][k] = s / (p * p);
        }
      }
    }
    return out;
  }

  /** Keras's Flatten of an {@code [h][w][c]} image: row-major, channels last. */
  static double[] flatten(double[][][] in) {
    int c = in[0][0].length;
    double[] out = new double[in.length * in[0].length * c];
    int at = 0;
    for (double[][] row : in) {
      for (double[] px : row) {
        for (int k = 0; k < c; k++) {
          out[at++] = px[k];
        }
      }
    }
    return out;
  }

  /** {@code in · kernel + bias}. */
  static double[] dense(double[] in, float[][] kernel, float[] bias) {
    double[] z = new double[bias.length];
    for (int u = 0; u < z.length; u++) {
      z[u] = bias[u];
      for (int k = 0; k < in.length; k++) {
        z[u] += in[k] * kernel[k][u];
      }
    }
    return z;
  }

  /** Batch normalisation of a vector with moving statistics. */
  static double[] batchNorm(
      double[] in, float[] gamma, float[] beta, float[] mean, float[] variance, double eps) {
    double[] out = new double[in.length];
    for (int k = 0; k < in.length; k++) {
      out[k] = gamma[k] * (in[k] - mean[k]) / Math.sqrt(variance[k] + eps) + beta[k];
    }
    return out;
  }

  static double[] denseSoftmax(double[] in, float[][] kernel, float[] bias) {
    double[] z = dense(in, kernel, bias);
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int u = 0; u < z.length; u++) {
      z[u] = Math.exp(z[u] - max);
      sum += z[u];
    }
    for (int u = 0; u < z.length; u++) {
      z[u] /= sum;
    }
    return z;
  }
}
