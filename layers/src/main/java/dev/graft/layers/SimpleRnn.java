package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Concat;
import dev.graft.autograd.ops.FlushGradient;
import dev.graft.autograd.ops.MatMul;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Slice;
import dev.graft.autograd.ops.Sub;
import dev.graft.autograd.ops.Tanh;
import dev.graft.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code SimpleRNN}: {@code h_t = tanh(x_t W + h_{t-1} U + b)} from a zero state. Composed
 * from primitive ops unrolled over the (known) time axis rather than fused: the cell is one GEMM
 * and a tanh, so a fused kernel would save little, and the primitives' gradients are already
 * checked.
 */
public final class SimpleRnn extends Recurrent {
  /**
   * A simple RNN with {@code units} units.
   *
   * @param units the size of the state and of each step's output
   * @throws IllegalArgumentException if {@code units <= 0}
   */
  public SimpleRnn(int units) {
    super("SimpleRNN", units);
  }

  @Override
  Recurrent newOfSameKind() {
    return new SimpleRnn(units);
  }

  @Override
  public String className() {
    return "SimpleRNN";
  }

  @Override
  int gates() {
    return 1;
  }

  @Override
  Shape biasShape() {
    return Shape.of(units);
  }

  @Override
  List<Node> emitAll(Node x, Node w, Node u, Node b, Node mask) {
    int time = x.shape().dim(1);
    // The input projection of all steps at once, as the fused kernels do.
    Node projected = Add.of(MatMul.of(x, w), b);
    Shape step = Shape.of(Shape.UNKNOWN, units);
    Shape oneStep = Shape.of(Shape.UNKNOWN, 1, units);
    List<Node> steps = new ArrayList<>();
    Node h = null;
    Node dropState = recurrentDropoutMask(x);
    for (int s = 0; s < time; s++) {
      int t = goBackwards() ? time - 1 - s : s;
      Node z = Reshape.of(Slice.of(projected, 1, t, 1), step);
      // The state's gradient flushed each step, as the LSTM and GRU kernels do (FlushGradient).
      Node hIn = h == null ? null : FlushGradient.of(h);
      hIn = hIn == null || dropState == null ? hIn : Mul.of(hIn, dropState);
      Node next = Tanh.of(h == null ? z : Add.of(z, MatMul.of(hIn, u)));
      if (mask == null) {
        h = next;
      } else {
        // A masked step keeps the state: h = prev + m (next - prev), with m (N, 1) in {0, 1}.
        Node m = Slice.of(mask, 1, t, 1);
        h = h == null ? Mul.of(m, next) : Add.of(h, Mul.of(m, Sub.of(next, h)));
      }
      if (returnSequences()) {
        steps.add(Reshape.of(h, oneStep));
      }
    }
    Node out = returnSequences() ? (time == 1 ? steps.get(0) : Concat.of(1, steps)) : h;
    return returnState() ? List.of(out, h) : List.of(out);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.remove("recurrent_activation");
    return c;
  }
}
