package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Div;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Sqrt;
import dev.graft.autograd.ops.Square;
import dev.graft.autograd.ops.Sub;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code LayerNormalization} over the last axis: each sample's features are normalised by
 * their own mean and (biased) variance, {@code gamma * (x - mean) / sqrt(var + epsilon) + beta},
 * with {@code gamma} (ones) and {@code beta} (zeros) of the last axis's size. The same in training
 * and inference; composed from primitive ops, so its gradient comes from theirs.
 */
public final class LayerNormalization extends SingleInput {
  private float epsilon = 1e-3f;
  private Variable gamma;
  private Variable beta;

  /** A layer normalisation with Keras's defaults: axis -1, epsilon 1e-3. */
  public LayerNormalization() {}

  /**
   * The variance epsilon (default 1e-3); returns this.
   *
   * @throws IllegalArgumentException unless {@code epsilon > 0}
   */
  public LayerNormalization epsilon(double value) {
    checkArgument(value > 0, "LayerNormalization", "epsilon", value);
    this.epsilon = (float) value;
    return this;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    Shape x = in.get(0);
    if (x.rank() < 2 || x.dim(-1) == Shape.UNKNOWN) {
      throw incompatible(0, "rank >= 2 with a known last axis", x);
    }
  }

  @Override
  protected void build(List<Shape> in) {
    Shape c = Shape.of(in.get(0).dim(-1));
    gamma = addWeight("gamma", c, Initializers.ones(), true, null);
    beta = addWeight("beta", c, Initializers.zeros(), true, null);
  }

  @Override
  protected Shape outputShape(Shape x) {
    int c = gamma.shape().dim(0);
    if (x.rank() < 2 || x.dim(-1) != c) {
      throw incompatible(0, "last axis " + c, x);
    }
    return x;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Node centered = Sub.of(x, Reduction.mean(x, true, -1));
    Node variance = Reduction.mean(Square.of(centered), true, -1);
    Node eps = x.graph().constant(Tensor.scalar(epsilon));
    Node normalized = Div.of(centered, Sqrt.of(Add.of(variance, eps)));
    return Add.of(Mul.of(normalized, read(ctx, gamma)), read(ctx, beta));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("axis", -1);
    c.put("epsilon", epsilon);
    c.put("center", true);
    c.put("scale", true);
    c.put("beta_initializer", Configs.of(Initializers.zeros()));
    c.put("gamma_initializer", Configs.of(Initializers.ones()));
    return c;
  }
}
