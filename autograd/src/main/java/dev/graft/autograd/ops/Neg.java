package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.elementwise.Unary;
import java.util.List;

/** {@code -x}. */
public final class Neg extends Elementwise {
  private static final Neg INSTANCE = new Neg();

  /**
   * {@code -x}.
   *
   * @param x the input, any shape
   * @return a node shaped like {@code x}
   */
  public static Node of(Node x) {
    return x.graph().apply(INSTANCE, x);
  }

  @Override
  public String kind() {
    return "neg";
  }

  @Override
  public void forward(Args a) {
    Unary.neg(a.input(0), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(Neg.of(g));
  }
}
