package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.BroadcastTo;
import dev.graft.autograd.ops.Mul;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import java.util.List;

/**
 * Base of the element-wise merge layers (Keras's {@code base_merge}): checks that the inputs'
 * shapes agree (or broadcast, for dimensions of 1) and folds them with {@link #merge}.
 */
public abstract class Merge extends Layer {
  /**
   * Combines two nodes of compatible shapes.
   *
   * @param a the result so far
   * @param b the next input
   * @return the combined node
   */
  protected abstract Node merge(Node a, Node b);

  /**
   * Post-processes the folded result (Average divides by the count).
   *
   * @param folded the result of merging every input
   * @param count the number of inputs
   * @return the layer's output node; {@code folded} by default
   */
  protected Node finish(Node folded, int count) {
    return folded;
  }

  /**
   * The minimum number of inputs (2 for Subtract, else 1).
   *
   * @return 1 by default
   */
  protected int minInputs() {
    return 1;
  }

  /**
   * The maximum number of inputs.
   *
   * @return {@link Integer#MAX_VALUE} by default
   */
  protected int maxInputs() {
    return Integer.MAX_VALUE;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    outputShapes(in);
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    if (in.size() < minInputs() || in.size() > maxInputs()) {
      throw new IllegalArgumentException(
          "Layer \""
              + name()
              + "\" ("
              + className()
              + ") needs "
              + (minInputs() == maxInputs() ? "exactly " + minInputs() : "at least " + minInputs())
              + " inputs; got "
              + in.size()
              + ": "
              + in);
    }
    Shape out = in.get(0);
    for (int i = 1; i < in.size(); i++) {
      out = broadcast(out, in.get(i), in);
    }
    return List.of(out);
  }

  private Shape broadcast(Shape a, Shape b, List<Shape> all) {
    if (a.rank() != b.rank()) {
      throw mismatch(all);
    }
    int[] d = new int[a.rank()];
    for (int i = 0; i < d.length; i++) {
      int x = a.dim(i);
      int y = b.dim(i);
      if (x == y || y == 1) {
        d[i] = x;
      } else if (x == 1) {
        d[i] = y;
      } else if (x == Shape.UNKNOWN || y == Shape.UNKNOWN) {
        d[i] = Math.max(x, y);
      } else {
        throw mismatch(all);
      }
    }
    return Shape.of(d);
  }

  private IllegalArgumentException mismatch(List<Shape> all) {
    return new IllegalArgumentException(
        "Inputs of layer \""
            + name()
            + "\" ("
            + className()
            + ") must have the same shape (or 1 where they differ); got "
            + all);
  }

  /**
   * {@code a} and {@code b} broadcast to one shape, for merge ops that need equal shapes; the batch
   * axis is never broadcast.
   *
   * @param a the first node
   * @param b the second node
   * @return the two nodes at their common shape
   */
  protected static Node[] broadcastPair(Node a, Node b) {
    Shape sa = a.shape();
    Shape sb = b.shape();
    if (sa.equals(sb)) {
      return new Node[] {a, b};
    }
    int[] d = sa.toArray();
    for (int i = 1; i < d.length; i++) {
      d[i] = d[i] == 1 ? sb.dim(i) : d[i];
    }
    Shape target = Shape.of(d);
    return new Node[] {BroadcastTo.of(a, target), BroadcastTo.of(b, target)};
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    Node acc = inputs.get(0);
    for (int i = 1; i < inputs.size(); i++) {
      acc = merge(acc, inputs.get(i));
    }
    return List.of(finish(acc, inputs.size()));
  }

  /**
   * Keras's {@code base_merge.compute_mask}: the logical and of the inputs' masks (those that have
   * one), as their product; none when no input has a mask.
   */
  @Override
  protected List<Node> computeMask(CallContext ctx, List<Node> inputs, List<Node> masks, int outs) {
    Node and = null;
    for (Node m : masks) {
      if (m != null) {
        and = and == null ? m : Mul.of(and, m);
      }
    }
    return java.util.Collections.singletonList(and);
  }
}
