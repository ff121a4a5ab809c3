package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.elementwise.Binary;
import java.util.List;

/** {@code a / b} element-wise with broadcasting. */
public final class Div extends Broadcasting {
  private static final Div INSTANCE = new Div();

  /**
   * {@code a / b}.
   *
   * @param a the dividend
   * @param b the divisor, broadcastable against {@code a}
   * @return the element-wise quotient, at the broadcast shape
   */
  public static Node of(Node a, Node b) {
    return a.graph().apply(INSTANCE, a, b);
  }

  @Override
  public String kind() {
    return "div";
  }

  @Override
  public void forward(Args a) {
    Binary.div(a.input(0), a.input(1), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Node gb = Neg.of(Div.of(Mul.of(g, self), self.input(1)));
    return reduced(self, Div.of(g, self.input(1)), gb);
  }
}
