package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Keras's {@code where(mask, x, fill)} with a mask of {@code x}'s rank broadcast over axes of size
 * 1: attention's masked scores ({@code fill = -1e9}) and probabilities ({@code fill = 0}). The
 * gradient passes to {@code x} where the mask is non-zero; the mask gets none.
 */
public final class MaskFill extends Op {
  private final float fill;

  private MaskFill(float fill) {
    this.fill = fill;
  }

  /**
   * {@code mask != 0 ? x : fill}, element by element.
   *
   * @param x the values kept
   * @param mask ones and zeros, broadcastable against {@code x}
   * @param fill the value where {@code mask} is 0
   * @return a node shaped like {@code x}
   */
  public static Node of(Node x, Node mask, float fill) {
    return x.graph().apply(new MaskFill(fill), x, mask);
  }

  @Override
  public String kind() {
    return "mask_fill";
  }

  @Override
  public String attributes() {
    return "fill=" + fill;
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 2);
    Shape x = inputs.get(0);
    Shape m = inputs.get(1);
    boolean ok = m.rank() == x.rank();
    for (int i = 0; ok && i < m.rank(); i++) {
      ok =
          m.dim(i) == 1
              || m.dim(i) == x.dim(i)
              || m.dim(i) == Shape.UNKNOWN
              || x.dim(i) == Shape.UNKNOWN;
    }
    if (!ok) {
      throw shapeError(
          "mask " + m + " does not broadcast to " + x + " (same rank, dims 1 or equal)");
    }
    return x;
  }

  @Override
  public boolean canRunInPlace(int input) {
    return input == 0;
  }

  @Override
  public void forward(Args a) {
    dev.graft.tensor.elementwise.MaskFill.fill(a.input(0), a.input(1), fill, a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return Arrays.asList(of(g, self.input(1), 0f), null);
  }
}
