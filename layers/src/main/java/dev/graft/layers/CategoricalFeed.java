package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Base of the preprocessing layers that map each value of a batch to an integer index and encode
 * the indices ({@link CategoryEncoding}, {@link Hashing}, {@link Discretization}): they run on the
 * data before the model's numeric graph (see {@link FeedEncoder}).
 */
public abstract class CategoricalFeed extends Layer implements FeedEncoder {
  private final String outputMode;

  /**
   * Checks and keeps Keras's {@code output_mode} ({@code binary} is Keras's old name).
   *
   * @param keras the Keras class name, for messages
   * @param outputMode the output mode asked for
   * @param modes the modes this layer supports
   */
  protected CategoricalFeed(String keras, String outputMode, List<String> modes) {
    String m = "binary".equals(outputMode) ? "multi_hot" : outputMode;
    checkArgument(modes.contains(m), keras, "output_mode", outputMode);
    this.outputMode = m;
  }

  /**
   * Keras's {@code output_mode}.
   *
   * @return the output mode, as Keras names it
   */
  public String outputMode() {
    return outputMode;
  }

  /**
   * The number of classes of the encoded output.
   *
   * @return the size of the one-hot, multi-hot or count axis
   */
  protected abstract int depth();

  /**
   * The index of every value of the batch, row-major; {@code shape[0]} receives the batch's shape.
   *
   * @param batch one batch of raw values
   * @param shape a one-element array that receives the batch's shape
   * @return the indices, one per value
   */
  protected abstract int[] indices(Object batch, Shape[] shape);

  /**
   * Keras's {@code layer(data)} outside a model: maps and encodes one batch.
   *
   * @param batch one batch of raw values
   * @return the encoded tensor
   */
  public Tensor apply(Object batch) {
    return encode(batch);
  }

  @Override
  public Tensor encode(Object batch) {
    Shape[] shape = new Shape[1];
    int[] ids = indices(batch, shape);
    return Categorical.encode(ids, shape[0], outputMode, depth(), null);
  }

  /**
   * The batch as a tensor, or a clear error naming the layer.
   *
   * @param batch a {@link dev.graft.tensor.Tensor}
   * @return the same tensor
   */
  protected final Tensor tensor(Object batch) {
    if (batch instanceof Tensor t) {
      return t;
    }
    throw new IllegalArgumentException(
        "Layer \""
            + name()
            + "\" takes a Tensor; received "
            + (batch == null ? "null" : batch.getClass().getSimpleName()));
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    if (in.size() != 1) {
      throw new IllegalArgumentException(
          "Layer \"" + name() + "\" takes one input; it was called on " + in.size());
    }
    return List.of(Categorical.shape(in.get(0), outputMode, depth()));
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    throw FeedEncoder.notInGraph(this);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("output_mode", outputMode);
    c.put("sparse", false);
    return c;
  }
}
