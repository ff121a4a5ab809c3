package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.layers.BatchNormalization;
import dev.graft.layers.Dense;
import dev.graft.layers.TimeDistributed;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keras's {@code TimeDistributed(model)}: a nested Sequential or Functional model applied, with one
 * set of weights, to every time step; its gradients, training and freezing.
 */
class TimeDistributedModelTest {
  private final Rng rng = new Rng(21);

  /** Dense(4, relu) -> BatchNormalization (non-trivial statistics) -> Dense(3), on 5 features. */
  private Model encoder() {
    var in = input(5);
    BatchNormalization bn = batchNormalization();
    Model m = model(in, dense(3).on(bn.on(dense(4).activation("relu").on(in))));
    bn.setWeights(
        List.of(
            Tensor.uniform(rng, 0.5f, 1.5f, 4),
            Tensor.uniform(rng, -0.5f, 0.5f, 4),
            Tensor.uniform(rng, -0.5f, 0.5f, 4),
            Tensor.uniform(rng, 0.5f, 2f, 4)));
    return m;
  }

  /** {@code x[:, t, :]} of an {@code (N, T, F)} tensor. */
  private static Tensor step(Tensor x, int t) {
    int n = x.shape().dim(0);
    int steps = x.shape().dim(1);
    int f = x.shape().dim(2);
    float[] all = x.toArray();
    float[] out = new float[n * f];
    for (int i = 0; i < n; i++) {
      System.arraycopy(all, (i * steps + t) * f, out, i * f, f);
    }
    return Tensor.of(out, n, f);
  }

  @Test
  void eachStepIsTheWrappedModelsPrediction() {
    clearSession();
    Model inner = encoder();
    var in = input(6, 5);
    Model m = model(in, timeDistributed(inner).on(in));
    Tensor x = Tensor.uniform(rng, -1f, 1f, 2, 6, 5);
    Tensor y = m.predict(x);
    assertEquals(Shape.of(2, 6, 3), y.shape());
    for (int t = 0; t < 6; t++) {
      Tensor want = inner.predict(step(x, t));
      assertTrue(step(y, t).allClose(want, 1e-6, 1e-6), "step " + t + ": " + step(y, t));
    }
    // The wrapper holds the model's weights (2 Dense + BN): nothing of its own.
    assertEquals(inner.weights(), m.getLayer("time_distributed").weights());
    assertEquals(inner.countParams(), m.countParams());
    String summary = m.summaryText(true);
    assertTrue(summary.contains("time_distributed") && summary.contains("(None, 6, 3)"), summary);
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    clearSession();
    Model inner = sequential(input(4), dense(3).activation("tanh"), dense(2));
    new LayerHarness(
            timeDistributed(inner),
            List.of(Tensor.uniform(rng, -1f, 1f, 2, 3, 4)),
            new boolean[] {true},
            null,
            false)
        .checkFiniteDifferences("time_distributed_sequential");
  }

  @Test
  void fitTrainsTheWrappedModelAndKeepsItsFrozenLayer() {
    clearSession();
    Dense frozen = dense(4).activation("tanh");
    Dense trained = dense(2);
    Model inner = sequential(input(3), frozen, trained);
    frozen.trainable(false);
    var in = input(5, 3);
    TimeDistributed td = timeDistributed(inner);
    Model m = model(in, td.on(in));
    List<Tensor> frozenBefore = frozen.getWeights();
    List<Tensor> trainedBefore = trained.getWeights();
    m.compile(sgd(0.1, 0, false), "mse");
    m.fit(
        Tensor.uniform(rng, -1f, 1f, 8, 5, 3),
        Tensor.uniform(rng, -1f, 1f, 8, 5, 2),
        epochs(2).verbose(0));
    for (int i = 0; i < 2; i++) {
      assertTrue(
          Arrays.equals(frozenBefore.get(i).toArray(), frozen.getWeights().get(i).toArray()));
      assertFalse(
          Arrays.equals(trainedBefore.get(i).toArray(), trained.getWeights().get(i).toArray()));
    }
    assertEquals(2, td.trainableWeights().size());
    td.trainable(false);
    assertTrue(td.trainableWeights().isEmpty());
  }
}
