package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.BatchMatMul;
import dev.graft.autograd.ops.Dropout;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Softmax;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Keras's {@code Attention} and {@code AdditiveAttention} share: inputs {@code [query (batch,
 * Tq, dim), value (batch, Tv, dim), key (batch, Tv, dim)]} (key defaults to value), scores {@code
 * (batch, Tq, Tv)} from a subclass, {@code 1e9} subtracted from causally masked scores, a softmax
 * over {@code Tv}, dropout in training, and the probabilities times the value.
 */
public abstract class ScoreAttention extends Layer implements KerasCallArguments {
  private static final float MASKED = -1e9f;
  private float dropout;
  private boolean useCausalMask;
  private boolean returnAttentionScores;

  ScoreAttention() {}

  void setDropout(float rate) {
    requireUnbuilt("dropout");
    checkArgument(rate >= 0f && rate < 1f, className(), "dropout", rate);
    this.dropout = rate;
  }

  void setUseCausalMask(boolean value) {
    requireUnbuilt("use_causal_mask");
    this.useCausalMask = value;
  }

  void setReturnAttentionScores(boolean value) {
    requireUnbuilt("return_attention_scores");
    this.returnAttentionScores = value;
  }

  /**
   * The dropout rate on the attention probabilities in training.
   *
   * @return the rate, in {@code [0, 1)}
   */
  public float dropoutRate() {
    return dropout;
  }

  /** The scores {@code (batch, Tq, Tv)} of {@code query} against {@code key}. */
  abstract Node scores(CallContext ctx, Node query, Node key);

  @Override
  protected void checkInputs(List<Shape> in) {
    if (in.size() < 2 || in.size() > 3) {
      throw new IllegalArgumentException(
          "Layer \""
              + name()
              + "\" ("
              + className()
              + ") accepts inputs [query, value] or [query, value, key]; got "
              + in.size()
              + " inputs: "
              + in);
    }
    for (int i = 0; i < in.size(); i++) {
      Shape s = in.get(i);
      if (s.rank() != 3 || s.dim(-1) == Shape.UNKNOWN) {
        throw incompatible(i, "rank 3 (batch, sequence, features) with a known last axis", s);
      }
    }
    Shape q = in.get(0);
    Shape v = in.get(1);
    Shape k = in.size() > 2 ? in.get(2) : v;
    if (k.dim(1) != v.dim(1)) {
      throw incompatible(2, "the value's sequence length " + v.dim(1) + " for the key", k);
    }
    if (k.dim(2) != q.dim(2)) {
      throw incompatible(in.size() > 2 ? 2 : 1, "the query's last axis " + q.dim(2), k);
    }
    if (q.dim(1) == Shape.UNKNOWN || v.dim(1) == Shape.UNKNOWN) {
      throw incompatible(0, "known sequence lengths for query and value", q);
    }
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    checkInputs(in);
    List<Shape> built = builtInputShapes();
    if (built != null && built.get(0).dim(2) != in.get(0).dim(2)) {
      throw incompatible(0, "last axis " + built.get(0).dim(2), in.get(0));
    }
    Shape q = in.get(0);
    Shape out = q.withDim(-1, in.get(1).dim(-1));
    if (!returnAttentionScores) {
      return List.of(out);
    }
    return List.of(out, Shape.of(q.dim(0), q.dim(1), in.get(1).dim(1)));
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    Node query = inputs.get(0);
    Node value = inputs.get(1);
    Node key = inputs.size() > 2 ? inputs.get(2) : value;
    Node scores = scores(ctx, query, key);
    if (useCausalMask) {
      int tq = query.shape().dim(1);
      int tv = value.shape().dim(1);
      // Keras subtracts 1e9 from the masked scores.
      Node minus =
          ctx.graph().constant(AttentionMasks.causal(tq, tv, 0f, MASKED).reshape(1, tq, tv));
      scores = Add.of(scores, minus);
    }
    Node probs = Softmax.of(scores, -1);
    Node dropped = dropout > 0f ? Dropout.of(probs, dropout) : probs;
    Node out = BatchMatMul.of(dropped, false, value, false);
    return returnAttentionScores ? List.of(out, probs) : List.of(out);
  }

  /**
   * {@code x (batch, T, d)} as {@code (batch, T, 1, d)} or, with {@code keyAxis}, {@code (batch, 1,
   * T, d)}.
   */
  static Node expand(Node x, boolean keyAxis) {
    int t = x.shape().dim(1);
    int d = x.shape().dim(2);
    return Reshape.of(
        x, keyAxis ? Shape.of(Shape.UNKNOWN, 1, t, d) : Shape.of(Shape.UNKNOWN, t, 1, d));
  }

  @Override
  public List<String> tensorArguments() {
    return null;
  }

  @Override
  public Map<String, Object> callOptions() {
    Map<String, Object> o = new LinkedHashMap<>();
    if (useCausalMask) {
      o.put("use_causal_mask", true);
    }
    if (returnAttentionScores) {
      o.put("return_attention_scores", true);
    }
    return o;
  }

  @Override
  public void applyCallOptions(Map<String, Object> options) {
    AttentionMasks.applyOptions(
        this,
        options,
        useCausalMask,
        returnAttentionScores,
        this::setUseCausalMask,
        this::setReturnAttentionScores);
  }

  /**
   * Whether queries attend only to positions at or before their own.
   *
   * @return true if causal masking is on
   */
  public boolean useCausalMask() {
    return useCausalMask;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("dropout", dropout);
    c.put("seed", null);
    return c;
  }
}
