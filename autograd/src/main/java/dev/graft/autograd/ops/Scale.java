package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.elementwise.Binary;
import java.util.List;

/** {@code x * factor} for a constant factor. */
public final class Scale extends Elementwise {
  private final float factor;

  private Scale(float factor) {
    this.factor = factor;
  }

  /**
   * {@code x * factor}.
   *
   * @param x the input, any shape
   * @param factor the constant factor
   * @return a node shaped like {@code x}
   */
  public static Node of(Node x, float factor) {
    return x.graph().apply(new Scale(factor), x);
  }

  @Override
  public String kind() {
    return "scale";
  }

  @Override
  public String attributes() {
    return Float.toString(factor);
  }

  @Override
  public void forward(Args a) {
    Binary.mulScalar(a.input(0), factor, a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(Scale.of(g, factor));
  }
}
