package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.elementwise.Binary;
import java.util.List;

/** {@code a + b} with broadcasting. */
public final class Add extends Broadcasting {
  private static final Add INSTANCE = new Add();

  /**
   * {@code a + b}.
   *
   * @param a the first operand
   * @param b the second operand, broadcastable against {@code a}
   * @return the element-wise sum, at the broadcast shape
   */
  public static Node of(Node a, Node b) {
    return a.graph().apply(INSTANCE, a, b);
  }

  @Override
  public String kind() {
    return "add";
  }

  @Override
  public void forward(Args a) {
    Binary.add(a.input(0), a.input(1), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return reduced(self, g, g);
  }
}
