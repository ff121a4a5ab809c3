package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.elementwise.Unary;
import java.util.List;

/** Square root; its gradient {@code g / (2 sqrt(x))} reuses the output. */
public final class Sqrt extends Elementwise {
  private static final Sqrt INSTANCE = new Sqrt();

  /**
   * {@code sqrt(x)}.
   *
   * @param x the input, any shape (values 0 or more for a real result)
   * @return a node shaped like {@code x}
   */
  public static Node of(Node x) {
    return x.graph().apply(INSTANCE, x);
  }

  @Override
  public String kind() {
    return "sqrt";
  }

  @Override
  public void forward(Args a) {
    Unary.sqrt(a.input(0), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(Div.of(Scale.of(g, 0.5f), self));
  }
}
