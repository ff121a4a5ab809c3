package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.tensor.Shape;
import java.util.Map;

/**
 * Keras's {@code Dropout}: in training, zeroes inputs with probability {@code rate} and scales the
 * rest by {@code 1 / (1 - rate)}; in inference, the identity.
 */
public final class Dropout extends SingleInput {
  private final float rate;

  /**
   * Dropout at {@code rate}.
   *
   * @param rate the fraction of values dropped in training, in {@code [0, 1)}
   * @throws IllegalArgumentException unless {@code 0 <= rate < 1}
   */
  public Dropout(float rate) {
    checkArgument(rate >= 0f && rate < 1f, "Dropout", "rate", rate);
    this.rate = rate;
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return rate == 0f ? x : dev.graft.autograd.ops.Dropout.of(x, rate);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("rate", rate);
    c.put("seed", null);
    c.put("noise_shape", null);
    return c;
  }

  /** Keras's {@code supports_masking}: an input's mask passes through to the output. */
  @Override
  protected boolean supportsMasking() {
    return true;
  }
}
