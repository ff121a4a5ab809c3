package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Activation;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Relu;
import dev.graft.autograd.ops.Scale;
import dev.graft.autograd.ops.Sub;
import dev.graft.tensor.Shape;
import dev.graft.tensor.elementwise.Pointwise;
import java.util.Map;

/** Keras's {@code ELU} layer: {@code x > 0 ? x : alpha * (exp(x) - 1)}, alpha 1 by default. */
public final class Elu extends PassesMask {
  private final double alpha;

  /** Keras's default, alpha 1. */
  public Elu() {
    this(1.0);
  }

  /**
   * An ELU with negative saturation {@code -alpha}.
   *
   * @param alpha the magnitude of the negative saturation (Keras: 1.0)
   * @throws IllegalArgumentException for a NaN or infinite {@code alpha}
   */
  public Elu(double alpha) {
    checkArgument(Double.isFinite(alpha), "ELU", "alpha", alpha);
    this.alpha = alpha;
  }

  @Override
  public String className() {
    return "ELU";
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Node elu = Activation.of(Pointwise.Fn.ELU, x);
    if (alpha == 1.0) {
      return elu;
    }
    // elu(x) - relu(x) is the negative branch exp(x) - 1 (0 above 0): scale only that part
    Node pos = Relu.of(x);
    return Add.of(pos, Scale.of(Sub.of(elu, pos), (float) alpha));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("alpha", alpha);
    return c;
  }
}
