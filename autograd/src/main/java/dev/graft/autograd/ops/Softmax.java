package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.Shape;
import java.util.List;

/** Numerically stable softmax (or log-softmax) along one axis. */
public final class Softmax extends Elementwise {
  private final int axis;
  private final boolean log;

  private Softmax(int axis, boolean log) {
    this.axis = axis;
    this.log = log;
  }

  /**
   * {@code exp(x) / sum(exp(x))} along {@code axis}.
   *
   * @param x the logits
   * @param axis the axis normalised, negative counting from the end
   * @return a node shaped like {@code x} whose values along {@code axis} sum to 1
   */
  public static Node of(Node x, int axis) {
    return x.graph().apply(new Softmax(x.shape().normalizeAxis(axis), false), x);
  }

  /**
   * {@code x - log(sum(exp(x)))} along {@code axis}.
   *
   * @param x the logits
   * @param axis the axis normalised, negative counting from the end
   * @return a node shaped like {@code x}
   */
  public static Node log(Node x, int axis) {
    return x.graph().apply(new Softmax(x.shape().normalizeAxis(axis), true), x);
  }

  @Override
  public String kind() {
    return log ? "log_softmax" : "softmax";
  }

  @Override
  public String attributes() {
    return "axis=" + axis;
  }

  @Override
  public boolean canRunInPlace(int input) {
    return false;
  }

  @Override
  public void forward(Args a) {
    if (log) {
      dev.graft.tensor.reduce.Softmax.logSoftmax(a.input(0), axis, a.output());
    } else {
      dev.graft.tensor.reduce.Softmax.softmax(a.input(0), axis, a.output());
    }
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(self.graph().apply(new Grad(axis, log), self, g));
  }

  /** The softmax backward pass from the output {@code y} and upstream {@code dy}. */
  static final class Grad extends dev.graft.autograd.Op {
    private final int axis;
    private final boolean log;

    Grad(int axis, boolean log) {
      this.axis = axis;
      this.log = log;
    }

    @Override
    public String kind() {
      return log ? "log_softmax_grad" : "softmax_grad";
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
      Shapes.arity(kind(), inputs, 2);
      return inputs.get(1);
    }

    @Override
    public void forward(Args a) {
      if (log) {
        dev.graft.tensor.reduce.Softmax.logSoftmaxGrad(a.input(0), a.input(1), axis, a.output());
      } else {
        dev.graft.tensor.reduce.Softmax.softmaxGrad(a.input(0), a.input(1), axis, a.output());
      }
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
