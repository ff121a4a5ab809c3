package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.elementwise.Pointwise;
import java.util.List;
import java.util.Locale;

/** One of the element-wise activations of {@link Pointwise.Fn} (elu, gelu, silu, ...). */
public final class Activation extends Elementwise {
  private final Pointwise.Fn fn;

  private Activation(Pointwise.Fn fn) {
    this.fn = fn;
  }

  /**
   * {@code fn(x)}.
   *
   * @param fn the element-wise function, one of the kernel's {@code Pointwise.Fn}
   * @param x the input node, any shape
   * @return a node shaped like {@code x}
   */
  public static Node of(Pointwise.Fn fn, Node x) {
    return x.graph().apply(new Activation(fn), x);
  }

  @Override
  public String kind() {
    return fn.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean canRunInPlace(int input) {
    return false;
  }

  @Override
  public void forward(Args a) {
    Pointwise.apply(fn, a.input(0), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(self.graph().apply(new Grad(fn), self.input(0), g));
  }

  /** {@code dy * fn'(x)}. Backward-only. */
  static final class Grad extends Op {
    private final Pointwise.Fn fn;

    Grad(Pointwise.Fn fn) {
      this.fn = fn;
    }

    @Override
    public String kind() {
      return fn.name().toLowerCase(Locale.ROOT) + "_grad";
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
      return inputs.get(1);
    }

    @Override
    public boolean canRunInPlace(int input) {
      return input == 1;
    }

    @Override
    public void forward(Args a) {
      Pointwise.gradient(fn, a.input(0), a.input(1), a.output());
    }

    @Override
    public boolean isDifferentiable() {
      return false;
    }

    @Override
    public List<Node> gradients(Node self, Node g) {
      throw new UnsupportedOperationException(kind() + " is a backward op");
    }
  }
}
