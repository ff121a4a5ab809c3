package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.Shape;
import dev.graft.tensor.elementwise.Binary;
import java.util.List;

/**
 * The gradient of a mean: the upstream gradient broadcast back to the input's shape and divided by
 * how many elements each output averaged (known only once the batch is). Backward-only.
 */
public final class MeanGrad extends BroadcastTo {
  private MeanGrad(Shape target) {
    super(target);
  }

  /**
   * {@code g} (the mean's output gradient, with kept dims) spread over {@code target}.
   *
   * @param g the gradient of a mean's output
   * @param target the shape of the mean's input
   * @return a node of shape {@code target}, each element {@code g} divided by the number of
   *     elements averaged
   */
  public static Node of(Node g, Shape target) {
    return g.graph().apply(new MeanGrad(target), g);
  }

  @Override
  public String kind() {
    return "mean_grad";
  }

  @Override
  public void forward(Args a) {
    super.forward(a);
    Binary.mulScalar(a.output(), (float) a.input(0).size() / a.output().size(), a.output());
  }

  @Override
  public boolean isDifferentiable() {
    return false;
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    throw new UnsupportedOperationException("mean_grad is a backward op: no second derivative");
  }
}
