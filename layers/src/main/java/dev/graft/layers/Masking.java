package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Mask;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reshape;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Masking}: a step of {@code (batch, steps, features)} whose features all equal
 * {@code mask_value} is masked. The output is the input times the mask (masked steps become 0) and
 * carries the mask {@code any(x != mask_value, axis=-1)} to the layers downstream (recurrent layers
 * skip masked steps). The mask is piecewise constant in the input: no gradient flows through it.
 */
public final class Masking extends SingleInput {
  private final float maskValue;

  /**
   * Masks steps whose features all equal {@code maskValue}.
   *
   * @param maskValue the value marking padding
   */
  public Masking(float maskValue) {
    checkArgument(!Float.isNaN(maskValue), "Masking", "mask_value", maskValue);
    this.maskValue = maskValue;
  }

  /**
   * The value that marks a padded step.
   *
   * @return the mask value given at construction
   */
  public float maskValue() {
    return maskValue;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    if (in.get(0).rank() < 2) {
      throw incompatible(0, "rank >= 2 (batch, ..., features)", in.get(0));
    }
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return applyMask(x, mask(x));
  }

  /** Emits the mask once and uses it for both the output and the output's mask. */
  @Override
  public Layer.Emitted callMasked(CallContext ctx, List<Node> inputs, List<Node> masks) {
    Node x = inputs.get(0);
    Node m = mask(x);
    return new Layer.Emitted(List.of(applyMask(x, m)), Collections.singletonList(m));
  }

  @Override
  protected List<Node> computeMask(CallContext ctx, List<Node> inputs, List<Node> masks, int outs) {
    return Collections.singletonList(mask(inputs.get(0)));
  }

  private Node mask(Node x) {
    return Mask.anyNotEqual(x, maskValue);
  }

  private static Node applyMask(Node x, Node m) {
    int[] d = x.shape().toArray();
    d[0] = Shape.UNKNOWN;
    d[d.length - 1] = 1;
    return Mul.of(x, Reshape.of(m, Shape.of(d)));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("mask_value", (double) maskValue);
    return c;
  }
}
