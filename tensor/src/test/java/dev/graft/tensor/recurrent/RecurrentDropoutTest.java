package dev.graft.tensor.recurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The fused LSTM and GRU training kernels with a recurrent dropout mask, against Keras's cell
 * formulas in double with the state multiplied by each gate's mask before that gate's recurrent
 * product ({@code h_tm1 * rec_dp_mask[k]}, Keras 2's and Keras 3.8+'s cell): every step's output,
 * and every gradient ({@code dx}, kernels, bias, initial states) against central differences of the
 * double reference. Initial states, {@code go_backwards} and a step mask are on, so that every path
 * that reads the masked states is covered.
 */
class RecurrentDropoutTest {
  private static final int N = 3;
  private static final int T = 4;
  private static final int IN = 2;
  private static final int U = 3;

  /** State masks at rate 0.5, {@code (N, 4u)}: a block per gate (the GRU uses the first three). */
  private static final float[] KEEP = {
    2, 0, 2, 0, 2, 2, 2, 2, 0, 0, 2, 2, 2, 2, 0, 2, 0, 2, 2, 0, 0, 2, 2, 2, 0, 2, 2, 2, 2, 0, 0, 0,
    2, 2, 2, 2
  };

  /** Row {@code r}'s mask of gate {@code k} at unit {@code j}, in a layout of {@code gates}. */
  private static float drop(int gates, int r, int k, int j) {
    return KEEP[(r * gates + k) * U + j];
  }

  /** Step mask {@code (N, T)}: row 0 skips its third step, row 1 its first. */
  private static final float[] STEPS = {1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1};

  private static double sig(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  /** Parameters in double: x, W, U, b, h0, c0 (c0 unused by the GRU). */
  private record Params(double[][] p) {
    Params copy() {
      double[][] c = new double[p.length][];
      for (int i = 0; i < p.length; i++) {
        c[i] = p[i].clone();
      }
      return new Params(c);
    }
  }

  /**
   * Keras's cell over the sequence in double: writes every step's output into {@code hSeq} and
   * returns the final {@code [h, c]} (c null for the GRU). {@code kind}: lstm, gru (reset_after),
   * gru_before.
   */
  private static double[][] reference(String kind, Params ps, boolean back, double[] hSeq) {
    double[] x = ps.p()[0], w = ps.p()[1], uk = ps.p()[2], b = ps.p()[3];
    boolean lstm = kind.equals("lstm");
    int g = (lstm ? 4 : 3) * U;
    double[][] last = new double[2][N * U];
    for (int r = 0; r < N; r++) {
      double[] h = new double[U];
      double[] c = new double[U];
      for (int j = 0; j < U; j++) {
        h[j] = ps.p()[4][r * U + j];
        c[j] = ps.p()[5][r * U + j];
      }
      for (int s = 0; s < T; s++) {
        int ts = back ? T - 1 - s : s;
        if (STEPS[r * T + ts] != 0) {
          // hm[k]: the state as gate k's product reads it (Keras's h_tm1 * rec_dp_mask[k]).
          int gates = lstm ? 4 : 3;
          double[][] hm = new double[gates][U];
          for (int k = 0; k < gates; k++) {
            for (int j = 0; j < U; j++) {
              hm[k][j] = h[j] * drop(gates, r, k, j);
            }
          }
          double[] xz = new double[g];
          double[] hz = new double[g];
          for (int k = 0; k < g; k++) {
            xz[k] = b[k];
            hz[k] = kind.equals("gru") ? b[g + k] : 0;
            for (int f = 0; f < IN; f++) {
              xz[k] += x[(r * T + ts) * IN + f] * w[f * g + k];
            }
            for (int j = 0; j < U; j++) {
              hz[k] += hm[k / U][j] * uk[j * g + k];
            }
          }
          double[] next = new double[U];
          for (int j = 0; j < U; j++) {
            if (lstm) {
              double i = sig(xz[j] + hz[j]);
              double fg = sig(xz[U + j] + hz[U + j]);
              double gg = Math.tanh(xz[2 * U + j] + hz[2 * U + j]);
              double o = sig(xz[3 * U + j] + hz[3 * U + j]);
              c[j] = fg * c[j] + i * gg;
              next[j] = o * Math.tanh(c[j]);
              continue;
            }
            double z = sig(xz[j] + hz[j]);
            double rr = sig(xz[U + j] + hz[U + j]);
            double hh;
            if (kind.equals("gru")) {
              hh = Math.tanh(xz[2 * U + j] + rr * hz[2 * U + j]);
            } else {
              double acc = xz[2 * U + j];
              for (int q = 0; q < U; q++) {
                acc += sig(xz[U + q] + hz[U + q]) * hm[2][q] * uk[q * g + 2 * U + j];
              }
              hh = Math.tanh(acc);
            }
            next[j] = z * h[j] + (1 - z) * hh;
          }
          h = next;
        }
        System.arraycopy(h, 0, hSeq, (r * T + s) * U, U);
      }
      System.arraycopy(h, 0, last[0], r * U, U);
      System.arraycopy(c, 0, last[1], r * U, U);
    }
    return last;
  }

  /** The objective {@code sum(hSeq * R) + sum(last * R2)} (the LSTM's last cell, GRU's last h). */
  private static double loss(String kind, Params ps, boolean back, double[] r, double[] r2) {
    double[] hSeq = new double[N * T * U];
    double[][] last = reference(kind, ps, back, hSeq);
    double[] tail = kind.equals("lstm") ? last[1] : last[0];
    double sum = 0;
    for (int i = 0; i < hSeq.length; i++) {
      sum += hSeq[i] * r[i];
    }
    for (int i = 0; i < tail.length; i++) {
      sum += tail[i] * r2[i];
    }
    return sum;
  }

  private static double[] toDouble(Tensor t) {
    double[] d = new double[t.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.getFlat(i);
    }
    return d;
  }

  @Test
  void matchesKerasFormulaAndGradients() {
    for (String kind : new String[] {"lstm", "gru", "gru_before"}) {
      for (boolean back : new boolean[] {false, true}) {
        check(kind, back);
      }
    }
  }

  private static void check(String kind, boolean back) {
    boolean lstm = kind.equals("lstm");
    int g = (lstm ? 4 : 3) * U;
    Rng rng = new Rng(kind.hashCode() + (back ? 1 : 0));
    Tensor x = Tensor.uniform(rng, -1f, 1f, N, T, IN);
    Tensor w = Tensor.uniform(rng, -1f, 1f, IN, g);
    Tensor uk = Tensor.uniform(rng, -1f, 1f, U, g);
    Tensor b =
        kind.equals("gru") ? Tensor.uniform(rng, -1f, 1f, 2, g) : Tensor.uniform(rng, -1f, 1f, g);
    Tensor h0 = Tensor.uniform(rng, -1f, 1f, N, U);
    Tensor c0 = Tensor.uniform(rng, -1f, 1f, N, U);
    Tensor r = Tensor.uniform(rng, -1f, 1f, N, T, U);
    Tensor r2 = Tensor.uniform(rng, -1f, 1f, N, U);
    int gates = lstm ? 4 : 3;
    Tensor drop = Tensor.of(java.util.Arrays.copyOf(KEEP, N * gates * U), N, gates * U);
    Tensor steps = Tensor.of(STEPS.clone(), N, T);
    Tensor hSeq = Tensor.zeros(N, T, U);
    Tensor hLast = Tensor.zeros(N, U);
    Tensor cLast = Tensor.zeros(N, U);
    Tensor dx = Tensor.zeros(N, T, IN);
    Tensor dw = Tensor.zeros(IN, g);
    Tensor du = Tensor.zeros(U, g);
    Tensor db = Tensor.zeros(b.shape().toArray());
    Tensor dh0 = Tensor.zeros(N, U);
    Tensor dc0 = Tensor.zeros(N, U);
    GateActivation sg = GateActivation.SIGMOID;
    if (lstm) {
      Tensor ws = Tensor.zeros(Lstm.workspaceSize(N, T, U, true));
      Lstm.forward(x, w, uk, b, h0, c0, back, hSeq, hLast, cLast, ws, steps, drop, sg);
      Lstm.backward(
          x, w, uk, h0, c0, back, hSeq, ws, r, null, r2, dx, dw, du, db, dh0, dc0, steps, drop, sg);
    } else {
      boolean after = kind.equals("gru");
      Tensor ws = Tensor.zeros(Gru.workspaceSize(N, T, U, true));
      Gru.forward(x, w, uk, b, after, h0, back, hSeq, hLast, ws, steps, drop, sg);
      Gru.backward(
          x, w, uk, after, h0, back, hSeq, ws, r, r2, dx, dw, du, db, dh0, steps, drop, sg);
    }
    Params ps =
        new Params(
            new double[][] {
              toDouble(x), toDouble(w), toDouble(uk), toDouble(b), toDouble(h0), toDouble(c0)
            });
    double[] want = new double[N * T * U];
    reference(kind, ps, back, want);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], hSeq.getFlat(i), 2e-6, kind + (back ? " back" : "") + " h " + i);
    }
    Tensor[] grads = {dx, dw, du, db, dh0, dc0};
    String[] names = {"dx", "dKernel", "dRecurrentKernel", "dBias", "dh0", "dc0"};
    double[] rd = toDouble(r);
    double[] r2d = toDouble(r2);
    double eps = 1e-6;
    for (int k = 0; k < (lstm ? 6 : 5); k++) {
      for (int i = 0; i < ps.p()[k].length; i++) {
        Params plus = ps.copy();
        plus.p()[k][i] += eps;
        Params minus = ps.copy();
        minus.p()[k][i] -= eps;
        double fd =
            (loss(kind, plus, back, rd, r2d) - loss(kind, minus, back, rd, r2d)) / (2 * eps);
        assertEquals(
            fd,
            grads[k].getFlat(i),
            1e-4 * (1 + Math.abs(fd)),
            kind + (back ? " back " : " ") + names[k] + "[" + i + "]");
      }
    }
  }

  /** The state masks must be {@code (N, 4u)} and the workspace must hold the masked states. */
  @Test
  void refusesWrongMaskOrWorkspace() {
    Tensor x = Tensor.zeros(N, T, IN);
    Tensor w = Tensor.zeros(IN, 4 * U);
    Tensor uk = Tensor.zeros(U, 4 * U);
    Tensor b = Tensor.zeros(4 * U);
    Tensor hSeq = Tensor.zeros(N, T, U);
    GateActivation sg = GateActivation.SIGMOID;
    Tensor small = Tensor.zeros(Lstm.workspaceSize(N, T, U));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Lstm.forward(
                    x,
                    w,
                    uk,
                    b,
                    null,
                    null,
                    false,
                    hSeq,
                    null,
                    null,
                    small,
                    null,
                    Tensor.zeros(N, 4 * U),
                    sg));
    assertTrue(e.getMessage().contains("workspace"), e.getMessage());
    Tensor ws = Tensor.zeros(Lstm.workspaceSize(N, T, U, true));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Lstm.forward(
                    x,
                    w,
                    uk,
                    b,
                    null,
                    null,
                    false,
                    hSeq,
                    null,
                    null,
                    ws,
                    null,
                    Tensor.zeros(N, U),
                    sg));
    assertTrue(e.getMessage().contains("recurrentDropoutMask"), e.getMessage());
  }
}
