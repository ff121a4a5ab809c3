package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Concat;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/** Keras's {@code Concatenate}: joins its inputs along {@code axis} (default -1). */
public final class Concatenate extends Layer {
  private final int axis;

  /** Concatenation along {@code axis}. */
  public Concatenate(int axis) {
    this.axis = axis;
  }

  /** Concatenation along the last axis. */
  public Concatenate() {
    this(-1);
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    outputShapes(in);
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    if (in.isEmpty()) {
      throw new IllegalArgumentException("Layer \"" + name() + "\" needs at least one input");
    }
    Shape first = in.get(0);
    int r = first.rank();
    int a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= r) {
      throw incompatible(0, "a rank that has axis " + axis, first);
    }
    int total = 0;
    for (Shape s : in) {
      boolean ok = s.rank() == r;
      for (int i = 0; ok && i < r; i++) {
        ok = i == a || s.dim(i) == first.dim(i);
      }
      if (!ok) {
        throw new IllegalArgumentException(
            "A Concatenate layer (\""
                + name()
                + "\") requires inputs with matching shapes except for the concatenation axis "
                + axis
                + ". Received: input_shape="
                + in);
      }
      total =
          total == Shape.UNKNOWN || s.dim(a) == Shape.UNKNOWN ? Shape.UNKNOWN : total + s.dim(a);
    }
    return List.of(first.withDim(a, total));
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    return List.of(inputs.size() == 1 ? inputs.get(0) : Concat.of(axis, inputs));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("axis", axis);
    return c;
  }
}
