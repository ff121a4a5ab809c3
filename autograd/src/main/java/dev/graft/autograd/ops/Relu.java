package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.elementwise.Unary;
import java.util.List;

/** {@code max(x, 0)}; the gradient passes where the output is positive. */
public final class Relu extends Elementwise {
  private static final Relu INSTANCE = new Relu();

  /**
   * {@code relu(x)}; of a {@link ConvMaxPool} node, that op with the ReLU in it.
   *
   * @param x the input, any shape
   * @return a node shaped like {@code x}
   */
  public static Node of(Node x) {
    Node fused = ConvMaxPool.withRelu(x);
    return fused != null ? fused : x.graph().apply(INSTANCE, x);
  }

  @Override
  public String kind() {
    return "relu";
  }

  @Override
  public void forward(Args a) {
    Unary.relu(a.input(0), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(ActivationGrad.of(ActivationGrad.Kind.RELU, self, g));
  }
}
