package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * A new shape for the same elements in the same (row-major) order. Target dimensions equal to
 * {@link Shape#UNKNOWN} are inferred: with one such dimension it takes what is left; with several
 * (a batch dimension carried through), each takes the input's dimension at the same axis. Shares
 * its input's buffer in a plan (see {@link Op#relabelsInput}), so it usually costs nothing.
 */
public final class Reshape extends Op {
  private final Shape target;

  private Reshape(Shape target) {
    this.target = target;
  }

  /**
   * {@code x} reshaped to {@code target}.
   *
   * @param x the input
   * @param target the new shape, of the same size
   * @return a node of shape {@code target} holding {@code x}'s elements in order
   */
  public static Node of(Node x, Shape target) {
    if (x.shape().equals(target)) {
      return x;
    }
    return x.graph().apply(new Reshape(target), x);
  }

  @Override
  public String kind() {
    return "reshape";
  }

  @Override
  public String attributes() {
    return target.toString();
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 1);
    Shape in = inputs.get(0);
    int[] d = target.toArray();
    int unknown = 0;
    for (int x : d) {
      if (x == Shape.UNKNOWN) {
        unknown++;
      }
    }
    if (unknown > 1) {
      for (int i = 0; i < d.length; i++) {
        if (d[i] == Shape.UNKNOWN && i < in.rank()) {
          d[i] = in.dim(i);
        }
      }
      unknown = (int) Arrays.stream(d).filter(x -> x == Shape.UNKNOWN).count();
    }
    if (!in.isFullyDefined()) {
      return Shape.of(d);
    }
    int known = 1;
    int at = -1;
    for (int i = 0; i < d.length; i++) {
      if (d[i] == Shape.UNKNOWN) {
        at = i;
      } else {
        known *= d[i];
      }
    }
    if (at >= 0 && known > 0 && in.size() % known == 0) {
      d[at] = in.size() / known;
    }
    Shape out = Shape.of(d);
    if (!out.isFullyDefined() || out.size() != in.size()) {
      throw shapeError("cannot reshape " + in + " into " + target);
    }
    return out;
  }

  @Override
  public boolean canRunInPlace(int input) {
    return true;
  }

  @Override
  public boolean relabelsInput() {
    return true;
  }

  @Override
  public void forward(Args a) {
    if (a.input(0).array() != a.output().array() || a.input(0).offset() != a.output().offset()) {
      System.arraycopy(
          a.input(0).array(),
          a.input(0).offset(),
          a.output().array(),
          a.output().offset(),
          a.output().size());
    }
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(Reshape.of(g, self.input(0).shape()));
  }
}
