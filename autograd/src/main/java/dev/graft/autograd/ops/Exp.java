package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.elementwise.Unary;
import java.util.List;

/** {@code exp(x)}; its gradient reuses the output. */
public final class Exp extends Elementwise {
  private static final Exp INSTANCE = new Exp();

  /**
   * {@code exp(x)}.
   *
   * @param x the input, any shape
   * @return a node shaped like {@code x}
   */
  public static Node of(Node x) {
    return x.graph().apply(INSTANCE, x);
  }

  @Override
  public String kind() {
    return "exp";
  }

  @Override
  public void forward(Args a) {
    Unary.exp(a.input(0), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(Mul.of(g, self));
  }
}
