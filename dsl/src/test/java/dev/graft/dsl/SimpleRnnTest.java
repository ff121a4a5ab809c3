package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.layers.Recurrent;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keras's {@code SimpleRNN}: against a naive double loop, finite differences, states. */
class SimpleRnnTest {
  private static final int N = 2;
  private static final int T = 3;
  private static final int F = 4;
  private static final int U = 2;
  private final Tensor x = Tensor.uniform(new Rng(5), -1f, 1f, N, T, F);

  /** Every step's state, in processing order: {@code h = tanh(x_t W + h U + b)}. */
  private static double[][][] reference(Tensor x, List<Tensor> w, boolean back) {
    double[][][] out = new double[N][T][U];
    for (int n = 0; n < N; n++) {
      double[] h = new double[U];
      for (int s = 0; s < T; s++) {
        int t = back ? T - 1 - s : s;
        double[] next = new double[U];
        for (int j = 0; j < U; j++) {
          double z = w.get(2).getFlat(j);
          for (int i = 0; i < F; i++) {
            z += x.getFlat((n * T + t) * F + i) * w.get(0).getFlat(i * U + j);
          }
          for (int i = 0; i < U; i++) {
            z += h[i] * w.get(1).getFlat(i * U + j);
          }
          next[j] = Math.tanh(z);
        }
        h = next;
        out[n][s] = h;
      }
    }
    return out;
  }

  @Test
  void matchesANaiveLoop() {
    for (boolean back : new boolean[] {false, true}) {
      seed(1);
      Recurrent layer = simpleRnn(U).returnSequences(true).returnState(true).goBackwards(back);
      var in = input(T, F);
      List<SymbolicTensor> outs = layer.onAll(List.of(in));
      assertEquals(Shape.batched(T, U), outs.get(0).shape());
      assertEquals(Shape.batched(U), outs.get(1).shape());
      // A non-zero bias so it is checked too.
      List<Tensor> w = new java.util.ArrayList<>(layer.getWeights());
      w.set(2, Tensor.of(new float[] {0.3f, -0.2f}, U));
      layer.setWeights(w);
      List<Tensor> y = model(List.of(in), outs).predict(List.of(x));
      double[][][] ref = reference(x, w, back);
      for (int n = 0; n < N; n++) {
        for (int s = 0; s < T; s++) {
          for (int j = 0; j < U; j++) {
            assertEquals(ref[n][s][j], y.get(0).getFlat((n * T + s) * U + j), 1e-5);
          }
        }
        for (int j = 0; j < U; j++) {
          assertEquals(ref[n][T - 1][j], y.get(1).getFlat(n * U + j), 1e-5);
        }
      }
    }
  }

  @Test
  void hasKerasWeightsAndConfig() {
    seed(2);
    Recurrent layer = simpleRnn(U);
    layer.ensureBuilt(List.of(Shape.batched(T, F)));
    assertEquals(
        List.of(Shape.of(F, U), Shape.of(U, U), Shape.of(U)),
        layer.weights().stream().map(v -> v.shape()).toList());
    assertEquals(layer.name() + "/recurrent_kernel", layer.weights().get(1).name());
    Map<String, Object> c = layer.config();
    assertEquals("SimpleRNN", layer.className());
    assertEquals("tanh", c.get("activation"));
    assertTrue(c.get("recurrent_initializer").toString().contains("Orthogonal"), c.toString());
    assertTrue(c.get("kernel_initializer").toString().contains("GlorotUniform"), c.toString());
    assertThrows(IllegalArgumentException.class, () -> simpleRnn(0));
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    boolean[] diff = {true};
    for (boolean seq : new boolean[] {false, true}) {
      seed(3);
      Recurrent l = simpleRnn(U).returnSequences(seq).returnState(true).goBackwards(seq);
      new LayerHarness(l, List.of(x), diff, null, false, 0).checkFiniteDifferences("output");
      new LayerHarness(l, List.of(x), diff, null, false, 1).checkFiniteDifferences("state");
    }
  }

  /**
   * A gradient that vanishes through 300 steps becomes zero, never a subnormal float (which costs
   * about a hundred normal ones): each step's tokens get their own embedding row, so the rows show
   * the gradient reaching each step.
   */
  @Test
  void aVanishingGradientBecomesZeroNotSubnormal() {
    seed(7);
    int steps = 300;
    var ids = input(steps);
    Recurrent rnn = simpleRnn(8);
    Model m = model(ids, dense(1).on(rnn.on(embedding(steps, 4).on(ids))));
    m.compile("sgd", "mse");
    List<Tensor> w = new java.util.ArrayList<>(rnn.getWeights());
    w.set(1, Tensor.uniform(new Rng(8), -0.1f, 0.1f, 8, 8)); // a recurrence that shrinks
    rnn.setWeights(w);
    float[] tokens = new float[2 * steps];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = i % steps;
    }
    Map<String, Tensor> g =
        m.gradients(Tensor.of(tokens, 2, steps), Tensor.of(new float[] {1, -1}, 2, 1));
    Tensor rows = null;
    for (Map.Entry<String, Tensor> e : g.entrySet()) {
      if (e.getKey().contains("embedding")) {
        rows = e.getValue();
      }
    }
    int subnormal = 0;
    for (int i = 0; i < rows.size(); i++) {
      float v = rows.getFlat(i);
      subnormal += v != 0f && Math.abs(v) < Float.MIN_NORMAL ? 1 : 0;
    }
    assertEquals(0, subnormal, "subnormal embedding gradients");
    assertEquals(0f, rows.getFlat(0), "the first step's gradient did not vanish");
    assertTrue(rows.getFlat((steps - 1) * 4) != 0f, "the last step's gradient is zero");
  }
}
