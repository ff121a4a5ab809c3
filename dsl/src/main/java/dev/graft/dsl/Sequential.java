package dev.graft.dsl;

import dev.graft.dsl.internal.Arguments;
import dev.graft.dsl.internal.LayerNames;
import dev.graft.layers.InputLayer;
import dev.graft.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain stack of layers, each feeding the next. The input shape comes from the first layer's
 * {@code inputShape(...)} or a leading {@code input(...)}; layers can be added with {@link #add}.
 */
public final class Sequential extends Model {
  private final List<Layer> stack = new ArrayList<>();
  private SymbolicTensor input;
  private SymbolicTensor output;

  /** An empty stack (add layers with {@link #add}). */
  public Sequential() {}

  /**
   * A stack of these layers.
   *
   * @param layers the layers, the first with a declared input shape (or none yet)
   */
  public Sequential(List<Layer> layers) {
    Arguments.elements("Sequential", "layers", layers).forEach(this::add);
  }

  /**
   * A stack starting at {@code input} (from {@code input(...)}).
   *
   * @param input the input tensor
   * @param layers the layers applied in order
   */
  public Sequential(SymbolicTensor input, List<Layer> layers) {
    Arguments.elements("Sequential", "layers", layers);
    start(Arguments.notNull("Sequential", "input", input));
    layers.forEach(this::add);
  }

  private void start(SymbolicTensor in) {
    if (!(in.producer().layer() instanceof InputLayer)) {
      throw new IllegalArgumentException("A Sequential model starts from input(...); got " + in);
    }
    this.input = in;
    this.output = in;
  }

  @Override
  public String className() {
    return "Sequential";
  }

  /** Reached only while the stack is empty: a Sequential model is defined by its layers. */
  @Override
  public SymbolicTensor call(List<SymbolicTensor> inputs) {
    throw new IllegalStateException(
        "Sequential model \"" + name() + "\" has no layers yet: add layers before using it");
  }

  /**
   * Adds a layer on top; returns this.
   *
   * @param layer the layer
   * @return this model, for chaining
   * @throws IllegalArgumentException if it is the first layer and has no input shape, its input
   *     does not fit, or another layer of the stack has its name
   */
  public Sequential add(Layer layer) {
    Arguments.notNull("add", "layer", layer);
    if (input == null) {
      Shape s = layer.declaredInputShape();
      if (s == null) {
        throw new IllegalArgumentException(
            "The first layer of a Sequential model needs an input shape: call"
                + " .inputShape(...) on layer \""
                + layer.name()
                + "\" or start with input(...)");
      }
      start(new InputLayer(s, null).output());
    }
    List<Layer> named = new ArrayList<>(stack);
    named.add(0, input.producer().layer());
    if (!named.contains(layer)) {
      named.add(layer);
    }
    LayerNames.checkUnique(named);
    output = layer.on(output);
    stack.add(layer);
    define(List.of(input), List.of(output));
    if (!built()) {
      ensureBuilt(List.of(input.shape()));
    }
    return this;
  }

  /**
   * The layers in order (the input layer not included).
   *
   * @return the layers, unmodifiable
   */
  public List<Layer> stack() {
    return List.copyOf(stack);
  }
}
