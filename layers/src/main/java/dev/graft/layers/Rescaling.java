package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Scale;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.Map;

/**
 * Keras's {@code Rescaling(scale, offset)}: {@code x * scale + offset}, e.g. {@code 1/255} to bring
 * pixels to {@code [0, 1]}. It has no weights and acts the same in training and inference.
 */
public final class Rescaling extends SingleInput {
  private final float scale;
  private final float offset;

  /**
   * Rescales by {@code scale}, then adds {@code offset}.
   *
   * @param scale the factor, e.g. {@code 1 / 255f}
   * @param offset the value added after scaling
   * @throws IllegalArgumentException for a non-finite scale or offset
   */
  public Rescaling(float scale, float offset) {
    checkArgument(Float.isFinite(scale), "Rescaling", "scale", scale);
    checkArgument(Float.isFinite(offset), "Rescaling", "offset", offset);
    this.scale = scale;
    this.offset = offset;
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Node y = scale == 1f ? x : Scale.of(x, scale);
    return offset == 0f ? y : Add.of(y, x.graph().constant(Tensor.scalar(offset)));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("scale", scale);
    c.put("offset", offset);
    return c;
  }

  /** Keras's {@code supports_masking}: an input's mask passes through to the output. */
  @Override
  protected boolean supportsMasking() {
    return true;
  }
}
