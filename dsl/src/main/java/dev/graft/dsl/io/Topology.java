package dev.graft.dsl.io;

import dev.graft.dsl.Layer;
import dev.graft.dsl.LayerCall;
import dev.graft.dsl.Model;
import dev.graft.dsl.Sequential;
import dev.graft.dsl.SymbolicTensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's layers in Keras's order (what its config lists and its weights file walks) and the node
 * indices Keras gives their calls. Keras sorts a functional model's layers by decreasing depth from
 * the outputs, ties by the order a depth-first walk from the outputs first meets them; node indices
 * count only the calls inside the model, and a nested functional model's first call is node 1 (node
 * 0 is its own construction).
 */
final class Topology {
  final Model model;
  final List<Layer> layers;
  final List<LayerCall> calls;
  private final Map<LayerCall, Integer> nodeIndex = new IdentityHashMap<>();

  private Topology(Model model, List<Layer> layers, List<LayerCall> calls) {
    this.model = model;
    this.layers = layers;
    this.calls = calls;
    Map<Layer, Integer> kept = new IdentityHashMap<>();
    for (Layer l : layers) {
      kept.put(l, firstNode(l));
    }
    Set<LayerCall> inModel = Collections.newSetFromMap(new IdentityHashMap<>());
    inModel.addAll(calls);
    for (Layer l : layers) {
      for (LayerCall c : l.calls()) {
        if (inModel.contains(c)) {
          nodeIndex.put(c, kept.merge(l, 1, Integer::sum) - 1);
        }
      }
    }
  }

  /** 1 for a nested functional model (its construction is node 0), else 0. */
  static int firstNode(Layer l) {
    return l instanceof Model && !(l instanceof Sequential) ? 1 : 0;
  }

  /** Keras's node index of a call within this model. */
  int nodeIndex(LayerCall c) {
    Integer i = nodeIndex.get(c);
    if (i == null) {
      throw new IllegalStateException("call " + c + " is not part of model " + model.name());
    }
    return i;
  }

  /** The topology of a functional model (or a Sequential seen as one). */
  static Topology of(Model m) {
    List<LayerCall> post = new ArrayList<>();
    Set<LayerCall> done = Collections.newSetFromMap(new IdentityHashMap<>());
    Map<Layer, Integer> layerIndex = new IdentityHashMap<>();
    for (SymbolicTensor out : m.outputs()) {
      visit(out.producer(), done, post, layerIndex);
    }
    // An input the outputs ignore is still a layer of the model (Keras keeps it at depth 0,
    // ordered before the other layers of that depth).
    List<SymbolicTensor> ins = m.inputs();
    for (int i = 0; i < ins.size(); i++) {
      LayerCall c = ins.get(i).producer();
      if (done.add(c)) {
        post.add(c);
        layerIndex.put(c.layer(), i - ins.size());
      }
    }
    // Depths: walking calls from the outputs back, each call is one deeper than its consumer.
    Map<LayerCall, Integer> callDepth = new IdentityHashMap<>();
    Map<Layer, Integer> layerDepth = new IdentityHashMap<>();
    for (int i = post.size() - 1; i >= 0; i--) {
      LayerCall c = post.get(i);
      int d = Math.max(callDepth.getOrDefault(c, 0), layerDepth.getOrDefault(c.layer(), 0));
      layerDepth.put(c.layer(), d);
      callDepth.put(c, d);
      for (SymbolicTensor t : c.inputs()) {
        callDepth.merge(t.producer(), d + 1, Math::max);
      }
    }
    for (SymbolicTensor in : m.inputs()) {
      layerIndex.putIfAbsent(in.producer().layer(), layerIndex.size());
      layerDepth.putIfAbsent(in.producer().layer(), 0);
    }
    List<Layer> layers = new ArrayList<>(layerIndex.keySet());
    layers.sort(
        Comparator.comparing((Layer l) -> -(long) layerDepth.get(l))
            .thenComparing(layerIndex::get));
    return new Topology(m, layers, post);
  }

  private static void visit(
      LayerCall c, Set<LayerCall> done, List<LayerCall> post, Map<Layer, Integer> layerIndex) {
    if (done.contains(c)) {
      return;
    }
    layerIndex.putIfAbsent(c.layer(), layerIndex.size());
    done.add(c);
    for (SymbolicTensor t : c.inputs()) {
      visit(t.producer(), done, post, layerIndex);
    }
    post.add(c);
  }
}
