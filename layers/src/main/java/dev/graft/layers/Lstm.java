package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.LstmSequence;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code LSTM}: gates i, f, c, o in the kernel columns, bias zeros with the forget slice at
 * 1 ({@code unit_forget_bias}).
 */
public final class Lstm extends Recurrent {
  /**
   * An LSTM with {@code units} units.
   *
   * @param units the size of the state and of each step's output
   * @throws IllegalArgumentException if {@code units <= 0}
   */
  public Lstm(int units) {
    super("LSTM", units);
  }

  @Override
  Recurrent newOfSameKind() {
    return new Lstm(units);
  }

  @Override
  public String className() {
    return "LSTM";
  }

  @Override
  int gates() {
    return 4;
  }

  @Override
  Shape biasShape() {
    return Shape.of(4 * units);
  }

  @Override
  Initializer biasInitializer() {
    return new Initializer() {
      @Override
      public Tensor create(Shape shape, Rng rng) {
        Tensor b = Tensor.zeros(shape);
        for (int i = units; i < 2 * units; i++) {
          b.setFlat(i, 1f);
        }
        return b;
      }

      @Override
      public String className() {
        return "Zeros";
      }

      @Override
      public Map<String, Object> config() {
        return Map.of();
      }
    };
  }

  @Override
  int stateCount() {
    return 2;
  }

  @Override
  List<Node> emitAll(Node x, Node w, Node u, Node b, Node mask) {
    return fusedOutputs(
        LstmSequence.of(
            x,
            w,
            u,
            b,
            mask,
            recurrentDropoutMask(x),
            returnSequences(),
            goBackwards(),
            returnState(),
            gateActivation()),
        x);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("unit_forget_bias", true);
    return c;
  }
}
