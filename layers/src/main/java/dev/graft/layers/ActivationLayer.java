package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.dsl.Activation;
import dev.graft.tensor.Shape;
import java.util.Map;

/** Keras's {@code Activation} layer: applies an activation function. */
public final class ActivationLayer extends SingleInput {
  private final Activation activation;

  /**
   * A layer applying {@code activation}.
   *
   * @param activation the element-wise function applied
   */
  public ActivationLayer(Activation activation) {
    if (activation == null) {
      throw new IllegalArgumentException("Activation: Received: activation=null");
    }
    this.activation = activation;
  }

  @Override
  public String className() {
    return "Activation";
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return activation.apply(x);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("activation", activation.kerasName());
    return c;
  }

  /** Keras's {@code supports_masking}: an input's mask passes through to the output. */
  @Override
  protected boolean supportsMasking() {
    return true;
  }
}
