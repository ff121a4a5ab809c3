package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.elementwise.Unary;
import java.util.List;

/** {@code x^2}. */
public final class Square extends Elementwise {
  private static final Square INSTANCE = new Square();

  /**
   * {@code x * x}.
   *
   * @param x the input, any shape
   * @return a node shaped like {@code x}
   */
  public static Node of(Node x) {
    return x.graph().apply(INSTANCE, x);
  }

  @Override
  public String kind() {
    return "square";
  }

  @Override
  public void forward(Args a) {
    Unary.square(a.input(0), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(Mul.of(g, Scale.of(self.input(0), 2f)));
  }
}
