package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.elementwise.Unary;
import java.util.List;

/** Hyperbolic tangent. */
public final class Tanh extends Elementwise {
  private static final Tanh INSTANCE = new Tanh();

  /**
   * {@code tanh(x)}.
   *
   * @param x the input, any shape
   * @return a node shaped like {@code x}
   */
  public static Node of(Node x) {
    return x.graph().apply(INSTANCE, x);
  }

  @Override
  public String kind() {
    return "tanh";
  }

  @Override
  public void forward(Args a) {
    Unary.tanh(a.input(0), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(ActivationGrad.of(ActivationGrad.Kind.TANH, self, g));
  }
}
