package dev.graft.layers;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;

/** Keras's orthogonal initializer: Q of the QR decomposition of a normal matrix, sign-fixed. */
final class Orthogonal {
  private Orthogonal() {}

  static Tensor create(Shape shape, Rng rng, float gain) {
    if (shape.rank() < 2) {
      throw new IllegalArgumentException(
          "Orthogonal: the weight needs rank >= 2; Received: shape=" + shape);
    }
    int rows = shape.sizeTo(shape.rank() - 1);
    int cols = shape.dim(-1);
    int m = Math.max(rows, cols);
    int n = Math.min(rows, cols);
    // Columns of an m x n normal matrix, orthonormalised by modified Gram-Schmidt (= Q of QR with
    // the signs of R's diagonal made positive, as Keras does).
    double[][] q = new double[n][m];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < m; i++) {
        q[j][i] = rng.nextGaussian();
      }
    }
    for (int j = 0; j < n; j++) {
      for (int k = 0; k < j; k++) {
        double dot = 0;
        for (int i = 0; i < m; i++) {
          dot += q[j][i] * q[k][i];
        }
        for (int i = 0; i < m; i++) {
          q[j][i] -= dot * q[k][i];
        }
      }
      double norm = 0;
      for (int i = 0; i < m; i++) {
        norm += q[j][i] * q[j][i];
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < m; i++) {
        q[j][i] /= norm;
      }
    }
    Tensor out = Tensor.zeros(shape);
    float[] d = out.array();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        // Q is m x n; the weight is rows x cols: Q itself when rows >= cols, else its transpose.
        double v = rows >= cols ? q[c][r] : q[r][c];
        d[r * cols + c] = (float) (gain * v);
      }
    }
    return out;
  }
}
