package dev.graft.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.StopGradient;
import dev.graft.autograd.optim.Adagrad;
import dev.graft.autograd.optim.Adam;
import dev.graft.autograd.optim.AdamW;
import dev.graft.autograd.optim.LearningRateSchedule;
import dev.graft.autograd.optim.Optimizer;
import dev.graft.autograd.optim.RmsProp;
import dev.graft.autograd.optim.Sgd;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer against its update rule written out by hand in double precision, on the loss
 * {@code sum(w * c)} whose gradient is the constant {@code c}.
 */
class OptimizerTest {
  private static final float[] W0 = {0.5f, -1.0f, 2.0f, 1e-3f};
  private static final float[] C = {0.3f, -2.0f, 1e-6f, 5.0f};

  /** Runs {@code steps} steps; returns the weights. */
  private static float[] train(Optimizer opt, int steps) {
    Graph g = new Graph();
    Variable w = new Variable("w", Tensor.of(W0), true);
    Node loss = Reduction.sum(Mul.of(g.read(w), g.constant(Tensor.of(C))), false);
    Program p = new Program(List.of(loss), opt.updates(Gradients.of(loss, List.of(w))));
    Plan plan = p.plan(1);
    for (int s = 0; s < steps; s++) {
      opt.beginStep();
      plan.run(true);
    }
    return w.value().toArray();
  }

  /** Hand-written rule: state per element, returns the weights after {@code steps}. */
  interface Rule {
    double[] step(double w, double g, double[] state, int t);
  }

  private static void assertRule(Optimizer opt, int steps, int stateSize, Rule rule) {
    float[] got = train(opt, steps);
    for (int i = 0; i < W0.length; i++) {
      double w = W0[i];
      double[] state = new double[stateSize];
      for (int t = 1; t <= steps; t++) {
        w = rule.step(w, C[i], state, t)[0];
      }
      assertEquals(w, got[i], 1e-5 + 1e-4 * Math.abs(w), opt.name() + " element " + i);
    }
  }

  @Test
  void adamFollowsKerasEpsilonHat() {
    double lr = 0.001;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-7;
    assertRule(
        new Adam(),
        3,
        2,
        (w, g, s, t) -> {
          s[0] = b1 * s[0] + (1 - b1) * g;
          s[1] = b2 * s[1] + (1 - b2) * g * g;
          double alpha = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
          return new double[] {w - alpha * s[0] / (Math.sqrt(s[1]) + eps)};
        });
  }

  @Test
  void adamTextbookEpsilon() {
    double lr = 0.001;
    double eps = 1e-7;
    assertRule(
        new Adam().epsilonOnCorrectedMoments(true),
        3,
        2,
        (w, g, s, t) -> {
          s[0] = 0.9 * s[0] + 0.1 * g;
          s[1] = 0.999 * s[1] + 0.001 * g * g;
          double mh = s[0] / (1 - Math.pow(0.9, t));
          double vh = s[1] / (1 - Math.pow(0.999, t));
          return new double[] {w - lr * mh / (Math.sqrt(vh) + eps)};
        });
  }

  @Test
  void adamWDecaysBeforeTheAdamStep() {
    double lr = 0.001;
    double wd = 0.004;
    assertRule(
        new AdamW(),
        2,
        2,
        (w, g, s, t) -> {
          w = w - lr * wd * w;
          s[0] = 0.9 * s[0] + 0.1 * g;
          s[1] = 0.999 * s[1] + 0.001 * g * g;
          double alpha = lr * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
          return new double[] {w - alpha * s[0] / (Math.sqrt(s[1]) + 1e-7)};
        });
  }

  @Test
  void sgdPlainMomentumAndNesterov() {
    assertRule(new Sgd(0.1f, 0f, false), 3, 0, (w, g, s, t) -> new double[] {w - 0.1 * g});
    assertRule(
        new Sgd(0.1f, 0.9f, false),
        3,
        1,
        (w, g, s, t) -> {
          s[0] = 0.9 * s[0] - 0.1 * g;
          return new double[] {w + s[0]};
        });
    assertRule(
        new Sgd(0.1f, 0.9f, true),
        3,
        1,
        (w, g, s, t) -> {
          s[0] = 0.9 * s[0] - 0.1 * g;
          return new double[] {w + 0.9 * s[0] - 0.1 * g};
        });
  }

  @Test
  void rmsPropAndAdagrad() {
    assertRule(
        new RmsProp(),
        3,
        1,
        (w, g, s, t) -> {
          s[0] = 0.9 * s[0] + 0.1 * g * g;
          return new double[] {w - 0.001 * g / (Math.sqrt(s[0]) + 1e-7)};
        });
    assertRule(
        new Adagrad(),
        3,
        1,
        (w, g, s, t) -> {
          if (t == 1) {
            s[0] = 0.1;
          }
          s[0] += g * g;
          return new double[] {w - 0.001 * g / Math.sqrt(s[0] + 1e-7)};
        });
  }

  @Test
  void clipValueAndClipNorm() {
    assertRule(
        new Sgd(1f, 0f, false).clipValue(0.5f),
        1,
        0,
        (w, g, s, t) -> new double[] {w - Math.max(-0.5, Math.min(0.5, g))});
    double norm = 0;
    for (float c : C) {
      norm += (double) c * c;
    }
    double scale = 1.0 / Math.sqrt(norm);
    assertRule(
        new Sgd(1f, 0f, false).clipNorm(1f), 1, 0, (w, g, s, t) -> new double[] {w - g * scale});
  }

  @Test
  void schedulesFollowKerasFormulas() {
    DoubleBinaryOperator close = (a, b) -> Math.abs(a - b);
    LearningRateSchedule exp = LearningRateSchedule.exponentialDecay(0.1f, 10, 0.5f, false);
    assertTrue(close.applyAsDouble(exp.at(10), 0.05) < 1e-7);
    assertTrue(close.applyAsDouble(exp.at(5), 0.1 * Math.pow(0.5, 0.5)) < 1e-7);
    LearningRateSchedule stair = LearningRateSchedule.exponentialDecay(0.1f, 10, 0.5f, true);
    assertEquals(0.1f, stair.at(9), 1e-9);
    LearningRateSchedule cos = LearningRateSchedule.cosineDecay(1f, 100, 0.1f);
    assertEquals(1f, cos.at(0), 1e-6);
    assertEquals(0.55f, cos.at(50), 1e-6);
    assertEquals(0.1f, cos.at(1000), 1e-6);
    Sgd sgd = new Sgd(1f, 0f, false);
    sgd.learningRate(stair);
    sgd.beginStep();
    assertEquals(0.1f, sgd.currentLearningRate(), 1e-9);
  }

  /**
   * A weight whose gradient stops (a dead unit, an embedding row no batch reads) has its decaying
   * state reach zero, not stick in the subnormal floats, which cost about a hundred times normal
   * ones on x86: 5 steps with a gradient, then 1,500 without.
   */
  @Test
  void decayingStateReachesZeroNotTheSubnormals() {
    Optimizer[] optimizers = {
      new Adam(), new AdamW(), new Sgd(0.1f, 0.9f, false), new RmsProp(0.01f, 0.9f, 0.9f, 1e-7f)
    };
    for (Optimizer opt : optimizers) {
      Graph g = new Graph();
      Variable w = new Variable("w", Tensor.of(W0), true);
      Variable c = new Variable("c", Tensor.of(C), false);
      Node loss = Reduction.sum(Mul.of(g.read(w), g.read(c)), false);
      Plan plan = new Program(List.of(loss), opt.updates(Gradients.of(loss, List.of(w)))).plan(1);
      for (int s = 0; s < 1505; s++) {
        if (s == 5) {
          c.value().fill(0f);
        }
        opt.beginStep();
        plan.run(true);
      }
      Tensor[] state = opt.slots(w);
      for (int k = 0; k < state.length; k++) {
        for (int i = 0; i < W0.length; i++) {
          float x = state[k].getFlat(i);
          assertTrue(
              x == 0f || Math.abs(x) >= Float.MIN_NORMAL,
              opt.name() + " slot " + k + " element " + i + " is subnormal: " + x);
        }
      }
      // The first slot (Adam's m, SGD's velocity, RMSprop's average) decays by 0.9 a step.
      for (int i = 0; i < W0.length; i++) {
        assertEquals(0f, state[0].getFlat(i), opt.name() + " slot 0 element " + i);
      }
      for (float x : w.value().toArray()) {
        assertTrue(Float.isFinite(x), opt.name() + " weight " + x);
      }
    }
  }

  @Test
  void badHyperParametersAreClearErrors() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1f, 1.5f, 0.9f, 1e-7f, 0));
    assertTrue(e.getMessage().contains("beta_1") && e.getMessage().contains("1.5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Sgd(-1f, 0f, false));
    assertTrue(e.getMessage().contains("learning_rate"), e.getMessage());
  }

  @Test
  void stopGradientBlocksOnlyItsBranch() {
    Graph g = new Graph();
    Variable x = new Variable("x", Tensor.of(2f, 3f), true);
    Variable y = new Variable("y", Tensor.of(5f, 7f), true);
    Node xr = g.read(x);
    // loss = sum(x * y + stop(x) * x): d/dx = y + stop(x) = y + x, not y + 2x.
    Node loss =
        Reduction.sum(
            dev.graft.autograd.ops.Add.of(Mul.of(xr, g.read(y)), Mul.of(StopGradient.of(xr), xr)),
            false);
    Node dx = Gradients.of(loss, List.of(x, y)).get(x);
    Plan p = new Program(List.of(dx)).plan(1);
    p.run(false);
    assertEquals(5f + 2f, p.output(0).getFlat(0));
    assertEquals(7f + 3f, p.output(0).getFlat(1));
    Node onlyStopped = Reduction.sum(StopGradient.of(xr), false);
    assertEquals(null, Gradients.of(onlyStopped, List.of(x)).get(x));
  }
}
