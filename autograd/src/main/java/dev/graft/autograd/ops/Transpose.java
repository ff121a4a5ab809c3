package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import java.util.List;

/**
 * Axis permutation: output axis {@code i} is input axis {@code perm[i]}. Its gradient is the
 * inverse permutation of the upstream gradient.
 */
public final class Transpose extends Op {
  private final int[] perm;

  private Transpose(int[] perm) {
    this.perm = perm;
  }

  /**
   * {@code x} with its axes permuted by {@code perm}.
   *
   * @param x the input
   * @param perm for each output axis, the input axis it takes
   * @return a node whose axis {@code i} is {@code x}'s axis {@code perm[i]}
   * @throws IllegalArgumentException unless {@code perm} is a permutation of {@code x}'s axes
   */
  public static Node of(Node x, int... perm) {
    dev.graft.tensor.layout.Transpose.permutedShape(x.shape(), perm);
    return x.graph().apply(new Transpose(perm.clone()), x);
  }

  @Override
  public String kind() {
    return "transpose";
  }

  @Override
  public String attributes() {
    return java.util.Arrays.toString(perm);
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 1);
    return dev.graft.tensor.layout.Transpose.permutedShape(inputs.get(0), perm);
  }

  @Override
  public void forward(Args a) {
    dev.graft.tensor.layout.Transpose.permute(a.input(0), perm, a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(of(g, dev.graft.tensor.layout.Transpose.inverse(perm)));
  }
}
