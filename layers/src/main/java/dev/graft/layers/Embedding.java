package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Gather;
import dev.graft.autograd.ops.Mask;
import dev.graft.tensor.Shape;
import java.util.Map;

/**
 * Keras's {@code Embedding}: integer indices in {@code [0, inputDim)} to rows of a trainable {@code
 * (inputDim, outputDim)} table initialised uniform in ±0.05. Indices are floats holding integers
 * (as Keras casts them); a non-integer or out-of-range index is an error naming this layer, the
 * index and the range.
 */
public final class Embedding extends SingleInput {
  private final int inputDim;
  private final int outputDim;
  private Initializer embeddingsInitializer = Initializers.randomUniform(-0.05f, 0.05f);
  private Regularizer embeddingsRegularizer;
  private boolean maskZero;
  private Variable embeddings;

  /**
   * A table of {@code inputDim} rows of {@code outputDim} values.
   *
   * @param inputDim the vocabulary size; indices must be in {@code [0, inputDim)}
   * @param outputDim the size of each vector
   * @throws IllegalArgumentException if a dimension is not positive
   */
  public Embedding(int inputDim, int outputDim) {
    checkArgument(inputDim > 0, "Embedding", "input_dim", inputDim);
    checkArgument(outputDim > 0, "Embedding", "output_dim", outputDim);
    this.inputDim = inputDim;
    this.outputDim = outputDim;
  }

  /**
   * Sets the table's initializer; returns this.
   *
   * @param init draws the table's starting values when the layer is built
   * @return this layer, for chaining
   */
  public Embedding embeddingsInitializer(Initializer init) {
    requireUnbuilt("embeddings_initializer");
    this.embeddingsInitializer = init;
    return this;
  }

  /**
   * Adds a penalty on the table to the loss; returns this.
   *
   * @param reg the table's penalty, added to the training loss at each step
   * @return this layer, for chaining
   */
  public Embedding embeddingsRegularizer(Regularizer reg) {
    requireUnbuilt("embeddings_regularizer");
    this.embeddingsRegularizer = reg;
    return this;
  }

  /**
   * Whether index 0 is padding (Keras {@code mask_zero}): the output then carries a mask, 0 where
   * the index is 0, that recurrent layers and pooling downstream skip; returns this.
   *
   * @param value true to treat index 0 as padding
   * @return this layer, for chaining
   */
  public Embedding maskZero(boolean value) {
    this.maskZero = value;
    return this;
  }

  /**
   * Whether index 0 is padding.
   *
   * @return true if index 0 is masked
   */
  public boolean maskZero() {
    return maskZero;
  }

  /** Keras's {@code compute_mask}: {@code indices != 0} with {@code mask_zero}, else none. */
  @Override
  protected java.util.List<Node> computeMask(
      CallContext ctx, java.util.List<Node> inputs, java.util.List<Node> masks, int outs) {
    return java.util.Collections.singletonList(maskZero ? Mask.notEqual(inputs.get(0), 0f) : null);
  }

  @Override
  protected void build(java.util.List<Shape> in) {
    embeddings =
        addWeight(
            "embeddings",
            Shape.of(inputDim, outputDim),
            embeddingsInitializer,
            true,
            embeddingsRegularizer);
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in.append(outputDim);
  }

  @Override
  protected Node call(CallContext ctx, Node indices) {
    return Gather.of(read(ctx, embeddings), indices, name());
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("input_dim", inputDim);
    c.put("output_dim", outputDim);
    c.put("embeddings_initializer", Configs.of(embeddingsInitializer));
    c.put("embeddings_regularizer", Configs.of(embeddingsRegularizer));
    c.put("embeddings_constraint", null);
    c.put("mask_zero", maskZero);
    return c;
  }
}
