package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.GruSequence;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code GRU}: gates z, r, h; Keras 3's default {@code reset_after=true} (bias {@code (2,
 * 3u)}: input and recurrent biases) or the original form (bias {@code (3u)}).
 */
public final class Gru extends Recurrent {
  private boolean resetAfter = true;

  /**
   * A GRU with {@code units} units.
   *
   * @param units the size of the state and of each step's output
   * @throws IllegalArgumentException if {@code units <= 0}
   */
  public Gru(int units) {
    super("GRU", units);
  }

  @Override
  Recurrent newOfSameKind() {
    return new Gru(units).resetAfter(resetAfter);
  }

  @Override
  public String className() {
    return "GRU";
  }

  /**
   * Where the reset gate applies (default true, as Keras 3); returns this.
   *
   * @param value true to apply the reset gate after the recurrent product (Keras 3, cuDNN), false
   *     before it (Keras 2's default)
   * @return this layer, for chaining
   */
  public Gru resetAfter(boolean value) {
    requireUnbuilt("reset_after");
    this.resetAfter = value;
    return this;
  }

  @Override
  int gates() {
    return 3;
  }

  @Override
  Shape biasShape() {
    return resetAfter ? Shape.of(2, 3 * units) : Shape.of(3 * units);
  }

  @Override
  List<Node> emitAll(Node x, Node w, Node u, Node b, Node mask) {
    return fusedOutputs(
        GruSequence.of(
            x,
            w,
            u,
            b,
            mask,
            recurrentDropoutMask(x),
            returnSequences(),
            goBackwards(),
            resetAfter,
            returnState(),
            gateActivation()),
        x);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("reset_after", resetAfter);
    return c;
  }
}
