package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.MatMul;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Tanh;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code AdditiveAttention} (Bahdanau-style) on {@code [query, value]} or {@code [query,
 * value, key]}: scores {@code sum_d(scale_d · tanh(query_id + key_jd))} with the learned vector
 * {@code scale (dim)} ({@code glorot_uniform}; with {@code use_scale=false} a plain sum), then
 * softmax over the value positions and the weighted sum of the values.
 */
public final class AdditiveAttention extends ScoreAttention {
  private boolean useScale = true;
  private Variable scale;

  /** Additive attention with a learned scale. */
  public AdditiveAttention() {}

  /**
   * Whether to learn the {@code scale} vector (default true); returns this.
   *
   * @param value false for no scale vector
   * @return this layer, for chaining
   */
  public AdditiveAttention useScale(boolean value) {
    requireUnbuilt("use_scale");
    this.useScale = value;
    return this;
  }

  /**
   * The dropout rate on the attention probabilities in training (default 0); returns this.
   *
   * @param rate the fraction of values dropped in training, in {@code [0, 1)}
   * @return this layer, for chaining
   */
  public AdditiveAttention dropout(float rate) {
    setDropout(rate);
    return this;
  }

  /**
   * Whether each query position attends only to value positions at or before it (Keras's call
   * argument {@code use_causal_mask}, here for every call); returns this.
   *
   * @param value true to mask out later positions
   * @return this layer, for chaining
   */
  public AdditiveAttention useCausalMask(boolean value) {
    setUseCausalMask(value);
    return this;
  }

  /**
   * Whether each call also outputs the attention probabilities {@code (batch, Tq, Tv)} (get both
   * with {@code onAll}); returns this.
   *
   * @param value true to output the scores as a second tensor
   * @return this layer, for chaining
   */
  public AdditiveAttention returnAttentionScores(boolean value) {
    setReturnAttentionScores(value);
    return this;
  }

  @Override
  protected void build(List<Shape> in) {
    if (useScale) {
      scale =
          addWeight("scale", Shape.of(in.get(0).dim(-1)), Initializers.glorotUniform(), true, null);
    }
  }

  @Override
  Node scores(CallContext ctx, Node query, Node key) {
    Node t = Tanh.of(Add.of(expand(query, false), expand(key, true)));
    if (scale == null) {
      return Reduction.sum(t, false, -1);
    }
    int d = scale.shape().dim(0);
    Node s = MatMul.of(t, Reshape.of(read(ctx, scale), Shape.of(d, 1)));
    return Reshape.of(s, Shape.of(Shape.UNKNOWN, query.shape().dim(1), key.shape().dim(1)));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("use_scale", useScale);
    return c;
  }
}
