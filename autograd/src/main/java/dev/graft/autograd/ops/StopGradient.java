package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import java.util.List;

/** The identity in the forward pass; blocks gradients from flowing into its input. */
public final class StopGradient extends Elementwise {
  private static final StopGradient INSTANCE = new StopGradient();

  /**
   * {@code x}, seen as a constant by differentiation.
   *
   * @param x the input, any shape
   * @return a node with {@code x}'s values and no gradient
   */
  public static Node of(Node x) {
    return x.graph().apply(INSTANCE, x);
  }

  @Override
  public String kind() {
    return "stop_gradient";
  }

  @Override
  public void forward(Args a) {
    copyUnlessInPlace(a);
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return java.util.Collections.singletonList(null);
  }
}
