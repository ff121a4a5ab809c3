package dev.graft.dsl.internal;

import dev.graft.dsl.Layer;
import dev.graft.dsl.LayerCall;
import dev.graft.dsl.SymbolicTensor;
import dev.graft.layers.InputLayer;
import dev.graft.tensor.blas.BlasRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layer-call graph between a model's inputs and outputs: checked for connectivity (a missing
 * input is named with its path to the output) and ordered so each call comes after its inputs.
 */
public final class FunctionalGraph {
  private final List<SymbolicTensor> inputs;
  private final List<SymbolicTensor> outputs;
  private final List<LayerCall> order;
  private final List<Layer> layers;

  /**
   * Traces the calls from {@code outputs} back to {@code inputs}.
   *
   * @param inputs the model's inputs, each from {@code input(...)}
   * @param outputs the model's outputs
   * @throws IllegalArgumentException if an input is not an {@code input(...)} tensor, the outputs
   *     need a tensor the inputs do not provide ("graph disconnected"), or two layers share a name
   */
  public FunctionalGraph(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
    if (inputs.isEmpty() || outputs.isEmpty()) {
      throw new IllegalArgumentException("A model needs at least one input and one output");
    }
    // A model's first step or prediction needs the BLAS back-end: load it while the application
    // still builds and reads its data.
    BlasRegistry.loadInBackground();
    Set<SymbolicTensor> inputSet = Collections.newSetFromMap(new IdentityHashMap<>());
    for (SymbolicTensor t : inputs) {
      if (!(t.producer().layer() instanceof InputLayer)) {
        throw new IllegalArgumentException(
            "Model inputs must come from input(...); "
                + t
                + " is the output of layer \""
                + t.producer().layer().name()
                + "\"");
      }
      if (!inputSet.add(t)) {
        throw new IllegalArgumentException("Input " + t.name() + " is given twice");
      }
    }
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    List<LayerCall> ordered = new ArrayList<>();
    Set<LayerCall> done = Collections.newSetFromMap(new IdentityHashMap<>());
    Map<LayerCall, LayerCall> child = new IdentityHashMap<>();
    for (SymbolicTensor o : outputs) {
      visit(o, null, inputSet, done, ordered, child);
    }
    this.order = List.copyOf(ordered);
    Set<Layer> ls = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Layer> list = new ArrayList<>();
    for (SymbolicTensor t : inputs) {
      if (ls.add(t.producer().layer())) {
        list.add(t.producer().layer());
      }
    }
    for (LayerCall c : ordered) {
      if (ls.add(c.layer())) {
        list.add(c.layer());
      }
    }
    LayerNames.checkUnique(list);
    this.layers = List.copyOf(list);
  }

  private void visit(
      SymbolicTensor t,
      LayerCall consumer,
      Set<SymbolicTensor> inputSet,
      Set<LayerCall> done,
      List<LayerCall> ordered,
      Map<LayerCall, LayerCall> child) {
    if (inputSet.contains(t)) {
      return;
    }
    LayerCall c = t.producer();
    if (consumer != null) {
      child.putIfAbsent(c, consumer);
    }
    if (c.layer() instanceof InputLayer in) {
      throw disconnected(in, consumer, child);
    }
    if (done.contains(c)) {
      return;
    }
    done.add(c);
    // Iterative depth would be nicer for very deep models; recursion depth = model depth here.
    for (SymbolicTensor x : c.inputs()) {
      visit(x, c, inputSet, done, ordered, child);
    }
    ordered.add(c);
  }

  private IllegalArgumentException disconnected(
      InputLayer missing, LayerCall consumer, Map<LayerCall, LayerCall> child) {
    List<String> path = new ArrayList<>();
    path.add(missing.name());
    Set<LayerCall> seen = new LinkedHashSet<>();
    for (LayerCall c = consumer; c != null && seen.add(c); c = child.get(c)) {
      path.add(c.layer().name());
    }
    List<String> given = new ArrayList<>();
    for (SymbolicTensor t : inputs()) {
      given.add(t.name());
    }
    return new IllegalArgumentException(
        "Graph disconnected: cannot obtain the value of input \""
            + missing.name()
            + "\" "
            + missing.shape()
            + " needed by layer \""
            + (consumer == null ? "?" : consumer.layer().name())
            + "\". Path to the output: "
            + String.join(" -> ", path)
            + ". The model's inputs are "
            + given);
  }

  /**
   * The model inputs.
   *
   * @return the inputs, unmodifiable
   */
  public List<SymbolicTensor> inputs() {
    return inputs == null ? List.of() : inputs;
  }

  /**
   * The model outputs.
   *
   * @return the outputs, unmodifiable
   */
  public List<SymbolicTensor> outputs() {
    return outputs;
  }

  /**
   * The calls to run, each after the calls producing its inputs.
   *
   * @return the calls between inputs and outputs, input layers excluded, unmodifiable
   */
  public List<LayerCall> order() {
    return order;
  }

  /**
   * The distinct layers: input layers first, then in call order.
   *
   * @return the layers, unmodifiable
   */
  public List<Layer> layers() {
    return layers;
  }
}
