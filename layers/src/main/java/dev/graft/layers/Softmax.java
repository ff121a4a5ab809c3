package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.tensor.Shape;
import java.util.Map;

/** Keras's {@code Softmax} layer: {@code exp(x) / sum(exp(x))} along {@code axis} (default -1). */
public final class Softmax extends SingleInput {
  private final int axis;

  /** Softmax over the last axis. */
  public Softmax() {
    this(-1);
  }

  /**
   * Softmax over {@code axis} (negative counts from the end; 0 is the batch).
   *
   * @param axis the normalised axis (Keras: -1)
   */
  public Softmax(int axis) {
    this.axis = axis;
  }

  @Override
  protected void checkInputs(java.util.List<Shape> in) {
    super.checkInputs(in);
    int rank = in.get(0).rank();
    if (axis >= rank || axis < -rank) {
      throw incompatible(0, "a rank above axis " + axis, in.get(0));
    }
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return dev.graft.autograd.ops.Softmax.of(x, axis);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("axis", axis);
    return c;
  }
}
