package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.elementwise.Binary;
import dev.graft.tensor.elementwise.Select;
import java.util.List;

/**
 * Element-wise {@code maximum} or {@code minimum} of two tensors of one shape. The gradient goes to
 * the winner of each comparison; ties go to the first input (as in TensorFlow).
 */
public final class Extremum extends Op {
  private static final Extremum MAX = new Extremum(true);
  private static final Extremum MIN = new Extremum(false);

  private final boolean max;

  private Extremum(boolean max) {
    this.max = max;
  }

  /**
   * {@code max(a, b)} element-wise.
   *
   * @param a the first operand
   * @param b the second operand, broadcastable against {@code a}
   * @return the larger value of each pair, at the broadcast shape
   */
  public static Node maximum(Node a, Node b) {
    return a.graph().apply(MAX, a, b);
  }

  /**
   * {@code min(a, b)} element-wise.
   *
   * @param a the first operand
   * @param b the second operand, broadcastable against {@code a}
   * @return the smaller value of each pair, at the broadcast shape
   */
  public static Node minimum(Node a, Node b) {
    return a.graph().apply(MIN, a, b);
  }

  @Override
  public String kind() {
    return max ? "maximum" : "minimum";
  }

  @Override
  public Shape outputShape(List<Shape> in) {
    Shapes.arity(kind(), in, 2);
    if (!in.get(0).isCompatibleWith(in.get(1))) {
      throw shapeError("shapes " + in.get(0) + " and " + in.get(1) + " must be equal");
    }
    return Shapes.broadcast(kind(), in.get(0), in.get(1));
  }

  @Override
  public boolean canRunInPlace(int input) {
    return true;
  }

  @Override
  public void forward(Args a) {
    if (max) {
      Binary.maximum(a.input(0), a.input(1), a.output());
    } else {
      Binary.minimum(a.input(0), a.input(1), a.output());
    }
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Node x = self.input(0);
    Node y = self.input(1);
    return List.of(
        self.graph().apply(new WinnerGrad(max, true), x, y, g),
        self.graph().apply(new WinnerGrad(max, false), x, y, g));
  }

  /** {@code dy} where one input won, else 0; inputs {@code (a, b, dy)}. */
  static final class WinnerGrad extends BackwardOp {
    private final boolean max;
    private final boolean first;

    WinnerGrad(boolean max, boolean first) {
      this.max = max;
      this.first = first;
    }

    @Override
    public String kind() {
      return (max ? "maximum" : "minimum") + "_grad_" + (first ? "a" : "b");
    }

    @Override
    public Shape outputShape(List<Shape> in) {
      return in.get(2);
    }

    @Override
    public boolean canRunInPlace(int input) {
      return input == 2;
    }

    @Override
    public void forward(Args a) {
      Select.winnerGrad(a.input(0), a.input(1), max, first, a.input(2), a.output());
    }
  }
}
