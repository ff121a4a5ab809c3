package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.layers.Recurrent;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.recurrent.Lstm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keras's {@code return_state}: LSTM gives {@code [output, h, c]}, GRU {@code [output, h]}. */
class RecurrentStateTest {
  private static final int T = 4;
  private static final int U = 3;
  private final Tensor x = Tensor.uniform(new Rng(3), -1f, 1f, 2, T, 5);

  private static float[] lastStep(Tensor seq) {
    int n = seq.shape().dim(0);
    float[] out = new float[n * U];
    for (int b = 0; b < n; b++) {
      for (int j = 0; j < U; j++) {
        out[b * U + j] = seq.getFlat((b * T + T - 1) * U + j);
      }
    }
    return out;
  }

  private static List<Tensor> run(Recurrent layer, Tensor x) {
    var in = input(T, 5);
    List<SymbolicTensor> outs = layer.onAll(List.of(in));
    return model(List.of(in), outs).predict(List.of(x));
  }

  @Test
  void lstmReturnsOutputHiddenAndCellStates() {
    for (boolean back : new boolean[] {false, true}) {
      seed(1);
      Recurrent layer = lstm(U).returnSequences(true).returnState(true).goBackwards(back);
      List<Tensor> y = run(layer, x);
      assertEquals(3, y.size());
      assertEquals(Shape.of(2, T, U), y.get(0).shape());
      assertEquals(Shape.of(2, U), y.get(1).shape());
      assertArrayEquals(lastStep(y.get(0)), y.get(1).toArray(), 1e-6f, "h is the last output");

      List<Tensor> w = layer.getWeights();
      Tensor hSeq = Tensor.zeros(2, T, U);
      Tensor c = Tensor.zeros(2, U);
      Tensor ws = Tensor.zeros(Lstm.workspaceSize(2, T, U));
      Lstm.forward(x, w.get(0), w.get(1), w.get(2), null, null, back, hSeq, null, c, ws);
      assertArrayEquals(hSeq.toArray(), y.get(0).toArray(), 1e-6f);
      assertArrayEquals(c.toArray(), y.get(2).toArray(), 1e-6f, "c is the kernel's final cell");

      Recurrent plain = lstm(U).returnState(true).goBackwards(back);
      plain.ensureBuilt(List.of(Shape.batched(T, 5)));
      plain.setWeights(w);
      List<Tensor> last = run(plain, x);
      assertArrayEquals(last.get(1).toArray(), last.get(0).toArray(), 0f, "output == h");
      assertArrayEquals(y.get(1).toArray(), last.get(1).toArray(), 1e-6f);
      assertArrayEquals(y.get(2).toArray(), last.get(2).toArray(), 1e-6f);
    }
  }

  @Test
  void gruReturnsOutputAndHiddenState() {
    seed(2);
    Recurrent seqLayer = gru(U).returnSequences(true).returnState(true);
    List<Tensor> y = run(seqLayer, x);
    assertEquals(2, y.size());
    assertArrayEquals(lastStep(y.get(0)), y.get(1).toArray(), 1e-6f);
    Recurrent plain = gru(U);
    plain.ensureBuilt(List.of(Shape.batched(T, 5)));
    plain.setWeights(seqLayer.getWeights());
    assertArrayEquals(y.get(1).toArray(), run(plain, x).get(0).toArray(), 1e-6f);
    assertEquals(true, seqLayer.config().get("return_state"));
  }

  @Test
  void gradientsFlowFromTheStates() {
    boolean[] diff = {true};
    for (boolean seq : new boolean[] {false, true}) {
      seed(3);
      Recurrent l = lstm(U).returnSequences(seq).returnState(true);
      for (int out = 0; out < 3; out++) {
        new LayerHarness(l, List.of(x), diff, null, false, out)
            .checkFiniteDifferences("lstm state " + out);
      }
      Recurrent g = gru(U).returnSequences(seq).returnState(true).goBackwards(true);
      new LayerHarness(g, List.of(x), diff, null, false, 1).checkFiniteDifferences("gru h");
    }
  }

  @Test
  void trainsOnALossOfTheStates() {
    seed(4);
    var in = input(T, 5);
    List<SymbolicTensor> outs = lstm(U).returnState(true).onAll(List.of(in));
    Model m = model(in, dense(1).on(concatenate(outs.get(1), outs.get(2))));
    m.compile(sgd(0.1, 0, false), "mse");
    Tensor target = Tensor.uniform(new Rng(5), -1f, 1f, 2, 1);
    double first = m.trainOnBatch(List.of(x), List.of(target))[0];
    double later = first;
    for (int i = 0; i < 30; i++) {
      later = m.trainOnBatch(List.of(x), List.of(target))[0];
    }
    assertTrue(later < first, "loss " + first + " -> " + later);
  }

  @Test
  void onWithSeveralOutputsPointsToOnAll() {
    var in = input(T, 5);
    Exception e = assertThrows(IllegalStateException.class, () -> lstm(U).returnState(true).on(in));
    assertTrue(e.getMessage().contains("onAll"), e.getMessage());
  }
}
