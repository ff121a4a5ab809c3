package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import java.util.List;

/** Base of layers with one input and one output: implement the one-tensor forms. */
public abstract class SingleInput extends Layer {
  /**
   * The output shape for input shape {@code in}.
   *
   * @param in the input's shape, batch axis first
   * @return the output's shape
   */
  protected abstract Shape outputShape(Shape in);

  /**
   * Emits the layer on {@code x}.
   *
   * @param ctx where the nodes go
   * @param x the input node
   * @return the output node
   */
  protected abstract Node call(CallContext ctx, Node x);

  @Override
  protected void checkInputs(List<Shape> in) {
    if (in.size() != 1) {
      throw new IllegalArgumentException(
          "Layer \"" + name() + "\" takes one input; it was called on " + in.size() + ": " + in);
    }
  }

  @Override
  public final List<Shape> outputShapes(List<Shape> in) {
    checkInputs(in);
    return List.of(outputShape(in.get(0)));
  }

  @Override
  public final List<Node> call(CallContext ctx, List<Node> inputs) {
    return List.of(call(ctx, inputs.get(0)));
  }
}
