package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.elementwise.Binary;
import java.util.List;

/** {@code a * b} element-wise with broadcasting. */
public final class Mul extends Broadcasting {
  private static final Mul INSTANCE = new Mul();

  /**
   * {@code a * b}.
   *
   * @param a the first factor
   * @param b the second factor, broadcastable against {@code a}
   * @return the element-wise product, at the broadcast shape
   */
  public static Node of(Node a, Node b) {
    return a.graph().apply(INSTANCE, a, b);
  }

  @Override
  public String kind() {
    return "mul";
  }

  @Override
  public void forward(Args a) {
    Binary.mul(a.input(0), a.input(1), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return reduced(self, Mul.of(g, self.input(1)), Mul.of(g, self.input(0)));
  }
}
