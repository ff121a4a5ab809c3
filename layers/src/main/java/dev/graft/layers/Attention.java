package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.BatchMatMul;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Tanh;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Attention} (Luong-style dot-product attention) on {@code [query, value]} or {@code
 * [query, value, key]}: scores {@code query · keyᵀ} ({@code score_mode="dot"}, times the scalar
 * weight {@code scale} with {@code use_scale}) or {@code concat_score_weight · sum(tanh(scale ·
 * (query_i + key_j)))} ({@code "concat"}); then softmax over the value positions and the weighted
 * sum of the values. Both scalar weights start at 1.
 */
public final class Attention extends ScoreAttention {
  private boolean useScale;
  private String scoreMode = "dot";
  private Variable scale;
  private Variable concatScoreWeight;

  /** Dot-product attention without a scale. */
  public Attention() {}

  /**
   * Whether to learn a scalar {@code scale} of the scores (default false); returns this.
   *
   * @param value true to learn the scale
   * @return this layer, for chaining
   */
  public Attention useScale(boolean value) {
    requireUnbuilt("use_scale");
    this.useScale = value;
    return this;
  }

  /**
   * How scores are computed: {@code "dot"} (default) or {@code "concat"}; returns this.
   *
   * @param mode {@code "dot"} or {@code "concat"}
   * @return this layer, for chaining
   * @throws IllegalArgumentException for any other mode
   */
  public Attention scoreMode(String mode) {
    requireUnbuilt("score_mode");
    checkArgument("dot".equals(mode) || "concat".equals(mode), "Attention", "score_mode", mode);
    this.scoreMode = mode;
    return this;
  }

  /**
   * The dropout rate on the attention probabilities in training (default 0); returns this.
   *
   * @param rate the fraction of values dropped in training, in {@code [0, 1)}
   * @return this layer, for chaining
   */
  public Attention dropout(float rate) {
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
  public Attention useCausalMask(boolean value) {
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
  public Attention returnAttentionScores(boolean value) {
    setReturnAttentionScores(value);
    return this;
  }

  @Override
  protected void build(List<Shape> in) {
    if (useScale) {
      scale = addWeight("scale", Shape.scalar(), Initializers.ones(), true, null);
    }
    if (scoreMode.equals("concat")) {
      concatScoreWeight =
          addWeight("concat_score_weight", Shape.scalar(), Initializers.ones(), true, null);
    }
  }

  @Override
  Node scores(CallContext ctx, Node query, Node key) {
    if (scoreMode.equals("dot")) {
      Node s = BatchMatMul.of(query, false, key, true);
      return scale == null ? s : Mul.of(s, read(ctx, scale));
    }
    Node sum = Add.of(expand(query, false), expand(key, true));
    if (scale != null) {
      sum = Mul.of(sum, read(ctx, scale));
    }
    return Mul.of(Reduction.sum(Tanh.of(sum), false, -1), read(ctx, concatScoreWeight));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("use_scale", useScale);
    c.put("score_mode", scoreMode);
    return c;
  }
}
