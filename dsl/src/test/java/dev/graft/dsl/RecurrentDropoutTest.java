package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.layers.Recurrent;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * LSTM and GRU {@code recurrent_dropout} through the public API: in training one state mask per
 * sequence, the same at every step and drawn per batch row, reproducible under {@link Graft#seed};
 * {@code fit} trains with it and {@code predict} ignores it.
 */
class RecurrentDropoutTest {
  private static final int UNITS = 4;
  private static final int BATCH = 16;
  private static final int TIME = 5;
  private static final float C = 0.3f;

  /**
   * A layer whose gates are saturated so that each step computes {@code h_t = f(C + m * h_{t-1})}
   * per unit ({@code f = tanh} for the GRU, {@code tanh ∘ tanh} for the LSTM, whose output is
   * {@code tanh} of its cell): the recurrent kernel's candidate block is the identity, the other
   * blocks 0, and the gate biases ±30. The outputs then show the candidate gate's state mask {@code
   * m} unit by unit (each gate has its own; only this one reaches the outputs here).
   */
  private static Recurrent readable(String kind) {
    Recurrent l =
        switch (kind) {
          case "lstm" -> lstm(UNITS);
          case "gru" -> gru(UNITS);
          default -> gru(UNITS).resetAfter(false);
        };
    l.returnSequences(true).recurrentDropout(0.5);
    var in = input(TIME, 1);
    model(in, l.on(in));
    int gates = kind.equals("lstm") ? 4 : 3;
    int g = gates * UNITS;
    Tensor w = Tensor.zeros(1, g);
    Tensor u = Tensor.zeros(UNITS, g);
    Tensor b = kind.equals("gru") ? Tensor.zeros(2, g) : Tensor.zeros(g);
    for (int j = 0; j < UNITS; j++) {
      w.setFlat(2 * UNITS + j, C);
      u.setFlat(j * g + 2 * UNITS + j, 1f);
      if (kind.equals("lstm")) {
        b.setFlat(j, 30f); // input gate open
        b.setFlat(UNITS + j, -30f); // forget gate shut: c_t = g_t
        b.setFlat(3 * UNITS + j, 30f); // output gate open
      } else {
        b.setFlat(j, -30f); // z = 0: h_t = hh_t
        b.setFlat(UNITS + j, 30f); // r = 1
      }
    }
    l.setWeights(List.of(w, u, b));
    return l;
  }

  private static double cell(String kind, double pre) {
    return kind.equals("lstm") ? Math.tanh(Math.tanh(pre)) : Math.tanh(pre);
  }

  /** A training forward of {@code l} on ones: every step's output {@code (BATCH, TIME, UNITS)}. */
  private static Tensor trainingForward(Recurrent l) {
    Tensor x = Tensor.full(1f, BATCH, TIME, 1);
    return new LayerHarness(l, List.of(x), new boolean[] {true}, null, true).output();
  }

  /**
   * Reads the mask of every row and unit from the outputs, checking that each step from the second
   * on used the same one: returns {@code (BATCH, UNITS)} values in {0, 2}.
   */
  private static float[] readMask(String kind, Tensor y) {
    float[] mask = new float[BATCH * UNITS];
    for (int r = 0; r < BATCH; r++) {
      for (int j = 0; j < UNITS; j++) {
        assertEquals(cell(kind, C), y.getFlat((r * TIME) * UNITS + j), 1e-5, "first step");
        float m = Float.NaN;
        for (int s = 1; s < TIME; s++) {
          double prev = y.getFlat((r * TIME + s - 1) * UNITS + j);
          double got = y.getFlat((r * TIME + s) * UNITS + j);
          float here =
              Math.abs(got - cell(kind, C)) < 1e-5
                  ? 0f
                  : Math.abs(got - cell(kind, C + 2 * prev)) < 1e-5 ? 2f : Float.NaN;
          assertTrue(!Float.isNaN(here), kind + " row " + r + " unit " + j + " step " + s);
          if (s > 1) {
            assertEquals(m, here, kind + ": the mask changed at step " + s + " of row " + r);
          }
          m = here;
        }
        mask[r * UNITS + j] = m;
      }
    }
    return mask;
  }

  /**
   * In training the state mask is drawn once per sequence: the same at every step, different across
   * rows (about half of the units dropped at rate 0.5), the same again under the same seed and
   * different under another; {@code predict} applies none.
   */
  @Test
  void oneStateMaskPerSequence() {
    for (String kind : List.of("lstm", "gru", "gru_reset_before")) {
      Recurrent l = readable(kind);
      Graft.seed(11);
      float[] first = readMask(kind, trainingForward(l));
      Graft.seed(11);
      float[] again = readMask(kind, trainingForward(l));
      Graft.seed(12);
      float[] other = readMask(kind, trainingForward(l));
      assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(again), kind);
      assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(other), kind);
      Set<String> rows = new HashSet<>();
      int dropped = 0;
      for (int r = 0; r < BATCH; r++) {
        float[] row = java.util.Arrays.copyOfRange(first, r * UNITS, (r + 1) * UNITS);
        rows.add(java.util.Arrays.toString(row));
        for (float m : row) {
          dropped += m == 0f ? 1 : 0;
        }
      }
      assertTrue(rows.size() > 4, kind + ": rows share masks: " + rows);
      assertTrue(dropped > 16 && dropped < 48, kind + ": dropped " + dropped + " of 64");
      // Inference: every unit kept, h_t = f(C + h_{t-1}).
      var in = input(TIME, 1);
      Tensor p = model(in, l.on(in)).predict(Tensor.full(1f, 2, TIME, 1));
      for (int j = 0; j < UNITS; j++) {
        double h = 0;
        for (int s = 0; s < TIME; s++) {
          h = cell(kind, C + h);
          assertEquals(h, p.getFlat(s * UNITS + j), 1e-5, kind + " predict step " + s);
        }
      }
    }
  }

  /**
   * {@code fit} with recurrent dropout lowers the loss of a small regression (the sum of a
   * sequence), and {@code predict} gives exactly what the same weights give without dropout.
   */
  @Test
  void fitTrainsAndPredictIgnoresIt() {
    for (String kind : List.of("lstm", "gru", "gru_reset_before")) {
      Graft.seed(3);
      Recurrent l =
          switch (kind) {
            case "lstm" -> lstm(8);
            case "gru" -> gru(8);
            default -> gru(8).resetAfter(false);
          };
      l.recurrentDropout(0.3);
      var in = input(6, 2);
      Model m = model(in, dense(1).on(l.on(in)));
      m.compile(adam(0.01), "mse");
      Tensor x = Tensor.uniform(new Rng(5), -1f, 1f, 64, 6, 2);
      Tensor y = Tensor.zeros(64, 1);
      for (int r = 0; r < 64; r++) {
        float sum = 0;
        for (int i = 0; i < 12; i++) {
          sum += x.getFlat(r * 12 + i);
        }
        y.setFlat(r, sum / 4);
      }
      List<Double> loss = m.fit(x, y, epochs(30).batchSize(16).verbose(0)).history().get("loss");
      double start = loss.get(0);
      double end = loss.get(loss.size() - 1);
      assertTrue(end < 0.5 * start, kind + ": loss " + start + " -> " + end);
      Recurrent plain =
          switch (kind) {
            case "lstm" -> lstm(8);
            case "gru" -> gru(8);
            default -> gru(8).resetAfter(false);
          };
      var in2 = input(6, 2);
      Model p = model(in2, dense(1).on(plain.on(in2)));
      p.setWeights(m.getWeights());
      Tensor want = p.predict(x);
      Tensor got = m.predict(x);
      // A dropped unit would move outputs by far more than float rounding.
      for (int i = 0; i < want.size(); i++) {
        assertEquals(want.getFlat(i), got.getFlat(i), 1e-6, kind + ": predict " + i);
      }
    }
  }
}
