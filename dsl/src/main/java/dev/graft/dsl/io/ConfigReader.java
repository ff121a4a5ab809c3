package dev.graft.dsl.io;

import dev.graft.autograd.TrainingMode;
import dev.graft.dsl.Graft;
import dev.graft.dsl.Layer;
import dev.graft.dsl.Model;
import dev.graft.dsl.Sequential;
import dev.graft.dsl.SymbolicTensor;
import dev.graft.layers.InputLayer;
import dev.graft.layers.KerasCallArguments;
import dev.graft.layers.TimeDistributed;
import dev.graft.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a model from a Keras model config: Keras 3 ({@code inbound_nodes} as {@code args}/{@code
 * kwargs}), Keras 2 and TensorFlow.js ({@code [[name, node, tensor, kwargs]]}, {@code class_name
 * "Model"}, list-style Sequential configs, nested Sequentials without an InputLayer). Layers come
 * from {@link KerasLayers}; it also records each model's layers in config order, the order Keras
 * walks when it writes weights.
 */
final class ConfigReader {
  /** Each model built, with its layers in config order (Sequential: without the input). */
  final Map<Model, List<Layer>> order = new IdentityHashMap<>();

  private final boolean keras3;

  /**
   * A reader; {@code keras3} selects Keras 3's node numbering for nested Sequentials, and Keras 3's
   * meaning of names Keras 3 redefined ({@code hard_sigmoid}); otherwise the layers' configs are
   * read as Keras 2 / TensorFlow.js ones ({@link Cfg#asKeras2}).
   */
  ConfigReader(boolean keras3) {
    this.keras3 = keras3;
  }

  /** The model described by {@code entry} ({@code {class_name, config}}). */
  Model model(Cfg entry) {
    String cls = entry.str("class_name");
    Object config = entry.get("config");
    Model m =
        switch (cls) {
          case "Functional", "Model" -> functional(entry.cfg("config"));
          case "Sequential" -> sequential(config, entry.where() + ".config");
          default ->
              throw new IllegalArgumentException(
                  entry.where()
                      + ": expected a Functional or Sequential model; got \""
                      + cls
                      + "\"");
        };
    return m;
  }

  record Ref(String layer, int node, int tensor) {}

  /** One recorded call: its input refs and Keras's {@code training=} argument. */
  private record Inbound(List<Ref> refs, TrainingMode mode) {}

  private Model functional(Cfg c) {
    Map<String, Layer> created = new LinkedHashMap<>();
    Map<String, List<Inbound>> nodes = new LinkedHashMap<>();
    Map<Ref, SymbolicTensor> tensors = new HashMap<>();
    for (Cfg l : c.cfgs("layers")) {
      String cls = l.str("class_name");
      String name = l.has("name") ? l.str("name") : l.cfg("config").str("name");
      if (created.containsKey(name)) {
        throw new IllegalArgumentException(l.where() + ": duplicate layer name \"" + name + "\"");
      }
      Layer layer;
      if (cls.equals("InputLayer")) {
        InputLayer in = input(l.cfg("config"), name);
        tensors.put(new Ref(name, 0, 0), in.output());
        layer = in;
      } else {
        layer = layer(l, name);
        nodes.put(name, inboundNodes(l, layer));
      }
      created.put(name, layer);
    }
    connect(created, nodes, tensors, c.where());
    List<SymbolicTensor> ins = resolveAll(refs(c, "input_layers"), tensors, c.where());
    List<SymbolicTensor> outs = resolveAll(refs(c, "output_layers"), tensors, c.where());
    Model m = Graft.model(ins, outs);
    finish(m, c);
    order.put(m, new ArrayList<>(created.values()));
    return m;
  }

  /** Calls each layer on its inbound nodes once their inputs exist. */
  private void connect(
      Map<String, Layer> created,
      Map<String, List<Inbound>> nodes,
      Map<Ref, SymbolicTensor> tensors,
      String where) {
    Map<String, Integer> next = new HashMap<>();
    boolean progress = true;
    while (progress) {
      progress = false;
      for (Map.Entry<String, List<Inbound>> e : nodes.entrySet()) {
        Layer layer = created.get(e.getKey());
        int k = next.getOrDefault(e.getKey(), 0);
        while (k < e.getValue().size() && available(e.getValue().get(k).refs(), tensors)) {
          Inbound call = e.getValue().get(k);
          List<SymbolicTensor> outs =
              layer.onAll(resolveAll(call.refs(), tensors, where), call.mode());
          int node = k + offset(layer);
          for (int j = 0; j < outs.size(); j++) {
            tensors.put(new Ref(e.getKey(), node, j), outs.get(j));
          }
          k++;
          progress = true;
        }
        next.put(e.getKey(), k);
      }
    }
    for (Map.Entry<String, List<Inbound>> e : nodes.entrySet()) {
      int k = next.getOrDefault(e.getKey(), 0);
      if (k < e.getValue().size()) {
        throw new IllegalArgumentException(
            where
                + ": the inputs "
                + e.getValue().get(k).refs()
                + " of layer \""
                + e.getKey()
                + "\" (call "
                + k
                + ") are not produced by any layer");
      }
    }
  }

  private int offset(Layer l) {
    return l instanceof Sequential ? (keras3 ? 0 : 1) : Topology.firstNode(l);
  }

  private static boolean available(List<Ref> refs, Map<Ref, SymbolicTensor> tensors) {
    for (Ref r : refs) {
      if (!tensors.containsKey(r)) {
        return false;
      }
    }
    return true;
  }

  private static List<SymbolicTensor> resolveAll(
      List<Ref> refs, Map<Ref, SymbolicTensor> tensors, String where) {
    List<SymbolicTensor> out = new ArrayList<>();
    for (Ref r : refs) {
      SymbolicTensor t = tensors.get(r);
      if (t == null) {
        throw new IllegalArgumentException(where + ": no tensor " + r);
      }
      out.add(t);
    }
    return out;
  }

  /** The layer refs of {@code input_layers}/{@code output_layers}: one ref or a list of them. */
  private static List<Ref> refs(Cfg c, String key) {
    List<?> l = c.list(key);
    List<Ref> out = new ArrayList<>();
    if (!l.isEmpty() && l.get(0) instanceof String) {
      out.add(ref(l, c.where() + "." + key));
    } else {
      for (Object o : l) {
        out.add(ref(o, c.where() + "." + key));
      }
    }
    return out;
  }

  static Ref ref(Object o, String where) {
    if (o instanceof List<?> l
        && l.size() >= 3
        && l.get(0) instanceof String name
        && l.get(1) instanceof Number node
        && l.get(2) instanceof Number tensor) {
      return new Ref(name, node.intValue(), tensor.intValue());
    }
    throw new IllegalArgumentException(where + ": bad tensor reference " + Cfg.brief(o));
  }

  /** Each call's input refs and mode: Keras 3 {@code {args, kwargs}} or Keras 2 lists. */
  private static List<Inbound> inboundNodes(Cfg l, Layer layer) {
    List<Inbound> out = new ArrayList<>();
    Object raw = l.get("inbound_nodes");
    if (raw == null) {
      return out;
    }
    if (!(raw instanceof List<?> list)) {
      throw new IllegalArgumentException(l.where() + ": inbound_nodes must be a list");
    }
    String where = l.where() + ".inbound_nodes";
    for (Object node : list) {
      List<Ref> refs = new ArrayList<>();
      Object kwargs = kwargs(node);
      if (layer instanceof KerasCallArguments call) {
        refs = CallArguments.refs(call, node, l.where());
      } else if (node instanceof Map<?, ?> m) {
        collectKerasTensors(m.get("args"), refs, l.where());
      } else if (node instanceof List<?> entries) {
        for (Object e : entries) {
          refs.add(ref(e, where));
        }
      } else {
        throw new IllegalArgumentException(l.where() + ": bad inbound node " + Cfg.brief(node));
      }
      out.add(new Inbound(refs, training(kwargs, where)));
    }
    return out;
  }

  /** A call's kwargs: Keras 3's {@code kwargs}, or Keras 2's fourth element of each input. */
  private static Object kwargs(Object node) {
    if (node instanceof Map<?, ?> m) {
      return m.get("kwargs");
    }
    if (node instanceof List<?> entries) {
      for (Object e : entries) {
        if (e instanceof List<?> entry && entry.size() > 3) {
          return entry.get(3);
        }
      }
    }
    return null;
  }

  /** Keras's {@code training=} call argument from a node's kwargs (absent or null: none). */
  private static TrainingMode training(Object kwargs, String where) {
    Object t = kwargs instanceof Map<?, ?> m ? m.get("training") : null;
    if (t == null) {
      return TrainingMode.FOLLOW_PLAN;
    }
    if (t instanceof Boolean b) {
      return b ? TrainingMode.TRAINING : TrainingMode.INFERENCE;
    }
    throw new IllegalArgumentException(
        where + ": the call argument training must be true, false or null; got " + Cfg.brief(t));
  }

  static void collectKerasTensors(Object o, List<Ref> refs, String where) {
    if (o instanceof Map<?, ?> m && "__keras_tensor__".equals(m.get("class_name"))) {
      Cfg c = new Cfg(m.get("config"), where + ".__keras_tensor__");
      refs.add(ref(c.get("keras_history"), where));
    } else if (o instanceof List<?> l) {
      for (Object x : l) {
        collectKerasTensors(x, refs, where);
      }
    }
  }

  /** A layer or nested model from its {@code {class_name, config}} entry, named by its config. */
  Layer layerOrModel(Cfg l) {
    String name =
        l.has("name")
            ? l.str("name")
            : l.get("config") instanceof Map<?, ?> ? l.cfg("config").str("name", null) : null;
    return layer(l, name);
  }

  private Layer layer(Cfg l, String name) {
    String cls = className(l);
    Layer layer;
    if (isModel(cls)) {
      layer = model(l);
    } else {
      Cfg config = l.cfg("config");
      layer =
          cls.equals("TimeDistributed")
              ? timeDistributed(config)
              : KerasLayers.create(cls, keras3 ? config : config.asKeras2());
      if (config.has("batch_input_shape") || config.has("batch_shape")) {
        int[] s = config.shape(config.has("batch_shape") ? "batch_shape" : "batch_input_shape");
        if (s.length > 1) {
          layer.inputShape(java.util.Arrays.copyOfRange(s, 1, s.length));
        }
      }
      // Keras sets a loaded layer's own flag without touching its sublayers: only a frozen
      // wrapper freezes the layer (or model) it wraps.
      if (!config.bool("trainable", true)) {
        layer.trainable(false);
      }
    }
    if (name != null) {
      layer.name(name);
    }
    return layer;
  }

  private static boolean isModel(String cls) {
    return cls.equals("Functional") || cls.equals("Model") || cls.equals("Sequential");
  }

  /**
   * Keras's {@code TimeDistributed}: its {@code layer} entry is read as any other entry of the file
   * (Keras's {@code deserialize_keras_object}), so it may be a nested Sequential or Functional
   * model, or another wrapper, whose layers this reader records for the weights.
   */
  private Layer timeDistributed(Cfg config) {
    Cfg wrapped = config.cfg("layer");
    String cls = className(wrapped);
    if (cls.equals("InputLayer")) {
      throw new IllegalArgumentException(
          wrapped.where() + ": TimeDistributed cannot wrap an InputLayer");
    }
    if (cls.equals("Sequential")) {
      // Keras builds a wrapped Sequential on the wrapper's input without its time axis, and a
      // model built that way may save no input shape of its own.
      Shape step = null;
      String key = config.has("batch_shape") ? "batch_shape" : "batch_input_shape";
      if (config.has(key)) {
        int[] s = config.shape(key);
        if (s.length >= 3) {
          int[] d = new int[s.length - 1];
          d[0] = s[0];
          System.arraycopy(s, 2, d, 1, s.length - 2);
          step = unknownBatch(d);
        }
      }
      return new TimeDistributed(
          sequential(wrapped.get("config"), wrapped.where() + ".config", step));
    }
    return new TimeDistributed(layerOrModel(wrapped));
  }

  /** A saved shape ({@code null} for unknown sizes) with an unknown batch. */
  private static Shape unknownBatch(int[] s) {
    for (int i = 0; i < s.length; i++) {
      if (s[i] < 0) {
        s[i] = Shape.UNKNOWN;
      }
    }
    s[0] = Shape.UNKNOWN;
    return Shape.of(s);
  }

  /**
   * The class to deserialize: Keras 3's {@code registered_name} (a custom layer's {@code
   * "package>Class"}) when a layer was registered under it, else {@code class_name}.
   */
  private static String className(Cfg l) {
    String cls = l.str("class_name");
    if (l.get("registered_name") instanceof String registered
        && !registered.equals(cls)
        && KerasLayers.has(registered)) {
      return registered;
    }
    return cls;
  }

  private static InputLayer input(Cfg c, String name) {
    String key = c.has("batch_shape") ? "batch_shape" : "batch_input_shape";
    return new InputLayer(unknownBatch(c.shape(key)), name, PreprocessingLayers.dtype(c));
  }

  private Model sequential(Object config, String where) {
    return sequential(config, where, null);
  }

  /**
   * A Sequential model; when neither an InputLayer, its first layer nor its {@code
   * build_input_shape} gives its input shape, {@code fallback} (batch included) does, else it is
   * refused.
   */
  private Model sequential(Object config, String where, Shape fallback) {
    List<Cfg> entries = new ArrayList<>();
    Cfg c = null;
    if (config instanceof List<?> list) {
      int i = 0;
      for (Object o : list) {
        entries.add(new Cfg(o, where + "[" + i++ + "]"));
      }
    } else {
      c = new Cfg(config, where);
      entries = c.cfgs("layers");
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(where + ": a Sequential model with no layers");
    }
    SymbolicTensor input = null;
    List<Layer> layers = new ArrayList<>();
    for (Cfg e : entries) {
      String name = e.has("name") ? e.str("name") : e.cfg("config").str("name");
      if (e.str("class_name").equals("InputLayer")) {
        input = input(e.cfg("config"), name).output();
      } else {
        layers.add(layer(e, name));
      }
    }
    if (input == null) {
      Shape s = layers.get(0).declaredInputShape();
      if (s == null && c != null && c.has("build_input_shape")) {
        s = unknownBatch(c.shape("build_input_shape"));
      }
      if (s == null) {
        s = fallback;
      }
      if (s == null) {
        throw new IllegalArgumentException(
            where
                + ": the first layer has no batch_input_shape, there is no InputLayer and no"
                + " build_input_shape");
      }
      input = new InputLayer(s, null).output();
    }
    Sequential m = new Sequential(input, layers);
    if (c != null) {
      finish(m, c);
    }
    order.put(m, layers);
    return m;
  }

  private static void finish(Model m, Cfg c) {
    if (c.has("name")) {
      m.name(c.str("name"));
    }
    if (!c.bool("trainable", true)) {
      m.trainable(false);
    }
  }
}
