package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Div;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Sqrt;
import dev.graft.autograd.ops.Square;
import dev.graft.autograd.ops.Sub;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code GroupNormalization} over the last axis: its {@code C} channels are split into
 * {@code groups} runs of {@code C / groups} consecutive channels, and each sample's group (every
 * position, the group's channels) is normalised by its own mean and biased variance, {@code gamma *
 * (x - mean) / sqrt(var + epsilon) + beta}, with {@code gamma} (ones) and {@code beta} (zeros) per
 * channel. {@code groups = 1} is a layer normalisation over all non-batch axes; {@code groups = -1}
 * (one group per channel) is Keras's instance normalisation. The same in training and inference;
 * composed from primitive ops (a reshape to {@code (N, positions, groups, C / groups)} and means
 * over axes 1 and 3), so its gradient comes from theirs.
 */
public final class GroupNormalization extends FeatureNormalization {
  /** The number of groups; -1 (one per channel) until the layer is built. */
  private int groups;

  private int axis = -1;

  /**
   * A group normalisation with {@code groups} groups (Keras's default is 32; -1 means one per
   * channel), axis -1, epsilon 1e-3.
   *
   * @param groups the number of groups the channels are split into (it must divide them), or -1 for
   *     one per channel
   * @throws IllegalArgumentException unless {@code groups > 0} or {@code groups == -1}
   */
  public GroupNormalization(int groups) {
    checkArgument(groups > 0 || groups == -1, "GroupNormalization", "groups", groups);
    this.groups = groups;
  }

  /**
   * The number of groups (for {@code -1}, the channels once built, as Keras's config says).
   *
   * @return the number of groups
   */
  public int groups() {
    return groups;
  }

  /**
   * Keras's {@code axis}: the channels axis; only the last ({@code -1}, or its non-negative index
   * counting the batch) is supported, which is checked against the input. Returns this.
   *
   * @param value the channels axis, -1 or the last axis's index
   * @return this layer, for chaining
   * @throws IllegalStateException once the layer is built
   */
  public GroupNormalization axis(int value) {
    requireUnbuilt("axis");
    this.axis = value;
    return this;
  }

  /**
   * The variance epsilon (default 1e-3); returns this.
   *
   * @param value the value added to the variance before its square root, above 0
   * @return this layer, for chaining
   * @throws IllegalArgumentException unless {@code epsilon > 0}
   */
  public GroupNormalization epsilon(double value) {
    setEpsilon(value);
    return this;
  }

  /**
   * Keras's {@code center}: whether to add the offset {@code beta} (default true); returns this.
   *
   * @param value false to build the layer without {@code beta}
   * @return this layer, for chaining
   * @throws IllegalStateException once the layer is built
   */
  public GroupNormalization center(boolean value) {
    setCenter(value);
    return this;
  }

  /**
   * Keras's {@code scale}: whether to multiply by {@code gamma} (default true); returns this.
   *
   * @param value false to build the layer without {@code gamma}
   * @return this layer, for chaining
   * @throws IllegalStateException once the layer is built
   */
  public GroupNormalization scale(boolean value) {
    setScale(value);
    return this;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    Shape x = in.get(0);
    if (axis != -1 && axis != x.rank() - 1) {
      throw new IllegalArgumentException(
          "Layer \""
              + name()
              + "\" (GroupNormalization) normalises groups of the last axis only; axis="
              + axis
              + " is not the last axis of its input "
              + x);
    }
    int c = x.dim(-1);
    int g = groups == -1 ? c : groups;
    if (c < g || c % g != 0) {
      throw new IllegalArgumentException(
          "Layer \""
              + name()
              + "\" (GroupNormalization): the number of channels ("
              + c
              + ") must be a multiple of groups ("
              + g
              + "); input "
              + x);
    }
  }

  @Override
  protected void build(List<Shape> in) {
    if (groups == -1) {
      groups = in.get(0).dim(-1);
    }
    super.build(in);
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Shape s = x.shape();
    int positions = 1;
    for (int i = 1; i < s.rank() - 1; i++) {
      if (s.dim(i) == Shape.UNKNOWN) {
        throw incompatible(0, "known sizes after the batch when the graph is built", s);
      }
      positions *= s.dim(i);
    }
    int c = s.dim(-1);
    Node grouped = Reshape.of(x, Shape.of(Shape.UNKNOWN, positions, groups, c / groups));
    Node centered = Sub.of(grouped, Reduction.mean(grouped, true, 1, 3));
    Node variance = Reduction.mean(Square.of(centered), true, 1, 3);
    Node eps = x.graph().constant(Tensor.scalar(epsilon));
    Node normalized =
        Reshape.of(Div.of(centered, Sqrt.of(Add.of(variance, eps))), s.withDim(0, Shape.UNKNOWN));
    Node scaled = gamma == null ? normalized : Mul.of(normalized, read(ctx, gamma));
    return beta == null ? scaled : Add.of(scaled, read(ctx, beta));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("groups", groups);
    c.put("axis", axis);
    c.put("beta_regularizer", null);
    c.put("gamma_regularizer", null);
    c.put("beta_constraint", null);
    c.put("gamma_constraint", null);
    return c;
  }

  /** Keras's {@code supports_masking}: an input's mask passes through to the output. */
  @Override
  protected boolean supportsMasking() {
    return true;
  }
}
