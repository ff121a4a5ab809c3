package dev.graft.layers;

import dev.graft.autograd.Variable;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Base of the normalisation layers over the last axis: a known last axis, {@code gamma} (ones) and
 * {@code beta} (zeros) of its size, either left out by Keras's {@code scale=False} / {@code
 * center=False}, and an epsilon added to the variance.
 */
public abstract class FeatureNormalization extends SingleInput {
  /** The variance epsilon. */
  protected float epsilon = 1e-3f;

  /** The scale, {@code (C)}; {@code null} with {@code scale=False}. */
  protected Variable gamma;

  /** The offset, {@code (C)}; {@code null} with {@code center=False}. */
  protected Variable beta;

  private boolean center = true;
  private boolean scale = true;

  FeatureNormalization() {}

  /** Sets epsilon after checking it (the subclasses' fluent setters call this). */
  void setEpsilon(double value) {
    checkArgument(value > 0, className(), "epsilon", value);
    this.epsilon = (float) value;
  }

  /** Keras's {@code center}: whether {@code beta} exists (the subclasses' setters call this). */
  void setCenter(boolean value) {
    requireUnbuilt("center");
    this.center = value;
  }

  /** Keras's {@code scale}: whether {@code gamma} exists (the subclasses' setters call this). */
  void setScale(boolean value) {
    requireUnbuilt("scale");
    this.scale = value;
  }

  /** The number of channels (the last axis) the layer was built for. */
  final int channels() {
    return builtInputShapes().get(0).dim(-1);
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
    if (scale) {
      gamma = addWeight("gamma", c, Initializers.ones(), true, null);
    }
    if (center) {
      beta = addWeight("beta", c, Initializers.zeros(), true, null);
    }
  }

  @Override
  protected Shape outputShape(Shape x) {
    int c = channels();
    if (x.rank() < 2 || x.dim(-1) != c) {
      throw incompatible(0, "last axis " + c, x);
    }
    return x;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("axis", -1);
    c.put("epsilon", epsilon);
    c.put("center", center);
    c.put("scale", scale);
    c.put("beta_initializer", Configs.of(Initializers.zeros()));
    c.put("gamma_initializer", Configs.of(Initializers.ones()));
    return c;
  }
}
