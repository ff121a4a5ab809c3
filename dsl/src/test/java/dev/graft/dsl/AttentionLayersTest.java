package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.layers.AdditiveAttention;
import dev.graft.layers.Attention;
import dev.graft.layers.MultiHeadAttention;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MultiHeadAttention, Attention and AdditiveAttention against Keras's documented formulas computed
 * here in double from the layers' weights, with causal and explicit masks; finite-difference
 * gradients of every input and weight.
 */
class AttentionLayersTest {
  private static final double MASKED = -1e9;

  private static Tensor rand(long seed, int... dims) {
    return Tensor.uniform(new Rng(seed), -1f, 1f, dims);
  }

  /** A 0/1 mask {@code (b, t, s)} with some zeros, and query row 1 of batch 0 fully masked. */
  private static Tensor mask(int b, int t, int s) {
    Tensor m = Tensor.zeros(b, t, s);
    Rng rng = new Rng(99);
    for (int i = 0; i < m.size(); i++) {
      m.setFlat(i, rng.nextFloat() < 0.7f ? 1f : 0f);
    }
    for (int j = 0; j < s; j++) {
      m.setFlat(s + j, 0f);
    }
    return m;
  }

  private static double at(Tensor t, int... idx) {
    int flat = 0;
    for (int i = 0; i < idx.length; i++) {
      flat = flat * t.shape().dim(i) + idx[i];
    }
    return t.getFlat(flat);
  }

  /**
   * {@code x (b, t, d)} times kernel {@code (d, h, c)} plus bias {@code (h, c)}: {@code
   * [b][t][h][c]}.
   */
  private static double[][][][] project(Tensor x, Tensor kernel, Tensor bias) {
    int b = x.shape().dim(0);
    int t = x.shape().dim(1);
    int d = x.shape().dim(2);
    int h = kernel.shape().dim(1);
    int c = kernel.shape().dim(2);
    double[][][][] out = new double[b][t][h][c];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        for (int k = 0; k < h; k++) {
          for (int l = 0; l < c; l++) {
            double s = bias == null ? 0 : at(bias, k, l);
            for (int e = 0; e < d; e++) {
              s += at(x, i, j, e) * at(kernel, e, k, l);
            }
            out[i][j][k][l] = s;
          }
        }
      }
    }
    return out;
  }

  /**
   * Keras's MultiHeadAttention in double: output {@code (b, t, e)} followed by the probabilities
   * {@code (b, h, t, s)}, flattened.
   */
  private static double[][] mha(
      MultiHeadAttention l,
      Tensor q,
      Tensor v,
      Tensor k,
      Tensor mask,
      boolean causal,
      boolean bias) {
    List<Tensor> w = l.getWeights();
    int step = bias ? 2 : 1;
    double[][][][] qp = project(q, w.get(0), bias ? w.get(1) : null);
    double[][][][] kp = project(k, w.get(step), bias ? w.get(step + 1) : null);
    double[][][][] vp = project(v, w.get(2 * step), bias ? w.get(2 * step + 1) : null);
    Tensor wo = w.get(3 * step);
    int b = q.shape().dim(0);
    int t = q.shape().dim(1);
    int s = v.shape().dim(1);
    int h = l.numHeads();
    int vd = l.valueDim();
    int e = wo.shape().dim(2);
    double[] out = new double[b * t * e];
    double[] probs = new double[b * h * t * s];
    for (int i = 0; i < b; i++) {
      for (int n = 0; n < h; n++) {
        for (int a = 0; a < t; a++) {
          double[] logits = new double[s];
          boolean[] keep = new boolean[s];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < s; j++) {
            double dot = 0;
            for (int c = 0; c < l.keyDim(); c++) {
              dot += qp[i][a][n][c] * kp[i][j][n][c];
            }
            keep[j] = (mask == null || at(mask, i, a, j) != 0) && (!causal || j <= a);
            logits[j] = keep[j] ? dot / Math.sqrt(l.keyDim()) : MASKED;
            max = Math.max(max, logits[j]);
          }
          double sum = 0;
          for (int j = 0; j < s; j++) {
            sum += Math.exp(logits[j] - max);
          }
          for (int j = 0; j < s; j++) {
            probs[((i * h + n) * t + a) * s + j] = keep[j] ? Math.exp(logits[j] - max) / sum : 0;
          }
        }
      }
      for (int a = 0; a < t; a++) {
        for (int o = 0; o < e; o++) {
          double y = bias ? w.get(3 * step + 1).getFlat(o) : 0;
          for (int n = 0; n < h; n++) {
            for (int c = 0; c < vd; c++) {
              double head = 0;
              for (int j = 0; j < s; j++) {
                head += probs[((i * h + n) * t + a) * s + j] * vp[i][j][n][c];
              }
              y += head * at(wo, n, c, o);
            }
          }
          out[(i * t + a) * e + o] = y;
        }
      }
    }
    return new double[][] {out, probs};
  }

  private static void assertClose(double[] want, Tensor got, String what) {
    assertEquals(want.length, got.size(), what + ": size");
    for (int i = 0; i < want.length; i++) {
      double tol = 1e-5 + 1e-4 * Math.abs(want[i]);
      assertTrue(
          Math.abs(want[i] - got.getFlat(i)) <= tol,
          what + "[" + i + "]: want " + want[i] + ", got " + got.getFlat(i));
    }
  }

  @Test
  void selfAttentionMatchesKerasFormulaAndGradients() {
    Graft.seed(3);
    MultiHeadAttention l = multiHeadAttention(2, 3);
    Tensor x = rand(1, 2, 4, 5);
    l.ensureBuilt(List.of(x.shape(), x.shape()));
    assertEquals(
        List.of(
            "query/kernel",
            "query/bias",
            "key/kernel",
            "key/bias",
            "value/kernel",
            "value/bias",
            "attention_output/kernel",
            "attention_output/bias"),
        l.weights().stream().map(v -> v.name().substring(l.name().length() + 1)).toList());
    assertEquals(dev.graft.tensor.Shape.of(5, 2, 3), l.weights().get(0).shape());
    assertEquals(dev.graft.tensor.Shape.of(2, 3), l.weights().get(1).shape());
    assertEquals(dev.graft.tensor.Shape.of(2, 3, 5), l.weights().get(6).shape());
    randomiseBiases(l);
    LayerHarness run = new LayerHarness(l, List.of(x, x), new boolean[] {true, true}, null, false);
    assertClose(mha(l, x, x, x, null, false, true)[0], run.output(), "mha");
    run.checkFiniteDifferences("mha");
  }

  /** Keras initialises biases to zero; random ones make the check see them. */
  private static void randomiseBiases(Layer l) {
    List<Tensor> w = new java.util.ArrayList<>(l.getWeights());
    for (int i = 0; i < w.size(); i++) {
      if (l.weights().get(i).name().endsWith("bias")) {
        w.set(i, rand(50 + i, w.get(i).shape().toArray()));
      }
    }
    l.setWeights(w);
  }

  @Test
  void crossAttentionWithKeyMasksAndScoresMatchesKeras() {
    Graft.seed(4);
    MultiHeadAttention l =
        multiHeadAttention(2, 3)
            .valueDim(2)
            .outputShape(4)
            .useCausalMask(true)
            .returnAttentionScores(true);
    Tensor q = rand(5, 2, 4, 5);
    Tensor v = rand(6, 2, 6, 3);
    Tensor k = rand(7, 2, 6, 7);
    Tensor m = mask(2, 4, 6);
    List<Tensor> in = List.of(q, v, k, m);
    boolean[] diff = {true, true, true, false};
    l.ensureBuilt(in.stream().map(Tensor::shape).toList());
    randomiseBiases(l);
    double[][] want = mha(l, q, v, k, m, true, true);
    LayerHarness out = new LayerHarness(l, in, diff, null, false);
    assertClose(want[0], out.output(), "mha output");
    // The scores through a model: onAll gives the output and the probabilities.
    List<SymbolicTensor> ins = List.of(input(4, 5), input(6, 3), input(6, 7), input(4, 6));
    List<Tensor> both = model(ins, l.onAll(ins)).predict(in);
    assertClose(want[0], both.get(0), "mha output in a model");
    Tensor scores = both.get(1);
    assertEquals(dev.graft.tensor.Shape.of(2, 2, 4, 6), scores.shape());
    assertClose(want[1], scores, "mha scores");
    // Query row 1 of sample 0 attends to nothing: Keras zeroes its probabilities.
    for (int j = 0; j < 6; j++) {
      assertEquals(0f, scores.getFlat(6 + j));
    }
    out.checkFiniteDifferences("mha masked");
  }

  @Test
  void noBiasAndCausalOnlyMatchKeras() {
    Graft.seed(5);
    MultiHeadAttention l = multiHeadAttention(3, 2).useBias(false).useCausalMask(true);
    Tensor q = rand(8, 2, 5, 4);
    LayerHarness run = new LayerHarness(l, List.of(q, q), new boolean[] {true, true}, null, false);
    assertEquals(4, l.weights().size());
    assertClose(mha(l, q, q, q, null, true, false)[0], run.output(), "mha causal");
    run.checkFiniteDifferences("mha causal");
  }

  /** Keras's Attention / AdditiveAttention in double: the output {@code (b, tq, dim)}. */
  private static double[] scoreAttention(
      Tensor q,
      Tensor v,
      Tensor k,
      boolean causal,
      java.util.function.BiFunction<double[], double[], Double> score) {
    int b = q.shape().dim(0);
    int tq = q.shape().dim(1);
    int tv = v.shape().dim(1);
    int d = q.shape().dim(2);
    int dv = v.shape().dim(2);
    double[] out = new double[b * tq * dv];
    for (int i = 0; i < b; i++) {
      for (int a = 0; a < tq; a++) {
        double[] qa = new double[d];
        for (int c = 0; c < d; c++) {
          qa[c] = at(q, i, a, c);
        }
        double[] s = new double[tv];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < tv; j++) {
          double[] kj = new double[d];
          for (int c = 0; c < d; c++) {
            kj[c] = at(k, i, j, c);
          }
          s[j] = score.apply(qa, kj) - (causal && j > a ? 1e9 : 0);
          max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = 0; j < tv; j++) {
          sum += Math.exp(s[j] - max);
        }
        for (int c = 0; c < dv; c++) {
          double y = 0;
          for (int j = 0; j < tv; j++) {
            y += Math.exp(s[j] - max) / sum * at(v, i, j, c);
          }
          out[(i * tq + a) * dv + c] = y;
        }
      }
    }
    return out;
  }

  @Test
  void luongAttentionDotAndConcatMatchKeras() {
    Tensor q = rand(10, 2, 3, 4);
    Tensor v = rand(11, 2, 5, 6);
    Tensor k = rand(12, 2, 5, 4);
    Attention dot = attention().useScale(true).useCausalMask(true);
    dot.ensureBuilt(List.of(q.shape(), v.shape(), k.shape()));
    dot.setWeights(List.of(Tensor.scalar(0.7f)));
    LayerHarness run =
        new LayerHarness(dot, List.of(q, v, k), new boolean[] {true, true, true}, null, false);
    double[] want =
        scoreAttention(
            q,
            v,
            k,
            true,
            (a, b) -> {
              double s = 0;
              for (int c = 0; c < a.length; c++) {
                s += a[c] * b[c];
              }
              return 0.7 * s;
            });
    assertClose(want, run.output(), "attention dot");
    run.checkFiniteDifferences("attention dot");

    Attention concat = attention().useScale(true).scoreMode("concat");
    concat.ensureBuilt(List.of(q.shape(), k.shape()));
    assertEquals(
        List.of("scale", "concat_score_weight"),
        concat.weights().stream()
            .map(w -> w.name().substring(concat.name().length() + 1))
            .toList());
    concat.setWeights(List.of(Tensor.scalar(0.6f), Tensor.scalar(1.3f)));
    LayerHarness c2 =
        new LayerHarness(concat, List.of(q, k), new boolean[] {true, true}, null, false);
    double[] want2 =
        scoreAttention(
            q,
            k,
            k,
            false,
            (a, b) -> {
              double s = 0;
              for (int c = 0; c < a.length; c++) {
                s += Math.tanh(0.6 * (a[c] + b[c]));
              }
              return 1.3 * s;
            });
    assertClose(want2, c2.output(), "attention concat");
    c2.checkFiniteDifferences("attention concat");
  }

  @Test
  void additiveAttentionMatchesKeras() {
    Graft.seed(6);
    Tensor q = rand(13, 2, 3, 4);
    Tensor v = rand(14, 2, 5, 4);
    AdditiveAttention l = additiveAttention().useCausalMask(true);
    LayerHarness run = new LayerHarness(l, List.of(q, v), new boolean[] {true, true}, null, false);
    Tensor scale = l.getWeights().get(0);
    assertEquals(dev.graft.tensor.Shape.of(4), scale.shape());
    double[] want =
        scoreAttention(
            q,
            v,
            v,
            true,
            (a, b) -> {
              double s = 0;
              for (int c = 0; c < a.length; c++) {
                s += scale.getFlat(c) * Math.tanh(a[c] + b[c]);
              }
              return s;
            });
    assertClose(want, run.output(), "additive attention");
    run.checkFiniteDifferences("additive attention");
  }

  @Test
  void badArgumentsAndShapesAreNamed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> multiHeadAttention(0, 4));
    assertTrue(e.getMessage().contains("num_heads=0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> attention().scoreMode("general"));
    assertTrue(e.getMessage().contains("score_mode=general"), e.getMessage());
    var q = input(4, 8);
    var flat = input(8);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> multiHeadAttention(2, 4).name("mha_x").on(q, flat));
    assertTrue(
        e.getMessage().contains("mha_x") && e.getMessage().contains("(None, 8)"), e.getMessage());
    var mask = input(4, 5);
    e =
        assertThrows(
            IllegalArgumentException.class, () -> multiHeadAttention(2, 4).on(q, q, q, mask));
    assertTrue(e.getMessage().contains("attention mask (batch, 4, 4)"), e.getMessage());
  }
}
