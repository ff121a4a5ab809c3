package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.Collections;
import java.util.List;

/**
 * A Keras mask from values: 1 where a step is kept, 0 where it is masked, as floats so that other
 * ops (products for Keras's logical and, the recurrent kernels) read it directly. {@link #notEqual}
 * is {@code Embedding(mask_zero=True)}'s {@code x != 0}, element-wise; {@link #anyNotEqual} is
 * {@code Masking}'s {@code any(x != value, axis=-1)}. A mask is piecewise constant in {@code x}: no
 * gradient flows through it.
 */
public final class Mask extends Op {
  private final float value;
  private final boolean anyOverLastAxis;

  private Mask(float value, boolean anyOverLastAxis) {
    this.value = value;
    this.anyOverLastAxis = anyOverLastAxis;
  }

  /**
   * {@code x != value} element-wise, as 1 or 0, shaped like {@code x}.
   *
   * @param x the input, any shape
   * @param value the value marking masked elements
   * @return a node of ones and zeros shaped like {@code x}
   */
  public static Node notEqual(Node x, float value) {
    return x.graph().apply(new Mask(value, false), x);
  }

  /**
   * 1 where any value along the last axis differs from {@code value}, else 0; {@code x}'s shape
   * without its last axis.
   *
   * @param x the input, rank 2 or more (e.g. {@code (N, T, features)})
   * @param value the value marking padding
   * @return a node of ones and zeros, {@code x}'s shape without its last axis (e.g. {@code (N, T)})
   * @throws IllegalArgumentException if {@code x} has rank below 2
   */
  public static Node anyNotEqual(Node x, float value) {
    return x.graph().apply(new Mask(value, true), x);
  }

  @Override
  public String kind() {
    return anyOverLastAxis ? "mask_any_not_equal" : "mask_not_equal";
  }

  @Override
  public String attributes() {
    return "value=" + value;
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 1);
    Shape x = inputs.get(0);
    if (!anyOverLastAxis) {
      return x;
    }
    if (x.rank() < 2) {
      throw shapeError("input " + x + " needs rank >= 2 (the last axis holds the features)");
    }
    return Shape.of(java.util.Arrays.copyOf(x.toArray(), x.rank() - 1));
  }

  @Override
  public void forward(Args a) {
    Tensor x = a.input(0);
    Tensor out = a.output();
    float[] xs = x.array();
    float[] o = out.array();
    int n = out.size();
    int width = anyOverLastAxis ? x.shape().dim(-1) : 1;
    for (int i = 0; i < n; i++) {
      int from = x.offset() + i * width;
      float keep = 0f;
      for (int j = 0; j < width; j++) {
        if (xs[from + j] != value) {
          keep = 1f;
          break;
        }
      }
      o[out.offset() + i] = keep;
    }
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return Collections.singletonList(null);
  }
}
