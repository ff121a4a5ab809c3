package dev.graft.tensor.norm;

import static dev.graft.tensor.TestTensors.assertClose;

import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import org.junit.jupiter.api.Test;

class BatchNormTest {
  /** Naive double reference of the forward pass and both backward forms, per channel. */
  @Test
  void momentsNormalizeAndBackwardMatchDoubleReference() {
    Tensor x = TestTensors.random(1, 3, 2, 4);
    Tensor dy = TestTensors.random(2, 3, 2, 4);
    Tensor gamma = TestTensors.random(3, 4);
    Tensor beta = TestTensors.random(4, 4);
    float eps = 1e-3f;
    int c = 4;
    int rows = 6;
    double[] mean = new double[c];
    double[] var = new double[c];
    for (int k = 0; k < c; k++) {
      for (int r = 0; r < rows; r++) {
        mean[k] += x.getFlat(r * c + k) / rows;
      }
      for (int r = 0; r < rows; r++) {
        double d = x.getFlat(r * c + k) - mean[k];
        var[k] += d * d / rows;
      }
    }
    Tensor m = Tensor.zeros(c);
    Tensor v = Tensor.zeros(c);
    BatchNorm.moments(x, m, v);
    assertClose(mean, m, 1e-6, 1e-7, "mean");
    assertClose(var, v, 1e-6, 1e-7, "variance");

    double[] y = new double[x.size()];
    double[] dxTrain = new double[x.size()];
    double[] dxInfer = new double[x.size()];
    double[] dgamma = new double[c];
    double[] dbeta = new double[c];
    for (int k = 0; k < c; k++) {
      double inv = 1 / Math.sqrt(var[k] + eps);
      for (int r = 0; r < rows; r++) {
        int i = r * c + k;
        double xhat = (x.getFlat(i) - mean[k]) * inv;
        y[i] = gamma.getFlat(k) * xhat + beta.getFlat(k);
        dbeta[k] += dy.getFlat(i);
        dgamma[k] += dy.getFlat(i) * xhat;
      }
      for (int r = 0; r < rows; r++) {
        int i = r * c + k;
        double xhat = (x.getFlat(i) - mean[k]) * inv;
        dxInfer[i] = gamma.getFlat(k) * inv * dy.getFlat(i);
        dxTrain[i] =
            gamma.getFlat(k) * inv / rows * (rows * dy.getFlat(i) - dbeta[k] - xhat * dgamma[k]);
      }
    }
    assertClose(
        y, BatchNorm.normalize(x, m, v, gamma, beta, eps, Tensor.zeros(3, 2, 4)), 1e-5, 1e-6, "y");
    for (boolean train : new boolean[] {true, false}) {
      Tensor dx = Tensor.zeros(3, 2, 4);
      Tensor dg = Tensor.zeros(c);
      Tensor db = Tensor.zeros(c);
      BatchNorm.backward(x, dy, m, v, gamma, eps, train, dx, dg, db);
      assertClose(train ? dxTrain : dxInfer, dx, 1e-4, 1e-6, "dx training=" + train);
      assertClose(dgamma, dg, 1e-5, 1e-6, "dgamma");
      assertClose(dbeta, db, 1e-5, 1e-6, "dbeta");
    }
    Tensor moving = Tensor.of(1f, 2f, 3f, 4f);
    BatchNorm.updateMoving(moving, Tensor.of(0f, 0f, 1f, 8f), 0.99f);
    assertClose(new double[] {0.99, 1.98, 2.98, 4.04}, moving, 1e-6, 1e-6, "moving average");
  }

  /** The moving statistics' gradients in inference, from the chain rule written out in double. */
  @Test
  void statisticsBackwardMatchesDoubleReference() {
    Tensor gamma = Tensor.of(0.5f, -2f, 1.5f);
    Tensor var = Tensor.of(0.25f, 1f, 4f);
    Tensor dgamma = Tensor.of(1f, -0.5f, 2f);
    Tensor dbeta = Tensor.of(-1f, 3f, 0.25f);
    float eps = 1e-3f;
    double[] wantMean = new double[3];
    double[] wantVar = new double[3];
    for (int k = 0; k < 3; k++) {
      double ve = var.getFlat(k) + (double) eps;
      // y = gamma (x - m) / sqrt(v + eps) + beta: dy/dm = -gamma / sqrt(v + eps), dy/dv = -gamma
      // xhat / (2 (v + eps)); summed against dy these are dbeta and dgamma.
      wantMean[k] = -gamma.getFlat(k) / Math.sqrt(ve) * dbeta.getFlat(k);
      wantVar[k] = -gamma.getFlat(k) * dgamma.getFlat(k) / (2 * ve);
    }
    Tensor dm = Tensor.zeros(3);
    Tensor dv = Tensor.zeros(3);
    BatchNorm.statisticsBackward(gamma, var, dgamma, dbeta, eps, dm, dv);
    assertClose(wantMean, dm, 1e-6, 1e-7, "dmoving_mean");
    assertClose(wantVar, dv, 1e-6, 1e-7, "dmoving_variance");
  }
}
