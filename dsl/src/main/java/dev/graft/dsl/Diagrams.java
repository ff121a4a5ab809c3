package dev.graft.dsl;

import dev.graft.dsl.internal.FunctionalGraph;
import dev.graft.dsl.plot.Diagram;
import dev.graft.dsl.plot.Diagram.Node;
import dev.graft.dsl.plot.Diagram.Port;
import dev.graft.layers.InputLayer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Describes a model's layer-call graph for the {@code plot} package, which draws {@link Diagram}s
 * and so needs nothing from this package.
 */
final class Diagrams {
  private Diagrams() {}

  /** The model's calls, inputs first, then each call after the calls feeding it. */
  static Diagram of(Model model) {
    List<LayerCall> calls = new ArrayList<>();
    for (SymbolicTensor t : model.inputs()) {
      calls.add(t.producer());
    }
    calls.addAll(new FunctionalGraph(model.inputs(), model.outputs()).order());
    Map<LayerCall, Integer> index = new IdentityHashMap<>();
    for (LayerCall c : calls) {
      index.put(c, index.size());
    }
    List<Node> nodes = new ArrayList<>();
    for (LayerCall c : calls) {
      Layer l = c.layer();
      List<String> shapes = new ArrayList<>();
      for (SymbolicTensor t : c.outputs()) {
        shapes.add(t.shape().toString());
      }
      nodes.add(
          new Node(
              l.name(),
              l.className(),
              shapes,
              l instanceof InputLayer,
              !l.weights().isEmpty() && l.trainableWeights().isEmpty(),
              ports(c.inputs(), index),
              l instanceof Model m && m.hasGraph() ? of(m) : null));
    }
    List<Integer> inputs = new ArrayList<>();
    for (int i = 0; i < model.inputs().size(); i++) {
      inputs.add(i);
    }
    long trainable = model.trainableWeights().stream().mapToLong(v -> v.shape().size()).sum();
    return new Diagram(
        model.name(),
        model.className(),
        model.countParams(),
        trainable,
        nodes,
        inputs,
        ports(model.outputs(), index));
  }

  private static List<Port> ports(List<SymbolicTensor> ts, Map<LayerCall, Integer> index) {
    List<Port> ports = new ArrayList<>();
    for (SymbolicTensor t : ts) {
      ports.add(new Port(index.get(t.producer()), t.index()));
    }
    return ports;
  }
}
