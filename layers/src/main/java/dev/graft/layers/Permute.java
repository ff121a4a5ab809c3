package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Transpose;
import dev.graft.tensor.Shape;
import java.util.Arrays;
import java.util.Map;

/**
 * Keras's {@code Permute(dims)}: permutes the axes of each sample; {@code dims} are 1-based (the
 * batch axis 0 stays in place), e.g. {@code Permute(2, 1)} swaps the two axes of {@code (N, a, b)}.
 */
public final class Permute extends SingleInput {
  private final int[] dims;

  /**
   * A permutation of the sample axes {@code 1..k}.
   *
   * @param dims for each output axis after the batch, the input axis it takes (1-based)
   * @throws IllegalArgumentException unless {@code dims} is a permutation of {@code 1..k}
   */
  public Permute(int... dims) {
    int[] sorted = dims.clone();
    Arrays.sort(sorted);
    boolean ok = dims.length > 0;
    for (int i = 0; i < sorted.length; i++) {
      ok &= sorted[i] == i + 1;
    }
    checkArgument(ok, "Permute", "dims", Arrays.toString(dims));
    this.dims = dims.clone();
  }

  private int[] perm() {
    int[] p = new int[dims.length + 1];
    for (int i = 0; i < dims.length; i++) {
      p[i + 1] = dims[i];
    }
    return p;
  }

  @Override
  protected void checkInputs(java.util.List<Shape> in) {
    super.checkInputs(in);
    outputShape(in.get(0));
  }

  @Override
  protected Shape outputShape(Shape in) {
    if (in.rank() != dims.length + 1) {
      throw incompatible(0, "rank " + (dims.length + 1) + " for dims " + Arrays.toString(dims), in);
    }
    return dev.graft.tensor.layout.Transpose.permutedShape(in, perm());
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return Transpose.of(x, perm());
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("dims", dims.clone());
    return c;
  }
}
