package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.elementwise.Binary;
import java.util.List;

/** {@code a - b} with broadcasting. */
public final class Sub extends Broadcasting {
  private static final Sub INSTANCE = new Sub();

  /**
   * {@code a - b}.
   *
   * @param a the minuend
   * @param b the subtrahend, broadcastable against {@code a}
   * @return the element-wise difference, at the broadcast shape
   */
  public static Node of(Node a, Node b) {
    return a.graph().apply(INSTANCE, a, b);
  }

  @Override
  public String kind() {
    return "sub";
  }

  @Override
  public void forward(Args a) {
    Binary.sub(a.input(0), a.input(1), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return reduced(self, g, Neg.of(g));
  }
}
