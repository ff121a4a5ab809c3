package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.recurrent.VanishingGradients;
import java.util.List;

/**
 * The identity in the forward pass whose gradient has its values below 2^-100 in magnitude set to
 * zero ({@link VanishingGradients}): a recurrent layer built from plain ops puts it on the state
 * each step reads, so that a gradient vanishing through a long sequence reaches zero instead of
 * lingering in the subnormal floats, where every operation costs about a hundred normal ones.
 */
public final class FlushGradient extends Elementwise {
  private static final FlushGradient INSTANCE = new FlushGradient();

  /**
   * {@code x}, with its gradient flushed.
   *
   * @param x the input, any shape
   * @return a node with {@code x}'s values
   */
  public static Node of(Node x) {
    return x.graph().apply(INSTANCE, x);
  }

  @Override
  public String kind() {
    return "flush_gradient";
  }

  @Override
  public void forward(Args a) {
    copyUnlessInPlace(a);
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(g.graph().apply(Flushed.INSTANCE, g));
  }

  /** The flushed gradient. Backward-only. */
  static final class Flushed extends Elementwise {
    static final Flushed INSTANCE = new Flushed();

    @Override
    public String kind() {
      return "flush_gradient_grad";
    }

    @Override
    public void forward(Args a) {
      VanishingGradients.flush(a.input(0), a.output());
    }

    @Override
    public boolean isDifferentiable() {
      return false;
    }

    @Override
    public List<Node> gradients(Node self, Node g) {
      throw new UnsupportedOperationException("flush_gradient_grad is a backward op");
    }
  }
}
