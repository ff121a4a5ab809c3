package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Div;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Relu;
import dev.graft.autograd.ops.Sqrt;
import dev.graft.autograd.ops.Square;
import dev.graft.autograd.ops.Sub;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code UnitNormalization}: {@code x / sqrt(max(sum(x², axis), 1e-12))}, each slice along
 * {@code axis} (default the last; several axes allowed) scaled to unit L2 norm.
 */
public final class UnitNormalization extends PassesMask {
  private static final float EPSILON = 1e-12f;
  private final int[] axes;

  /** Normalises along the last axis. */
  public UnitNormalization() {
    this(-1);
  }

  /**
   * Normalises along {@code axes} (negative counts from the end).
   *
   * @param axes the axes whose L2 norm becomes 1
   * @throws IllegalArgumentException if no axis is given
   */
  public UnitNormalization(int... axes) {
    checkArgument(axes.length > 0, "UnitNormalization", "axis", "[]");
    this.axes = axes.clone();
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    int rank = in.get(0).rank();
    for (int a : axes) {
      if (a >= rank || a < -rank || a == 0 || a == -rank) {
        throw incompatible(0, "a non-batch axis " + a, in.get(0));
      }
    }
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return l2Normalize(x, axes);
  }

  /**
   * {@code x / sqrt(max(sum(x², axes), 1e-12))}, the max written as {@code relu(s - eps) + eps}
   * (the element-wise maximum op wants equal shapes).
   */
  static Node l2Normalize(Node x, int... axes) {
    Node eps = x.graph().constant(Tensor.scalar(EPSILON));
    Node sumSq = Reduction.sum(Square.of(x), true, axes);
    return Div.of(x, Sqrt.of(Add.of(Relu.of(Sub.of(sumSq, eps)), eps)));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    if (axes.length == 1) {
      c.put("axis", axes[0]);
    } else {
      List<Integer> l = new ArrayList<>();
      for (int a : axes) {
        l.add(a);
      }
      c.put("axis", l);
    }
    return c;
  }
}
