package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.layers.Regularizer;
import dev.graft.tensor.Tensor;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The losses of docs/guide-training.md ("binary / categorical / sparse categorical cross-entropy
 * (probabilities or logits), MSE, MAE, Huber") and "l1 / l2 / l1_l2 regularizers" give Keras's
 * values: each loss is evaluated on a weightless model, so the loss {@code evaluate} reports is the
 * loss of the given predictions, and compared with Keras's formula computed here in double
 * precision (per sample the mean over the last axis, then the mean over the batch).
 */
class LossValuesTest {
  private static final float[] PRED = {0.2f, 0.7f, 0.1f, 0.9f, 0.4f, 0.5f};
  private static final float[] TARGET = {0f, 1f, 1f, 1f, 0f, 0f};

  /** What {@code evaluate} reports for {@code loss} with predictions {@code pred}. */
  private static double evaluated(Object loss, float[] pred, int cols, Tensor y) {
    var in = input(cols);
    Model m = model(in, identity().on(in));
    if (loss instanceof String s) {
      m.compile(sgd(0.1, 0, false), s);
    } else {
      m.compile(sgd(0.1, 0, false), (Loss) loss);
    }
    return m.evaluate(Tensor.of(pred, pred.length / cols, cols), y)[0];
  }

  /** The batch mean of the per-sample mean over the last axis of {@code f(pred, target)}. */
  private static double elementwise(DoubleBinaryOperator f, int cols) {
    double total = 0;
    for (int i = 0; i < PRED.length; i++) {
      total += f.applyAsDouble(PRED[i], TARGET[i]);
    }
    return total / cols / (PRED.length / cols);
  }

  private static Tensor target(int cols) {
    return Tensor.of(TARGET, TARGET.length / cols, cols);
  }

  @Test
  void regressionLossesFollowKerasFormulas() {
    double mse = elementwise((p, t) -> (p - t) * (p - t), 2);
    double mae = elementwise((p, t) -> Math.abs(p - t), 2);
    double huber =
        elementwise(
            (p, t) -> {
              double d = Math.abs(p - t);
              return d <= 1 ? 0.5 * d * d : d - 0.5;
            },
            2);
    assertEquals(mse, evaluated("mse", PRED, 2, target(2)), 1e-6);
    assertEquals(mse, evaluated(meanSquaredError(), PRED, 2, target(2)), 1e-6);
    assertEquals(mae, evaluated("mae", PRED, 2, target(2)), 1e-6);
    assertEquals(huber, evaluated("huber", PRED, 2, target(2)), 1e-6);
    // Huber's linear part: errors beyond delta.
    float[] far = {3f, -2.5f, 0.2f, 0.5f, 1.5f, -1f};
    double farHuber = 0;
    for (int i = 0; i < far.length; i++) {
      double d = Math.abs(far[i] - TARGET[i]);
      farHuber += d <= 1 ? 0.5 * d * d : d - 0.5;
    }
    assertEquals(farHuber / 6, evaluated(Loss.huber(1f), far, 2, target(2)), 1e-6);
  }

  @Test
  void binaryCrossEntropyOnProbabilitiesAndLogits() {
    double bce =
        elementwise((p, t) -> -(t * Math.log(p) + (1 - t) * Math.log(1 - p)), 2); // no clipping
    assertEquals(bce, evaluated("binary_crossentropy", PRED, 2, target(2)), 1e-5);
    assertEquals(bce, evaluated(binaryCrossentropy(), PRED, 2, target(2)), 1e-5);
    float[] logits = {-2f, 1.5f, 0.3f, 4f, -0.7f, 9f};
    double fromLogits = 0;
    for (int i = 0; i < logits.length; i++) {
      double x = logits[i];
      fromLogits += Math.max(x, 0) - x * TARGET[i] + Math.log1p(Math.exp(-Math.abs(x)));
    }
    assertEquals(
        fromLogits / 6, evaluated(Loss.binaryCrossentropy(true), logits, 2, target(2)), 1e-5);
  }

  @Test
  void categoricalCrossEntropyOnProbabilitiesAndLogits() {
    // Two samples of three classes; probabilities sum to one.
    float[] probs = {0.2f, 0.7f, 0.1f, 0.3f, 0.3f, 0.4f};
    Tensor oneHot = Tensor.of(new float[] {0, 1, 0, 1, 0, 0}, 2, 3);
    Tensor sparse = Tensor.of(new float[] {1, 0}, 2, 1);
    double cce = -(Math.log(0.7) + Math.log(0.3)) / 2;
    assertEquals(cce, evaluated("categorical_crossentropy", probs, 3, oneHot), 1e-5);
    assertEquals(cce, evaluated(categoricalCrossentropy(), probs, 3, oneHot), 1e-5);
    assertEquals(cce, evaluated("sparse_categorical_crossentropy", probs, 3, sparse), 1e-5);
    assertEquals(cce, evaluated(sparseCategoricalCrossentropy(), probs, 3, sparse), 1e-5);
    float[] logits = {1f, 2f, -1f, 0.5f, -3f, 2.5f};
    double logSoftmax0 = 2 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(-1));
    double logSoftmax1 = 0.5 - Math.log(Math.exp(0.5) + Math.exp(-3) + Math.exp(2.5));
    double fromLogits = -(logSoftmax0 + logSoftmax1) / 2;
    assertEquals(
        fromLogits, evaluated(Loss.categoricalCrossentropy(true), logits, 3, oneHot), 1e-5);
    assertEquals(
        fromLogits, evaluated(Loss.sparseCategoricalCrossentropy(true), logits, 3, sparse), 1e-5);
  }

  @Test
  void kernelRegularizersAddKerasPenaltyToTheLoss() {
    // Keras: l1 * sum(|w|) + l2 * sum(w^2) added to the loss evaluate reports.
    float[][] factors = {{0.01f, 0}, {0, 0.02f}, {0.01f, 0.02f}};
    Regularizer[] regs = {
      Regularizer.l1(0.01f), Regularizer.l2(0.02f), Regularizer.l1l2(0.01f, 0.02f)
    };
    for (int r = 0; r < regs.length; r++) {
      Regularizer reg = regs[r];
      seed(5);
      var in = input(2);
      Layer d = dense(3).useBias(false).kernelRegularizer(reg);
      Model m = model(in, d.on(in));
      m.compile(sgd(0.1, 0, false), "mse");
      var plainIn = input(2);
      Model plain = model(plainIn, dense(3).useBias(false).on(plainIn));
      plain.compile(sgd(0.1, 0, false), "mse");
      plain.setWeights(m.getWeights());
      Tensor x = Tensor.of(new float[] {1, 2, -1, 0.5f}, 2, 2);
      Tensor y = Tensor.zeros(2, 3);
      double l1 = 0;
      double l2 = 0;
      for (float w : m.getWeights().get(0).toArray()) {
        l1 += Math.abs(w);
        l2 += w * w;
      }
      double penalty = factors[r][0] * l1 + factors[r][1] * l2;
      assertEquals(plain.evaluate(x, y)[0] + penalty, m.evaluate(x, y)[0], 1e-5, reg.className());
    }
  }
}
