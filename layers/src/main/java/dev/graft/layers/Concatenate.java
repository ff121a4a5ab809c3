package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Concat;
import dev.graft.autograd.ops.Extremum;
import dev.graft.autograd.ops.Mask;
import dev.graft.autograd.ops.Reduction;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/** Keras's {@code Concatenate}: joins its inputs along {@code axis} (default -1). */
public final class Concatenate extends Layer {
  private final int axis;

  /**
   * Concatenation along {@code axis}.
   *
   * @param axis the joining axis, negative counting from the end; 0 (the batch) is refused when the
   *     layer is called
   */
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

  /**
   * Keras's {@code Concatenate.compute_mask}: each input's mask (all ones where an input has none)
   * broadcast over its features, joined along the axis, then any over the last axis. Along the
   * features axis that is the logical or of the masks (none if an input has no mask); along the
   * time axis the masks are joined in time.
   *
   * @throws IllegalArgumentException for masked inputs joined along another axis
   */
  @Override
  protected List<Node> computeMask(CallContext ctx, List<Node> inputs, List<Node> masks, int outs) {
    boolean any = false;
    boolean all = true;
    for (Node m : masks) {
      any |= m != null;
      all &= m != null;
    }
    if (!any) {
      return java.util.Collections.singletonList(null);
    }
    int rank = inputs.get(0).shape().rank();
    int a = axis < 0 ? axis + rank : axis;
    if (a == rank - 1) {
      Node or = null;
      for (Node m : masks) {
        or = or == null ? m : Extremum.maximum(or, m);
      }
      return java.util.Collections.singletonList(all ? or : null);
    }
    if (rank == 3 && a == 1) {
      List<Node> parts = new java.util.ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        Node m = masks.get(i);
        // An unmasked input's steps are all kept: (x != NaN) is 1 for every value.
        parts.add(m != null ? m : Mask.notEqual(Reduction.sum(inputs.get(i), false, 2), Float.NaN));
      }
      return java.util.Collections.singletonList(
          parts.size() == 1 ? parts.get(0) : Concat.of(1, parts));
    }
    throw new IllegalArgumentException(
        "Layer \""
            + name()
            + "\" (Concatenate): masked inputs can be joined along the last axis or, for"
            + " (batch, steps, features), the steps axis; Received: axis="
            + axis);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("axis", axis);
    return c;
  }
}
