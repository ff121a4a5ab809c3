package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Div;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Relu;
import dev.graft.autograd.ops.Sqrt;
import dev.graft.autograd.ops.Sub;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Dot(axes, normalize)} for rank-2 inputs: the per-sample dot product of {@code (N,
 * d)} and {@code (N, d)}, giving {@code (N, 1)}. With {@code normalize} the inputs are first
 * L2-normalised along the axis ({@code x / sqrt(max(sum(x²), 1e-12))}), so the result is the cosine
 * similarity.
 */
public final class Dot extends Layer {
  private static final float L2_EPSILON = 1e-12f;
  private final int axes;
  private boolean normalize;

  /**
   * A dot product over {@code axes} (1 or -1: the feature axis of rank-2 inputs).
   *
   * @throws IllegalArgumentException for any other axis
   */
  public Dot(int axes) {
    checkArgument(axes == 1 || axes == -1, "Dot", "axes", axes + " (rank-2 inputs: 1 or -1)");
    this.axes = axes;
  }

  /** Whether to L2-normalise both inputs first (cosine similarity); returns this. */
  public Dot normalize(boolean value) {
    this.normalize = value;
    return this;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    outputShapes(in);
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    if (in.size() != 2) {
      throw new IllegalArgumentException(
          "Layer \"" + name() + "\" (Dot) needs exactly 2 inputs; got " + in.size() + ": " + in);
    }
    for (int i = 0; i < 2; i++) {
      if (in.get(i).rank() != 2) {
        throw incompatible(i, "rank 2 (batch, features)", in.get(i));
      }
    }
    int a = in.get(0).dim(1);
    int b = in.get(1).dim(1);
    if (a != b && a != Shape.UNKNOWN && b != Shape.UNKNOWN) {
      throw incompatible(1, "last axis " + a + " (as input 0)", in.get(1));
    }
    return List.of(Shape.of(in.get(0).dim(0), 1));
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    Node a = inputs.get(0);
    Node b = inputs.get(1);
    if (normalize) {
      a = l2Normalize(a);
      b = l2Normalize(b);
    }
    return List.of(Reduction.sum(Mul.of(a, b), true, 1));
  }

  /** {@code x / sqrt(max(sum(x²), eps))}, the max written as {@code relu(s - eps) + eps}. */
  private static Node l2Normalize(Node x) {
    Node eps = x.graph().constant(Tensor.scalar(L2_EPSILON));
    Node sumSq = Reduction.sum(Mul.of(x, x), true, 1);
    Node clipped = Add.of(Relu.of(Sub.of(sumSq, eps)), eps);
    return Div.of(x, Sqrt.of(clipped));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("axes", axes);
    c.put("normalize", normalize);
    return c;
  }
}
