package dev.graft.layers;

import dev.graft.autograd.Graph;
import dev.graft.autograd.Node;
import dev.graft.tensor.Shape;
import java.util.function.UnaryOperator;

/**
 * A layer from a Java function over graph nodes (Keras's {@code Lambda}), e.g. {@code new Lambda(x
 * -> Scale.of(x, 2f))}. Its output shape is found by tracing the function once on a scratch graph.
 * It has no weights and cannot be saved as a config.
 */
public final class Lambda extends SingleInput {
  private final UnaryOperator<Node> fn;

  /**
   * A layer computing {@code fn}.
   *
   * @param fn builds the output node from the input node; it must use differentiable ops to train
   */
  public Lambda(UnaryOperator<Node> fn) {
    if (fn == null) {
      throw new IllegalArgumentException("Lambda: Received: function=null");
    }
    this.fn = fn;
  }

  @Override
  protected Shape outputShape(Shape in) {
    Graph scratch = new Graph();
    Node out = fn.apply(scratch.placeholder("x", in));
    if (out == null || out.graph() != scratch) {
      throw new IllegalArgumentException(
          "Lambda \"" + name() + "\": the function must return a node built from its argument");
    }
    return out.shape();
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return fn.apply(x);
  }
}
