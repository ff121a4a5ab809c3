package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A dropout mask {@code (batch, width)} drawn once per run: in training each value is 0 with
 * probability {@code rate}, else {@code 1 / (1 - rate)}; in inference all ones. Keras's recurrent
 * cells draw one such mask per batch for their inputs ({@code dropout}) and one for their state
 * ({@code recurrent_dropout}) and use it at every step; multiplying by it ({@link Mul}) gives the
 * gradient its mask too. Only the batch size of {@code like} is read: no gradient flows to it.
 */
public final class DropoutMask extends Op {
  private final int width;
  private final float rate;

  private DropoutMask(int width, float rate) {
    this.width = width;
    this.rate = rate;
  }

  /**
   * A {@code (like.dim(0), width)} mask at {@code rate}.
   *
   * @param like a node whose first axis is the batch
   * @param width the mask's second axis
   * @param rate the fraction of zeros
   * @return a node of zeros and {@code 1 / (1 - rate)}, redrawn at each training run, all ones in
   *     inference
   * @throws IllegalArgumentException unless {@code 0 <= rate < 1} and {@code width > 0}
   */
  public static Node of(Node like, int width, float rate) {
    if (!(rate >= 0f && rate < 1f) || width <= 0) {
      throw new IllegalArgumentException(
          "dropout_mask: rate must be in [0, 1) and width > 0; got rate="
              + rate
              + ", width="
              + width);
    }
    return like.graph().apply(new DropoutMask(width, rate), like);
  }

  @Override
  public String kind() {
    return "dropout_mask";
  }

  @Override
  public String attributes() {
    return "width=" + width + ", rate=" + rate;
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 1);
    return Shape.of(inputs.get(0).dim(0), width);
  }

  @Override
  public void forward(Args a) {
    float[] m = a.output().array();
    int off = a.output().offset();
    int n = a.output().size();
    if (a.training() && rate > 0f) {
      float keep = 1f / (1f - rate);
      a.rng().keepMask(m, off, off + n, rate, keep);
    } else {
      Arrays.fill(m, off, off + n, 1f);
    }
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return Collections.singletonList(null);
  }
}
