package dev.graft.dsl.io;

import dev.graft.autograd.TrainingMode;
import dev.graft.dsl.Layer;
import dev.graft.dsl.LayerCall;
import dev.graft.dsl.Model;
import dev.graft.dsl.Sequential;
import dev.graft.dsl.SymbolicTensor;
import dev.graft.layers.InputLayer;
import dev.graft.layers.KerasCallArguments;
import dev.graft.layers.Lambda;
import dev.graft.layers.TimeDistributed;
import dev.graft.tensor.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a model as Keras 3's {@code config.json}: {@code Functional} (layers with {@code
 * inbound_nodes} as {@code args}/{@code kwargs} of {@code __keras_tensor__}s, {@code input_layers},
 * {@code output_layers}) or {@code Sequential}, nested models inline, each layer from its {@link
 * Layer#config()}.
 */
final class ConfigWriter {
  private ConfigWriter() {}

  /** The {@code {module, class_name, config, ...}} object of a model. */
  static Map<String, Object> model(Model m) {
    if (!m.className().equals("Functional") && !m.className().equals("Sequential")) {
      throw new IllegalArgumentException(
          "Model \""
              + m.name()
              + "\" is a subclassed model ("
              + m.className()
              + "): its architecture cannot be saved as a config; use saveWeights and loadWeights"
              + " with a new instance of the class");
    }
    // Keras 3 writes the module a class lives in; Functional is not exported at the top level.
    String module = m instanceof Sequential ? "keras" : "keras.src.models.functional";
    Map<String, Object> entry = wrapper(module, m.className());
    entry.put("config", m instanceof Sequential s ? sequential(s) : functional(m));
    entry.put("build_config", buildConfig(m.inputShapes().get(0)));
    return entry;
  }

  private static Map<String, Object> wrapper(String module, String className) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("module", module);
    e.put("class_name", className);
    e.put("config", null);
    e.put("registered_name", className.equals("Functional") ? "Functional" : null);
    return e;
  }

  private static Map<String, Object> buildConfig(Shape s) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("input_shape", dims(s));
    return b;
  }

  private static List<Integer> dims(Shape s) {
    List<Integer> d = new ArrayList<>();
    for (int i = 0; i < s.rank(); i++) {
      d.add(s.dim(i) == Shape.UNKNOWN ? null : s.dim(i));
    }
    return d;
  }

  private static Map<String, Object> base(Model m) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", m.name());
    c.put("trainable", m.trainable());
    return c;
  }

  private static Map<String, Object> sequential(Sequential s) {
    Map<String, Object> c = base(s);
    c.put("dtype", "float32");
    List<Object> layers = new ArrayList<>();
    Layer input = s.inputs().get(0).producer().layer();
    layers.add(layerEntry(input, null));
    for (Layer l : s.stack()) {
      layers.add(layerEntry(l, null));
    }
    c.put("layers", layers);
    c.put("build_input_shape", dims(s.inputShapes().get(0)));
    return c;
  }

  private static Map<String, Object> functional(Model m) {
    Topology top = Topology.of(m);
    Map<String, Object> c = base(m);
    List<Object> layers = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Layer l : top.layers) {
      if (!names.add(l.name())) {
        throw new IllegalArgumentException(
            "Model \"" + m.name() + "\" has two layers named \"" + l.name() + "\"");
      }
      layers.add(layerEntry(l, top));
    }
    c.put("layers", layers);
    c.put("input_layers", refs(m.inputs(), top));
    c.put("output_layers", refs(m.outputs(), top));
    return c;
  }

  private static List<Object> refs(List<SymbolicTensor> ts, Topology top) {
    List<Object> out = new ArrayList<>();
    for (SymbolicTensor t : ts) {
      out.add(history(t, top));
    }
    return out;
  }

  private static List<Object> history(SymbolicTensor t, Topology top) {
    return List.of(t.producer().layer().name(), top.nodeIndex(t.producer()), t.index());
  }

  private static Map<String, Object> layerEntry(Layer l, Topology top) {
    Map<String, Object> e;
    if (l instanceof Model nested) {
      e = model(nested);
    } else {
      if (l instanceof Lambda) {
        throw new IllegalArgumentException(
            "Layer \""
                + l.name()
                + "\" is a Lambda: Java code cannot be saved in a config;"
                + " use saveWeights and rebuild the model in code");
      }
      e = wrapper("keras.layers", l.className());
      e.put("config", withWrappedModel(l, l.config()));
      if (!(l instanceof InputLayer) && l.builtInputShapes() != null) {
        List<Shape> in = l.builtInputShapes();
        e.put("build_config", in.size() == 1 ? buildConfig(in.get(0)) : null);
      }
    }
    if (top != null) {
      e.put("name", l.name());
      List<Object> nodes = new ArrayList<>();
      for (LayerCall c : l.calls()) {
        // Keras writes no node for a call without inputs (an InputLayer's): "inbound_nodes": [].
        if (top.calls.contains(c) && !c.inputs().isEmpty()) {
          nodes.add(node(c, top));
        }
      }
      e.put("inbound_nodes", nodes);
    }
    return e;
  }

  /**
   * A {@code TimeDistributed}'s config with the model it wraps (through any depth of wrappers)
   * written whole, as Keras's {@code serialize_keras_object} writes a nested model: a layer's
   * {@code config()} cannot, models being written by this class.
   */
  private static Map<String, Object> withWrappedModel(Layer l, Map<String, Object> config) {
    if (!(l instanceof TimeDistributed t)) {
      return config;
    }
    if (t.layer() instanceof Model nested) {
      config.put("layer", model(nested));
    } else if (t.layer() instanceof TimeDistributed
        && config.get("layer") instanceof Map<?, ?> wrapped) {
      Map<String, Object> entry = new LinkedHashMap<>();
      wrapped.forEach((k, v) -> entry.put((String) k, v));
      @SuppressWarnings("unchecked")
      Map<String, Object> inner = new LinkedHashMap<>((Map<String, Object>) entry.get("config"));
      entry.put("config", withWrappedModel(t.layer(), inner));
      config.put("layer", entry);
    }
    return config;
  }

  private static Map<String, Object> node(LayerCall c, Topology top) {
    List<Object> tensors = new ArrayList<>();
    for (SymbolicTensor t : c.inputs()) {
      Map<String, Object> tc = new LinkedHashMap<>();
      tc.put("shape", dims(t.shape()));
      tc.put("dtype", "float32");
      tc.put("keras_history", history(t, top));
      Map<String, Object> kt = new LinkedHashMap<>();
      kt.put("class_name", "__keras_tensor__");
      kt.put("config", tc);
      tensors.add(kt);
    }
    if (c.layer() instanceof KerasCallArguments) {
      return CallArguments.node(c, tensors);
    }
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("args", tensors.size() == 1 ? tensors : List.of(tensors));
    n.put(
        "kwargs",
        c.mode() == TrainingMode.FOLLOW_PLAN
            ? Map.of()
            : Map.of("training", c.mode() == TrainingMode.TRAINING));
    return n;
  }
}
