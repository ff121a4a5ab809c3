package dev.graft.dsl;

import dev.graft.autograd.TrainingMode;
import java.util.List;

/**
 * One call of a layer on symbolic tensors (Keras's "node"): which layer, on which inputs, giving
 * which outputs. Models are graphs of layer calls.
 */
public final class LayerCall {
  private final Layer layer;
  private final List<SymbolicTensor> inputs;
  private final List<SymbolicTensor> outputs;
  private final int index;
  private final TrainingMode mode;

  LayerCall(
      Layer layer,
      List<SymbolicTensor> inputs,
      List<dev.graft.tensor.Shape> outputShapes,
      int index,
      TrainingMode mode) {
    this.layer = layer;
    this.mode = mode;
    this.inputs = List.copyOf(inputs);
    SymbolicTensor[] outs = new SymbolicTensor[outputShapes.size()];
    for (int i = 0; i < outs.length; i++) {
      outs[i] = new SymbolicTensor(outputShapes.get(i), this, i);
    }
    this.outputs = List.of(outs);
    this.index = index;
  }

  /**
   * The layer called.
   *
   * @return the layer that made this call
   */
  public Layer layer() {
    return layer;
  }

  /**
   * The inputs of the call.
   *
   * @return the input tensors, unmodifiable, in the call's order
   */
  public List<SymbolicTensor> inputs() {
    return inputs;
  }

  /**
   * The outputs of the call.
   *
   * @return the output tensors, unmodifiable, in the layer's order
   */
  public List<SymbolicTensor> outputs() {
    return outputs;
  }

  /**
   * The position of this call among the layer's calls (Keras's node index).
   *
   * @return 0 for the layer's first call, then 1, 2, ...
   */
  public int index() {
    return index;
  }

  /**
   * Keras's {@code training=} argument of the call: {@link TrainingMode#FOLLOW_PLAN} when none was
   * given (training in {@code fit}, inference in {@code predict}), otherwise the fixed mode that
   * the whole call (a nested model's every layer included) runs in.
   *
   * @return the call's training mode
   */
  public TrainingMode mode() {
    return mode;
  }

  @Override
  public String toString() {
    return layer.name() + "[" + index + "]";
  }
}
