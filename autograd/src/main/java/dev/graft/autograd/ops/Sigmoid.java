package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.elementwise.Unary;
import java.util.List;

/** The logistic function {@code 1 / (1 + exp(-x))}. */
public final class Sigmoid extends Elementwise {
  private static final Sigmoid INSTANCE = new Sigmoid();

  /**
   * {@code sigmoid(x)}.
   *
   * @param x the input, any shape
   * @return a node shaped like {@code x}
   */
  public static Node of(Node x) {
    return x.graph().apply(INSTANCE, x);
  }

  @Override
  public String kind() {
    return "sigmoid";
  }

  @Override
  public void forward(Args a) {
    Unary.sigmoid(a.input(0), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(ActivationGrad.of(ActivationGrad.Kind.SIGMOID, self, g));
  }
}
