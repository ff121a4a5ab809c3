package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.elementwise.Unary;
import java.util.List;

/** Natural logarithm. */
public final class Log extends Elementwise {
  private static final Log INSTANCE = new Log();

  /**
   * {@code log(x)}.
   *
   * @param x the input, any shape (values above 0 for a finite result)
   * @return a node shaped like {@code x}
   */
  public static Node of(Node x) {
    return x.graph().apply(INSTANCE, x);
  }

  @Override
  public String kind() {
    return "log";
  }

  @Override
  public void forward(Args a) {
    Unary.log(a.input(0), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(Div.of(g, self.input(0)));
  }
}
