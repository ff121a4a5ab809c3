package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.io.ModelIO;
import dev.graft.layers.Recurrent;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The recurrent layers' options: {@code recurrent_activation="hard_sigmoid"} (Keras 2 / tfjs form),
 * {@code dropout} and {@code recurrent_dropout} (identity in inference; in training one mask per
 * batch, the same at every step: see also {@code RecurrentDropoutTest}), and clear refusals of what
 * the fused kernels do not run.
 */
class RecurrentOptionsTest {
  /** hard_sigmoid with slope 0.2 (Keras 2 / tfjs) or 1/6 (Keras 3). */
  private static double hard(double slope, double x) {
    return Math.max(0, Math.min(1, slope * x + 0.5));
  }

  /** Keras's LSTM with hard_sigmoid gates, in double: every step's h, {@code (N, T, u)}. */
  private static double[] lstmReference(double slope, Tensor x, Tensor w, Tensor uk, Tensor b) {
    int n = x.shape().dim(0), t = x.shape().dim(1), in = x.shape().dim(2), u = uk.shape().dim(0);
    double[] out = new double[n * t * u];
    for (int r = 0; r < n; r++) {
      double[] h = new double[u];
      double[] c = new double[u];
      for (int s = 0; s < t; s++) {
        double[] z = new double[4 * u];
        for (int k = 0; k < 4 * u; k++) {
          z[k] = b.getFlat(k);
          for (int f = 0; f < in; f++) {
            z[k] += x.getFlat((r * t + s) * in + f) * w.getFlat(f * 4 * u + k);
          }
          for (int j = 0; j < u; j++) {
            z[k] += h[j] * uk.getFlat(j * 4 * u + k);
          }
        }
        for (int j = 0; j < u; j++) {
          double i = hard(slope, z[j]), fg = hard(slope, z[u + j]), g = Math.tanh(z[2 * u + j]);
          double o = hard(slope, z[3 * u + j]);
          c[j] = fg * c[j] + i * g;
          h[j] = o * Math.tanh(c[j]);
          out[(r * t + s) * u + j] = h[j];
        }
      }
    }
    return out;
  }

  /** Keras's GRU with hard_sigmoid gates, reset_after either way, in double. */
  private static double[] gruReference(
      double slope, Tensor x, Tensor w, Tensor uk, Tensor b, boolean after) {
    int n = x.shape().dim(0), t = x.shape().dim(1), in = x.shape().dim(2), u = uk.shape().dim(0);
    int g = 3 * u;
    double[] out = new double[n * t * u];
    for (int r = 0; r < n; r++) {
      double[] h = new double[u];
      for (int s = 0; s < t; s++) {
        double[] xz = new double[g];
        double[] hz = new double[g];
        for (int k = 0; k < g; k++) {
          xz[k] = b.getFlat(k);
          hz[k] = after ? b.getFlat(g + k) : 0;
          for (int f = 0; f < in; f++) {
            xz[k] += x.getFlat((r * t + s) * in + f) * w.getFlat(f * g + k);
          }
          for (int j = 0; j < u; j++) {
            hz[k] += h[j] * uk.getFlat(j * g + k);
          }
        }
        double[] next = new double[u];
        for (int j = 0; j < u; j++) {
          double z = hard(slope, xz[j] + hz[j]);
          double rr = hard(slope, xz[u + j] + hz[u + j]);
          double hh;
          if (after) {
            hh = Math.tanh(xz[2 * u + j] + rr * hz[2 * u + j]);
          } else {
            double acc = xz[2 * u + j];
            for (int q = 0; q < u; q++) {
              acc += hard(slope, xz[u + q] + hz[u + q]) * h[q] * uk.getFlat(q * g + 2 * u + j);
            }
            hh = Math.tanh(acc);
          }
          next[j] = z * h[j] + (1 - z) * hh;
        }
        h = next;
        System.arraycopy(h, 0, out, (r * t + s) * u, u);
      }
    }
    return out;
  }

  private static Tensor scaled(long seed, float scale, int... dims) {
    return Tensor.uniform(new Rng(seed), -scale, scale, dims);
  }

  /**
   * hard_sigmoid gates: {@code predict} (the inference kernel) and a training forward (the kernel
   * that saves for backward) both give Keras 2's {@code clip(0.2 x + 0.5, 0, 1)} LSTM and GRU.
   */
  @Test
  void hardSigmoidGates() {
    hardSigmoidGates("hard_sigmoid_keras2", 0.2);
    hardSigmoidGates("hard_sigmoid", 1.0 / 6);
  }

  private void hardSigmoidGates(String form, double slope) {
    Tensor x = scaled(1, 5f, 5, 4, 3);
    for (String kind : List.of("lstm", "gru", "gru_reset_before")) {
      Recurrent l =
          switch (kind) {
            case "lstm" -> lstm(4);
            case "gru" -> gru(4);
            default -> gru(4).resetAfter(false);
          };
      l.recurrentActivation(form).returnSequences(true);
      var in = input(4, 3);
      Model m = model(in, l.on(in));
      List<Tensor> ws = l.getWeights();
      List<Tensor> w =
          List.of(
              scaled(2, 1f, ws.get(0).shape().toArray()),
              scaled(3, 1f, ws.get(1).shape().toArray()),
              scaled(4, 1f, ws.get(2).shape().toArray()));
      l.setWeights(w);
      double[] want =
          kind.equals("lstm")
              ? lstmReference(slope, x, w.get(0), w.get(1), w.get(2))
              : gruReference(slope, x, w.get(0), w.get(1), w.get(2), kind.equals("gru"));
      Tensor predicted = m.predict(x);
      Tensor trained = new LayerHarness(l, List.of(x), new boolean[] {true}, null, true).output();
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], predicted.getFlat(i), 2e-6, kind + " predict " + i);
        assertEquals(want[i], trained.getFlat(i), 2e-6, kind + " training forward " + i);
      }
      assertEquals(form, l.config().get("recurrent_activation"));
    }
  }

  /**
   * Training dropout on a SimpleRNN whose kernel is the identity and recurrent kernel 0: {@code h_t
   * = tanh(x_t * m)} shows the mask, which must be 0 or 2 (rate 0.5) and the same at every step of
   * a row; prediction is unchanged.
   */
  @Test
  void inputDropoutIsOneMaskPerSequence() {
    Recurrent l = simpleRnn(3).returnSequences(true).dropout(0.5);
    var in = input(5, 3);
    Model m = model(in, l.on(in));
    Tensor eye = Tensor.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3);
    l.setWeights(List.of(eye, Tensor.zeros(3, 3), Tensor.zeros(3)));
    Tensor x = Tensor.full(0.5f, 8, 5, 3);
    Tensor y = new LayerHarness(l, List.of(x), new boolean[] {true}, null, true).output();
    int dropped = 0;
    for (int r = 0; r < 8; r++) {
      for (int f = 0; f < 3; f++) {
        float first = y.getFlat((r * 5) * 3 + f);
        assertTrue(first == 0f || Math.abs(first - Math.tanh(1)) < 1e-6, "value " + first);
        dropped += first == 0f ? 1 : 0;
        for (int s = 1; s < 5; s++) {
          assertEquals(first, y.getFlat((r * 5 + s) * 3 + f), "row " + r + " step " + s);
        }
      }
    }
    assertTrue(dropped > 0 && dropped < 24, "dropped " + dropped + " of 24");
    Tensor p = m.predict(x);
    for (int i = 0; i < p.size(); i++) {
      assertEquals(Math.tanh(0.5), p.getFlat(i), 1e-6);
    }
  }

  /**
   * A file with LSTM/GRU {@code dropout}, {@code recurrent_dropout} and hard_sigmoid loads,
   * predicts as without dropout and saves the settings back; {@code fit} trains with both.
   */
  @Test
  void dropoutSettingsLoadPredictAndTrain() {
    String cfg =
        "{\"class_name\": \"LSTM\", \"config\": {\"name\": \"lstm_d\", \"units\": 3,"
            + " \"activation\": \"tanh\", \"recurrent_activation\": \"hard_sigmoid\","
            + " \"dropout\": 0.2, \"recurrent_dropout\": 0.1, \"return_sequences\": false}}";
    Recurrent l = (Recurrent) ModelIO.layerFromConfig(cfg);
    Map<String, Object> c = l.config();
    assertEquals(0.2, (double) c.get("dropout"), 1e-7);
    assertEquals(0.1, (double) c.get("recurrent_dropout"), 1e-7);
    assertEquals("hard_sigmoid_keras2", c.get("recurrent_activation"));
    var in = input(4, 2);
    Model m = model(in, dense(1).on(l.on(in)));
    Recurrent plain = lstm(3).recurrentActivation("hard_sigmoid_keras2");
    var in2 = input(4, 2);
    Model p = model(in2, dense(1).on(plain.on(in2)));
    p.setWeights(m.getWeights());
    Tensor x = scaled(5, 1f, 6, 4, 2);
    Tensor want = p.predict(x);
    Tensor got = m.predict(x);
    for (int i = 0; i < want.size(); i++) {
      assertEquals(want.getFlat(i), got.getFlat(i), 0f);
    }
    m.compile(sgd(), "mse");
    List<Tensor> before = m.getWeights();
    History trained = m.fit(x, Tensor.full(0.5f, 6, 1), epochs(1).batchSize(3));
    assertTrue(Double.isFinite(trained.history().get("loss").get(0)));
    List<Tensor> after = m.getWeights();
    boolean moved = false;
    for (int k = 0; k < before.size(); k++) {
      for (int i = 0; i < before.get(k).size(); i++) {
        moved |= before.get(k).getFlat(i) != after.get(k).getFlat(i);
      }
    }
    assertTrue(moved, "fit with recurrent_dropout updates the weights");
    Recurrent gru = gru(3).dropout(0.3);
    var in3 = input(4, 2);
    Model g = model(in3, dense(1).on(gru.on(in3)));
    g.compile(sgd(), "mse");
    History h = g.fit(x, Tensor.zeros(6, 1), epochs(2).batchSize(3));
    assertTrue(Double.isFinite(h.history().get("loss").get(1)));
  }

  /** Activations the fused kernels do not run are refused at load with the reason. */
  @Test
  void otherActivationsAreRefused() {
    IllegalArgumentException a =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelIO.layerFromConfig(
                    "{\"class_name\": \"LSTM\", \"config\": {\"name\": \"l\", \"units\": 2,"
                        + " \"activation\": \"relu\"}}"));
    assertTrue(a.getMessage().contains("activation=relu"), a.getMessage());
    IllegalArgumentException r =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelIO.layerFromConfig(
                    "{\"class_name\": \"GRU\", \"config\": {\"name\": \"g\", \"units\": 2,"
                        + " \"recurrent_activation\": \"tanh\"}}"));
    assertTrue(r.getMessage().contains("recurrent_activation=tanh"), r.getMessage());
    assertThrows(IllegalArgumentException.class, () -> lstm(2).dropout(1.0));
    assertThrows(IllegalArgumentException.class, () -> simpleRnn(2).recurrentActivation("sigmoid"));
  }
}
