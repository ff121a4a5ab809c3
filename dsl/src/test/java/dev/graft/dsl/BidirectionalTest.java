package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autograd.Variable;
import dev.graft.layers.Bidirectional;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keras's {@code Bidirectional}: both directions, the merge modes, weights, gradients, states. */
class BidirectionalTest {
  private static final int T = 4;
  private static final int U = 3;
  private final Tensor x = Tensor.uniform(new Rng(6), -1f, 1f, 2, T, 5);

  private Tensor run(Layer l) {
    var in = input(T, 5);
    return model(in, l.on(in)).predict(List.of(x)).get(0);
  }

  @Test
  void concatJoinsForwardAndTimeReversedBackwardOutputs() {
    seed(1);
    Bidirectional bi = bidirectional(lstm(U).returnSequences(true));
    Tensor y = run(bi);
    assertEquals(Shape.of(2, T, 2 * U), y.shape());
    Tensor f = run(bi.forwardLayer());
    Tensor b = run(bi.backwardLayer());
    assertTrue(bi.backwardLayer().goBackwards());
    for (int n = 0; n < 2; n++) {
      for (int t = 0; t < T; t++) {
        for (int j = 0; j < U; j++) {
          int at = (n * T + t) * 2 * U + j;
          assertEquals(f.getFlat((n * T + t) * U + j), y.getFlat(at), 1e-6);
          assertEquals(b.getFlat((n * T + T - 1 - t) * U + j), y.getFlat(at + U), 1e-6);
        }
      }
    }
  }

  @Test
  void mergeModesCombineTheLastOutputs() {
    for (String mode : List.of("sum", "mul", "ave", "concat")) {
      seed(2);
      Bidirectional bi = bidirectional(gru(U), mode);
      Tensor y = run(bi);
      Tensor f = run(bi.forwardLayer());
      Tensor b = run(bi.backwardLayer());
      for (int i = 0; i < f.size(); i++) {
        float fi = f.getFlat(i);
        float bi2 = b.getFlat(i);
        switch (mode) {
          case "sum" -> assertEquals(fi + bi2, y.getFlat(i), 1e-6);
          case "mul" -> assertEquals(fi * bi2, y.getFlat(i), 1e-6);
          case "ave" -> assertEquals((fi + bi2) / 2, y.getFlat(i), 1e-6);
          default -> assertEquals(fi, y.getFlat((i / U) * 2 * U + i % U), 1e-6);
        }
      }
    }
    Exception e = assertThrows(IllegalArgumentException.class, () -> bidirectional(gru(U), "max"));
    assertTrue(e.getMessage().contains("merge_mode=max"), e.getMessage());
  }

  @Test
  void weightsAreNamedPerDirectionAndSeparate() {
    seed(3);
    var rnn = simpleRnn(U);
    rnn.name("rnn");
    Bidirectional bi = bidirectional(rnn);
    bi.ensureBuilt(List.of(Shape.batched(T, 5)));
    List<String> names = bi.weights().stream().map(Variable::name).toList();
    assertEquals(
        List.of(
            "forward_rnn/kernel",
            "forward_rnn/recurrent_kernel",
            "forward_rnn/bias",
            "backward_rnn/kernel",
            "backward_rnn/recurrent_kernel",
            "backward_rnn/bias"),
        names);
    assertEquals(2 * (5 * U + U * U + U), bi.countParams());
    assertEquals("concat", bi.config().get("merge_mode"));
    bi.trainable(false);
    assertTrue(bi.trainableWeights().isEmpty());
  }

  @Test
  void returnStateGivesBothDirectionsStates() {
    seed(4);
    var in = input(T, 5);
    List<SymbolicTensor> outs = bidirectional(lstm(U).returnState(true)).onAll(List.of(in));
    assertEquals(5, outs.size(), "[output, h_f, c_f, h_b, c_b]");
    assertEquals(Shape.batched(2 * U), outs.get(0).shape());
    List<Tensor> y = model(List.of(in), outs).predict(List.of(x));
    for (int i = 0; i < U; i++) {
      assertEquals(y.get(1).getFlat(i), y.get(0).getFlat(i), 1e-6);
      assertEquals(y.get(3).getFlat(i), y.get(0).getFlat(U + i), 1e-6);
    }
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    seed(5);
    Layer bi = bidirectional(gru(2).returnSequences(true), "mul");
    new LayerHarness(bi, List.of(x), new boolean[] {true}, null, false)
        .checkFiniteDifferences("bidirectional");
  }
}
