package dev.graft.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autograd.ops.Dropout;
import dev.graft.autograd.ops.Reduction;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nodes made in a fixed mode (Keras's {@code training=} of a call), and their gradient nodes. */
class TrainingModeTest {
  private static Tensor ones() {
    return Tensor.ones(4, 50);
  }

  /** Runs {@code sum(dropout(x))} and its gradient; returns {@code [y, dx]}. */
  private static List<Tensor> dropout(TrainingMode mode, boolean planTraining) {
    Graph g = new Graph();
    Variable v = new Variable("x", ones(), true);
    Node x = g.read(v);
    Node y = g.inMode(mode, () -> Dropout.of(x, 0.5f));
    Node loss = Reduction.sum(y, false);
    Node dx = Gradients.of(loss, List.of(v)).get(v);
    assertEquals(mode, y.mode());
    assertEquals(mode, dx.mode(), "the gradient node runs in its forward node's mode");
    Plan p = new Program(List.of(y, dx)).newPlan(4);
    p.run(planTraining);
    return List.of(p.output(0).copy(), p.output(1).copy());
  }

  @Test
  void inferenceNodesIgnoreATrainingRunAndTheirGradientsAgree() {
    List<Tensor> r = dropout(TrainingMode.INFERENCE, true);
    assertTrue(r.get(0).allClose(ones(), 0, 0), "no dropout in an inference call");
    assertTrue(r.get(1).allClose(ones(), 0, 0), "its gradient passes dy through");
  }

  @Test
  void trainingNodesDropInAnInferenceRunAndTheirGradientsUseTheSameMask() {
    List<Tensor> r = dropout(TrainingMode.TRAINING, false);
    int zeros = 0;
    for (int i = 0; i < r.get(0).size(); i++) {
      float y = r.get(0).getFlat(i);
      assertTrue(y == 0f || y == 2f, "kept values are scaled by 1 / (1 - rate): " + y);
      assertEquals(y, r.get(1).getFlat(i), "the gradient uses the forward's mask");
      zeros += y == 0f ? 1 : 0;
    }
    assertTrue(zeros > 50 && zeros < 150, zeros + " of 200 dropped");
  }

  @Test
  void followPlanNodesFollowTheRunAndScopesNest() {
    List<Tensor> r = dropout(TrainingMode.FOLLOW_PLAN, false);
    assertTrue(r.get(0).allClose(ones(), 0, 0));
    Graph g = new Graph();
    Node x = g.placeholder("x", Shape.of(Shape.UNKNOWN, 2));
    Node[] inner = new Node[1];
    Node outer =
        g.inMode(
            TrainingMode.INFERENCE,
            () -> {
              inner[0] = g.inMode(TrainingMode.TRAINING, () -> Dropout.of(x, 0.1f));
              return Dropout.of(inner[0], 0.1f);
            });
    assertEquals(TrainingMode.TRAINING, inner[0].mode());
    assertEquals(TrainingMode.INFERENCE, outer.mode());
    assertEquals(TrainingMode.FOLLOW_PLAN, Dropout.of(x, 0.1f).mode());
  }
}
