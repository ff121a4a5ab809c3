package dev.graft.dsl.io;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Div;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Sqrt;
import dev.graft.autograd.ops.Sub;
import dev.graft.layers.CallContext;
import dev.graft.layers.Initializers;
import dev.graft.layers.SingleInput;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A test stand-in for Keras's {@code BatchNormalization} in inference (last axis, center and
 * scale): enough to load the real Keras fixtures that contain it through {@link
 * ModelIO#registerLayer}, which is also what shows that a new layer is one registry entry.
 */
final class InferenceBatchNorm extends SingleInput {
  private final float epsilon;
  private Variable gamma;
  private Variable beta;
  private Variable mean;
  private Variable variance;

  InferenceBatchNorm(float epsilon) {
    this.epsilon = epsilon;
  }

  /** Registers this stand-in unless the real layer exists. */
  static void registerIfMissing() {
    if (!KerasLayers.has("BatchNormalization")) {
      ModelIO.registerLayer("BatchNormalization", InferenceBatchNorm::fromConfig);
    }
  }

  static InferenceBatchNorm fromConfig(Map<String, Object> c) {
    if (Boolean.FALSE.equals(c.get("center")) || Boolean.FALSE.equals(c.get("scale"))) {
      throw new IllegalArgumentException("the test stand-in needs center and scale");
    }
    Object axis = c.get("axis");
    if (axis instanceof Number n && n.intValue() != -1 && n.intValue() != 3) {
      throw new IllegalArgumentException("the test stand-in normalizes the last axis only");
    }
    return new InferenceBatchNorm(((Number) c.getOrDefault("epsilon", 1e-3)).floatValue());
  }

  @Override
  public String className() {
    return "BatchNormalization";
  }

  @Override
  protected void build(List<Shape> in) {
    Shape s = Shape.of(in.get(0).dim(-1));
    gamma = addWeight("gamma", s, Initializers.ones(), true, null);
    beta = addWeight("beta", s, Initializers.zeros(), true, null);
    mean = addWeight("moving_mean", s, Initializers.zeros(), false, null);
    variance = addWeight("moving_variance", s, Initializers.ones(), false, null);
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Node eps = x.graph().constant(Tensor.full(epsilon, gamma.shape().dim(0)));
    Node scale = Div.of(read(ctx, gamma), Sqrt.of(Add.of(read(ctx, variance), eps)));
    return Add.of(Mul.of(Sub.of(x, read(ctx, mean)), scale), read(ctx, beta));
  }
}
