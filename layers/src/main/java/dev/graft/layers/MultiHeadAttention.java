package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.BatchMatMul;
import dev.graft.autograd.ops.Dropout;
import dev.graft.autograd.ops.MaskFill;
import dev.graft.autograd.ops.MatMul;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Softmax;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code MultiHeadAttention} over sequences {@code (batch, T, dim)}: the query, key and
 * value are projected per head ({@code query/kernel} of shape {@code (dim, heads, key_dim)}, {@code
 * query/bias} {@code (heads, key_dim)}, likewise {@code key}, {@code value} with {@code
 * value_dim}), scores {@code softmax(q·kᵀ / sqrt(key_dim))} over the source positions, and the
 * heads' weighted values projected back by {@code attention_output/kernel} {@code (heads,
 * value_dim, out)}.
 *
 * <p>Called on {@code (query, value)}, {@code (query, value, key)} or {@code (query, value, key,
 * attention_mask)}; the mask {@code (batch, T, S)} is non-zero where a query position may attend
 * and 0 where not (pass the value again as key when there is no separate key). Masked scores become
 * {@code -1e9} before the softmax and their probabilities 0 after it, as Keras's masked softmax
 * does. Keras's per-call {@code use_causal_mask} and {@code return_attention_scores} are settings
 * of the layer here, holding for every call. Attention runs over the sequence axis only (Keras's
 * default {@code attention_axes} for rank-3 inputs).
 */
public final class MultiHeadAttention extends Layer implements KerasCallArguments {
  private static final float MASKED = -1e9f;
  private final int numHeads;
  private final int keyDim;
  private int valueDim;
  private float dropout;
  private boolean useBias = true;
  private int outputDim;
  private boolean useCausalMask;
  private boolean returnAttentionScores;
  private Initializer kernelInitializer = Initializers.glorotUniform();
  private Initializer biasInitializer = Initializers.zeros();
  private Regularizer kernelRegularizer;
  private Regularizer biasRegularizer;
  private final List<Variable> kernels = new ArrayList<>();
  private final List<Variable> biases = new ArrayList<>();

  /**
   * Attention with {@code numHeads} heads of size {@code keyDim} for query and key (and value,
   * unless {@link #valueDim} says otherwise).
   *
   * @param numHeads the number of heads
   * @param keyDim the size of each query and key head
   * @throws IllegalArgumentException if either is not positive
   */
  public MultiHeadAttention(int numHeads, int keyDim) {
    checkArgument(numHeads > 0, "MultiHeadAttention", "num_heads", numHeads);
    checkArgument(keyDim > 0, "MultiHeadAttention", "key_dim", keyDim);
    this.numHeads = numHeads;
    this.keyDim = keyDim;
    this.valueDim = keyDim;
  }

  /**
   * The size of each value head (default: key_dim); returns this.
   *
   * @param value the size of each value head, above 0
   * @return this layer, for chaining
   */
  public MultiHeadAttention valueDim(int value) {
    requireUnbuilt("value_dim");
    checkArgument(value > 0, "MultiHeadAttention", "value_dim", value);
    this.valueDim = value;
    return this;
  }

  /**
   * The dropout rate on the attention probabilities in training (default 0); returns this.
   *
   * @param rate the fraction of values dropped in training, in {@code [0, 1)}
   * @return this layer, for chaining
   */
  public MultiHeadAttention dropout(float rate) {
    requireUnbuilt("dropout");
    checkArgument(rate >= 0f && rate < 1f, "MultiHeadAttention", "dropout", rate);
    this.dropout = rate;
    return this;
  }

  /**
   * Whether the projections add biases (default true); returns this.
   *
   * @param value false for no biases
   * @return this layer, for chaining
   */
  public MultiHeadAttention useBias(boolean value) {
    requireUnbuilt("use_bias");
    this.useBias = value;
    return this;
  }

  /**
   * The size of the output's last axis (Keras's {@code output_shape} of one dimension; default: the
   * query's last axis); returns this.
   *
   * @param dim the output's last-axis size, above 0
   * @return this layer, for chaining
   */
  public MultiHeadAttention outputShape(int dim) {
    requireUnbuilt("output_shape");
    checkArgument(dim > 0, "MultiHeadAttention", "output_shape", dim);
    this.outputDim = dim;
    return this;
  }

  /**
   * Whether each query position attends only to source positions at or before it (Keras's call
   * argument {@code use_causal_mask}, here for every call); returns this.
   *
   * @param value true to mask out later positions
   * @return this layer, for chaining
   */
  public MultiHeadAttention useCausalMask(boolean value) {
    requireUnbuilt("use_causal_mask");
    this.useCausalMask = value;
    return this;
  }

  /**
   * Whether each call also outputs the attention probabilities {@code (batch, heads, T, S)}
   * (Keras's call argument {@code return_attention_scores}; get both with {@code onAll}); returns
   * this.
   *
   * @param value true to output the scores as a second tensor
   * @return this layer, for chaining
   */
  public MultiHeadAttention returnAttentionScores(boolean value) {
    requireUnbuilt("return_attention_scores");
    this.returnAttentionScores = value;
    return this;
  }

  /**
   * Sets the initializer of the four kernels; returns this.
   *
   * @param init draws the kernel's starting values when the layer is built (see {@link
   *     Initializers})
   * @return this layer, for chaining
   */
  public MultiHeadAttention kernelInitializer(Initializer init) {
    requireUnbuilt("kernel_initializer");
    this.kernelInitializer = init;
    return this;
  }

  /**
   * Sets the initializer of the four biases; returns this.
   *
   * @param init draws the bias's starting values when the layer is built (see {@link Initializers})
   * @return this layer, for chaining
   */
  public MultiHeadAttention biasInitializer(Initializer init) {
    requireUnbuilt("bias_initializer");
    this.biasInitializer = init;
    return this;
  }

  /**
   * Adds a penalty on each kernel to the loss; returns this.
   *
   * @param reg the kernel's penalty, added to the training loss at each step
   * @return this layer, for chaining
   */
  public MultiHeadAttention kernelRegularizer(Regularizer reg) {
    requireUnbuilt("kernel_regularizer");
    this.kernelRegularizer = reg;
    return this;
  }

  /**
   * Adds a penalty on each bias to the loss; returns this.
   *
   * @param reg the bias's penalty, added to the training loss at each step
   * @return this layer, for chaining
   */
  public MultiHeadAttention biasRegularizer(Regularizer reg) {
    requireUnbuilt("bias_regularizer");
    this.biasRegularizer = reg;
    return this;
  }

  /**
   * The number of heads.
   *
   * @return the number of heads
   */
  public int numHeads() {
    return numHeads;
  }

  /**
   * The size of each query/key head.
   *
   * @return the size of each query and key head
   */
  public int keyDim() {
    return keyDim;
  }

  /**
   * The size of each value head.
   *
   * @return the size of each value head
   */
  public int valueDim() {
    return valueDim;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    if (in.size() < 2 || in.size() > 4) {
      throw new IllegalArgumentException(
          "Layer \""
              + name()
              + "\" (MultiHeadAttention) is called on (query, value), (query, value, key) or"
              + " (query, value, key, attention_mask); got "
              + in.size()
              + " inputs: "
              + in);
    }
    for (int i = 0; i < Math.min(3, in.size()); i++) {
      Shape s = in.get(i);
      if (s.rank() != 3 || s.dim(-1) == Shape.UNKNOWN) {
        throw incompatible(
            i,
            "rank 3 (batch, sequence, features) with a known last axis (other ranks and"
                + " attention_axes are not supported)",
            s);
      }
    }
    Shape value = in.get(1);
    Shape key = in.size() > 2 ? in.get(2) : value;
    if (key.dim(1) != value.dim(1)) {
      throw incompatible(2, "the value's sequence length " + value.dim(1) + " for the key", key);
    }
    Shape q = in.get(0);
    boolean masked = useCausalMask || in.size() == 4;
    if (masked && (q.dim(1) == Shape.UNKNOWN || value.dim(1) == Shape.UNKNOWN)) {
      throw incompatible(0, "known sequence lengths for an attention mask", q);
    }
    if (in.size() == 4) {
      Shape m = in.get(3);
      if (m.rank() != 3 || m.dim(1) != q.dim(1) || m.dim(2) != value.dim(1)) {
        throw incompatible(
            3, "an attention mask (batch, " + q.dim(1) + ", " + value.dim(1) + ")", m);
      }
    }
  }

  @Override
  protected void build(List<Shape> in) {
    int out = outputDim > 0 ? outputDim : in.get(0).dim(-1);
    int keyIn = (in.size() > 2 ? in.get(2) : in.get(1)).dim(-1);
    projection("query", Shape.of(in.get(0).dim(-1), numHeads, keyDim), Shape.of(numHeads, keyDim));
    projection("key", Shape.of(keyIn, numHeads, keyDim), Shape.of(numHeads, keyDim));
    projection(
        "value", Shape.of(in.get(1).dim(-1), numHeads, valueDim), Shape.of(numHeads, valueDim));
    projection("attention_output", Shape.of(numHeads, valueDim, out), Shape.of(out));
  }

  private void projection(String name, Shape kernelShape, Shape biasShape) {
    kernels.add(
        addWeight(name + "/kernel", kernelShape, kernelInitializer, true, kernelRegularizer));
    if (useBias) {
      biases.add(addWeight(name + "/bias", biasShape, biasInitializer, true, biasRegularizer));
    }
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    checkInputs(in);
    for (int i = 0; i < Math.min(3, in.size()); i++) {
      int want = kernels.get(i == 0 ? 0 : i == 1 ? 2 : 1).shape().dim(0);
      if (in.get(i).dim(-1) != want) {
        throw incompatible(i, "last axis " + want, in.get(i));
      }
    }
    if (in.size() == 2 && kernels.get(1).shape().dim(0) != in.get(1).dim(-1)) {
      throw incompatible(1, "last axis " + kernels.get(1).shape().dim(0) + " (as key)", in.get(1));
    }
    Shape q = in.get(0);
    Shape out = q.withDim(-1, kernels.get(3).shape().dim(2));
    if (!returnAttentionScores) {
      return List.of(out);
    }
    return List.of(out, Shape.of(q.dim(0), numHeads, q.dim(1), in.get(1).dim(1)));
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    Node query = inputs.get(0);
    Node value = inputs.get(1);
    Node key = inputs.size() > 2 ? inputs.get(2) : value;
    // Projections (batch, T, heads, size), multiplied per head where they lie (the heads layout of
    // BatchMatMul); Keras's scaling of the query by 1/sqrt(key_dim) is the scores' alpha.
    Node q = heads(ctx, query, 0);
    Node k = heads(ctx, key, 1);
    Node v = heads(ctx, value, 2);
    Node scores =
        BatchMatMul.of(q, false, true, k, true, true, false, (float) (1.0 / Math.sqrt(keyDim)));
    Node mask = mask(ctx, inputs, query.shape().dim(1), value.shape().dim(1));
    Node probs = Softmax.of(mask == null ? scores : MaskFill.of(scores, mask, MASKED), -1);
    if (mask != null) {
      // Keras zeroes masked probabilities: a query position that may attend to nothing gets 0s.
      probs = MaskFill.of(probs, mask, 0f);
    }
    Node dropped = dropout > 0f ? Dropout.of(probs, dropout) : probs;
    Node o = BatchMatMul.of(dropped, false, false, v, false, true, true, 1f);
    o = Reshape.of(o, Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, numHeads * valueDim));
    Variable outKernel = kernels.get(3);
    int outDim = outKernel.shape().dim(2);
    Node y = MatMul.of(o, Reshape.of(read(ctx, outKernel), Shape.of(numHeads * valueDim, outDim)));
    if (useBias) {
      y = Add.of(y, read(ctx, biases.get(3)));
    }
    return returnAttentionScores ? List.of(y, probs) : List.of(y);
  }

  /** Projection {@code p} of {@code x}, split into heads: {@code (batch, T, heads, size)}. */
  private Node heads(CallContext ctx, Node x, int p) {
    Variable kernel = kernels.get(p);
    int size = kernel.shape().dim(2);
    Node y =
        MatMul.of(
            x, Reshape.of(read(ctx, kernel), Shape.of(kernel.shape().dim(0), numHeads * size)));
    if (useBias) {
      y = Add.of(y, Reshape.of(read(ctx, biases.get(p)), Shape.of(numHeads * size)));
    }
    return Reshape.of(y, Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, numHeads, size));
  }

  /** The 0/1 mask broadcast over heads {@code (batch or 1, 1, T, S)}, or {@code null}. */
  private Node mask(CallContext ctx, List<Node> inputs, int t, int s) {
    Node mask = null;
    if (inputs.size() == 4) {
      mask = Reshape.of(inputs.get(3), Shape.of(Shape.UNKNOWN, 1, t, s));
    }
    if (useCausalMask) {
      Node causal = ctx.graph().constant(AttentionMasks.causal(t, s, 1f, 0f).reshape(1, 1, t, s));
      mask = mask == null ? causal : Mul.of(mask, causal);
    }
    return mask;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("num_heads", numHeads);
    c.put("key_dim", keyDim);
    c.put("value_dim", valueDim);
    c.put("dropout", dropout);
    c.put("use_bias", useBias);
    c.put("output_shape", outputDim > 0 ? List.of(outputDim) : null);
    c.put("attention_axes", null);
    c.put("kernel_initializer", Configs.of(kernelInitializer));
    c.put("bias_initializer", Configs.of(biasInitializer));
    c.put("kernel_regularizer", Configs.of(kernelRegularizer));
    c.put("bias_regularizer", Configs.of(biasRegularizer));
    c.put("activity_regularizer", null);
    c.put("kernel_constraint", null);
    c.put("bias_constraint", null);
    c.put("seed", null);
    return c;
  }

  @Override
  public List<String> tensorArguments() {
    return List.of("query", "value", "key", "attention_mask");
  }

  @Override
  public String defaultFor(String argument) {
    return argument.equals("key") ? "value" : null;
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
        this::useCausalMask,
        this::returnAttentionScores);
  }
}
