package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.dsl.Layer;
import dev.graft.dsl.SymbolicTensor;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * A model input (Keras's {@code InputLayer}): it produces the symbolic tensor that {@code
 * input(...)} returns. Models turn it into a graph placeholder; it computes nothing itself.
 */
public final class InputLayer extends Layer {
  private final Shape shape;
  private final String dtype;
  private final SymbolicTensor output;

  /**
   * An input of {@code shape} (with {@code None} for the batch, and {@link Shape#UNKNOWN} for any
   * other dimension fixed only by the data), optionally named.
   *
   * @param shape the input's shape, batch axis first
   * @param name the input's name, or {@code null} for an automatic one
   */
  public InputLayer(Shape shape, String name) {
    this(shape, name, "float32");
  }

  /**
   * An input of {@code shape} holding {@code dtype}: Keras's {@code float32} (default), {@code
   * int32}/{@code int64} (fed as float tensors holding whole numbers) or {@code string} (fed as
   * Java strings to the preprocessing layers that read this input, see {@link FeedEncoder}).
   *
   * @param shape the input's shape, batch axis first
   * @param name the input's name, or {@code null} for an automatic one
   * @param dtype the Keras dtype name
   * @throws IllegalArgumentException for another dtype or a bad shape
   */
  public InputLayer(Shape shape, String name, String dtype) {
    checkArgument(
        List.of("float32", "string", "int32", "int64").contains(dtype), "Input", "dtype", dtype);
    this.dtype = dtype;
    if (shape.rank() < 1) {
      throw new IllegalArgumentException("An input needs at least a batch axis; got " + shape);
    }
    for (int i = 1; i < shape.rank(); i++) {
      checkArgument(shape.dim(i) > 0 || shape.dim(i) == Shape.UNKNOWN, "Input", "shape", shape);
    }
    this.shape = shape;
    if (name != null) {
      name(name);
    }
    this.output = sourceOutput();
  }

  /**
   * The input's shape, batch included.
   *
   * @return the shape, batch axis first
   */
  public Shape shape() {
    return shape;
  }

  /**
   * Keras's {@code dtype}: {@code float32}, {@code int32}, {@code int64} or {@code string}.
   *
   * @return the dtype's Keras name
   */
  public String dtype() {
    return dtype;
  }

  /**
   * The symbolic tensor this input produces.
   *
   * @return the tensor models take as an input
   */
  public SymbolicTensor output() {
    return output;
  }

  @Override
  public List<Shape> outputShapes(List<Shape> inputShapes) {
    return List.of(shape);
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    throw new IllegalStateException("An InputLayer is bound to a placeholder, never called");
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.remove("trainable");
    c.put("dtype", dtype);
    c.put("batch_shape", dims(shape));
    c.put("sparse", false);
    return c;
  }

  static Integer[] dims(Shape s) {
    Integer[] d = new Integer[s.rank()];
    for (int i = 0; i < d.length; i++) {
      d[i] = s.dim(i) == Shape.UNKNOWN ? null : s.dim(i);
    }
    return d;
  }
}
