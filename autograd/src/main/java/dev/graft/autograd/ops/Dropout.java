package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.elementwise.Binary;
import java.util.List;

/**
 * Inverted dropout: in training, each element is zeroed with probability {@code rate} and the rest
 * scaled by {@code 1 / (1 - rate)}; in inference, the identity. The mask is kept in the workspace
 * for the backward pass.
 */
public final class Dropout extends Elementwise {
  private final float rate;

  private Dropout(float rate) {
    this.rate = rate;
  }

  /**
   * Dropout of {@code x} at {@code rate}.
   *
   * @param x the input, any shape
   * @param rate the fraction of elements zeroed in training (the others scaled by {@code 1 / (1 -
   *     rate)})
   * @return a node shaped like {@code x}; {@code x}'s values in inference
   * @throws IllegalArgumentException unless {@code 0 <= rate < 1}
   */
  public static Node of(Node x, float rate) {
    if (!(rate >= 0f && rate < 1f)) {
      throw new IllegalArgumentException("dropout: rate must be in [0, 1); got " + rate);
    }
    return x.graph().apply(new Dropout(rate), x);
  }

  @Override
  public String kind() {
    return "dropout";
  }

  @Override
  public String attributes() {
    return "rate=" + rate;
  }

  @Override
  public boolean canRunInPlace(int input) {
    return false;
  }

  @Override
  public Shape workspaceShape(List<Shape> inputs, Shape output) {
    return output;
  }

  @Override
  public void forward(Args a) {
    float[] m = a.workspace().array();
    int off = a.workspace().offset();
    int n = a.workspace().size();
    if (a.training() && rate > 0f) {
      float keep = 1f / (1f - rate);
      a.rng().keepMask(m, off, off + n, rate, keep);
    } else {
      java.util.Arrays.fill(m, off, off + n, 1f);
    }
    Binary.mul(a.input(0), a.workspace(), a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(self.graph().apply(new MaskGrad(), self, g));
  }

  /** {@code dy * mask}, the mask read from the dropout node's workspace. Backward-only. */
  static final class MaskGrad extends Op {
    @Override
    public String kind() {
      return "dropout_grad";
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
      return inputs.get(1);
    }

    @Override
    public void forward(Args a) {
      Binary.mul(a.input(1), a.inputWorkspace(0), a.output());
    }

    @Override
    public boolean isDifferentiable() {
      return false;
    }

    @Override
    public List<Node> gradients(Node self, Node g) {
      throw new UnsupportedOperationException("dropout_grad is a backward op");
    }
  }
}
