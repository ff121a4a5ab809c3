package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.elementwise.Unary;
import java.util.List;

/**
 * The backward pass of relu, sigmoid or tanh in one fused pass over {@code (y, dy)}, where {@code
 * y} is the forward output. A backward-only op: it has no gradient of its own.
 */
public final class ActivationGrad extends Op {
  /** Which activation's derivative. */
  public enum Kind {
    /** {@code dy * (y > 0)}. */
    RELU,
    /** {@code dy * y * (1 - y)}. */
    SIGMOID,
    /** {@code dy * (1 - y^2)}. */
    TANH
  }

  private final Kind which;

  private ActivationGrad(Kind which) {
    this.which = which;
  }

  /**
   * The gradient of an activation whose output is {@code y}, given upstream {@code dy}.
   *
   * @param which the activation whose derivative to apply
   * @param y the activation's forward output
   * @param dy the gradient with respect to {@code y}, shaped like it
   * @return the gradient with respect to the activation's input, shaped like {@code y}
   */
  public static Node of(Kind which, Node y, Node dy) {
    return y.graph().apply(new ActivationGrad(which), y, dy);
  }

  @Override
  public String kind() {
    return which.name().toLowerCase(java.util.Locale.ROOT) + "_grad";
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 2);
    if (!inputs.get(0).isCompatibleWith(inputs.get(1))) {
      throw shapeError("y " + inputs.get(0) + " and dy " + inputs.get(1) + " differ");
    }
    return inputs.get(1);
  }

  @Override
  public boolean canRunInPlace(int input) {
    return true;
  }

  @Override
  public void forward(Args a) {
    switch (which) {
      case RELU -> Unary.reluGrad(a.input(0), a.input(1), a.output());
      case SIGMOID -> Unary.sigmoidGrad(a.input(0), a.input(1), a.output());
      case TANH -> Unary.tanhGrad(a.input(0), a.input(1), a.output());
    }
  }

  @Override
  public boolean isDifferentiable() {
    return false;
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    throw new UnsupportedOperationException(kind() + " is a backward op: no second derivative");
  }
}
