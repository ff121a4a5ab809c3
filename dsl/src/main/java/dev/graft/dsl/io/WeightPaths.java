package dev.graft.dsl.io;

import dev.graft.autograd.Variable;
import dev.graft.dsl.Layer;
import dev.graft.dsl.Model;
import dev.graft.dsl.Sequential;
import dev.graft.layers.Bidirectional;
import dev.graft.layers.MultiHeadAttention;
import dev.graft.layers.NameScope;
import dev.graft.layers.Recurrent;
import dev.graft.layers.TimeDistributed;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where Keras 3's weights file keeps each variable: {@code layers/<snake_case class name, numbered
 * per class in layer order>/vars/<i>}, nested models under their own {@code layers/}, recurrent
 * layers' weights under {@code cell/vars}, a Bidirectional's under {@code forward_layer/cell/vars}
 * and {@code backward_layer/cell/vars}, a {@code TimeDistributed} layer's under {@code layer/vars}
 * (Keras saves a wrapper's attribute {@code layer}), MultiHeadAttention's under its projections'
 * groups. The result maps each {@code vars} group path to its variables (possibly none), in walk
 * order.
 */
final class WeightPaths {
  private WeightPaths() {}

  /** The layers of a model in the order Keras saves them. */
  static List<Layer> savedOrder(Model m) {
    if (m instanceof Sequential s) {
      return s.stack();
    }
    return Topology.of(m).layers;
  }

  /** The {@code vars} groups of {@code m} with their variables. */
  static Map<String, List<Variable>> of(Model m, Function<Model, List<Layer>> order) {
    Map<String, List<Variable>> out = new LinkedHashMap<>();
    out.put("vars", List.of());
    walk(m, "", order, out);
    return out;
  }

  /**
   * The path of every layer, nested models' layers included ({@code layers/text_vectorization}), as
   * {@link #of} names their groups and Keras 3 names their asset folders.
   */
  static Map<Layer, String> layerPaths(Model m, Function<Model, List<Layer>> order) {
    Map<Layer, String> out = new java.util.IdentityHashMap<>();
    paths(m, "", order, out);
    return out;
  }

  private static void paths(
      Model m, String prefix, Function<Model, List<Layer>> order, Map<Layer, String> out) {
    Map<String, Integer> used = new HashMap<>();
    for (Layer l : order.apply(m)) {
      String path = childPath(prefix, l, used);
      out.putIfAbsent(l, path);
      if (l instanceof Model nested) {
        paths(nested, path + "/", order, out);
      }
    }
  }

  /** {@code <prefix>layers/<snake_case class>[_n]}, numbered per class in layer order. */
  private static String childPath(String prefix, Layer l, Map<String, Integer> used) {
    String base = NameScope.snakeCase(l.className());
    int n = used.merge(base, 1, Integer::sum) - 1;
    return prefix + "layers/" + (n == 0 ? base : base + "_" + n);
  }

  private static void walk(
      Model m, String prefix, Function<Model, List<Layer>> order, Map<String, List<Variable>> out) {
    Map<String, Integer> used = new HashMap<>();
    for (Layer l : order.apply(m)) {
      layer(l, childPath(prefix, l, used), order, out);
    }
  }

  /**
   * The groups of one layer saved at {@code path}; a wrapper's layer is its {@code layer} child.
   */
  private static void layer(
      Layer l, String path, Function<Model, List<Layer>> order, Map<String, List<Variable>> out) {
    if (l instanceof Model nested) {
      out.put(path + "/vars", List.of());
      walk(nested, path + "/", order, out);
    } else if (l instanceof Bidirectional b) {
      // Keras 3 walks the wrapper's attributes, sorted: backward_layer, then forward_layer.
      out.put(path + "/vars", List.of());
      recurrent(path + "/backward_layer", b.backwardLayer(), out);
      recurrent(path + "/forward_layer", b.forwardLayer(), out);
    } else if (l instanceof MultiHeadAttention) {
      out.put(path + "/vars", List.of());
      attentionSublayers(path, l.weights(), out);
    } else if (l instanceof Recurrent r) {
      recurrent(path, r, out);
    } else if (l instanceof TimeDistributed t) {
      out.put(path + "/vars", List.of());
      layer(t.layer(), path + "/layer", order, out);
    } else {
      out.put(path + "/vars", l.weights());
    }
  }

  private static void recurrent(String path, Recurrent r, Map<String, List<Variable>> out) {
    out.put(path + "/vars", List.of());
    out.put(path + "/cell/vars", r.weights());
  }

  /**
   * Keras 3 keeps MultiHeadAttention's weights in its EinsumDense sublayers: {@code
   * _query_dense/vars} = [kernel, bias], then {@code _key_dense}, {@code _value_dense}, {@code
   * _output_dense}; its softmax and dropout sublayers have empty groups.
   */
  private static void attentionSublayers(
      String path, List<Variable> weights, Map<String, List<Variable>> out) {
    String[] groups = {"_query_dense", "_key_dense", "_value_dense", "_output_dense"};
    int perGroup = weights.size() / groups.length;
    for (int i = 0; i < groups.length; i++) {
      out.put(path + "/" + groups[i] + "/vars", weights.subList(i * perGroup, (i + 1) * perGroup));
    }
    out.put(path + "/_dropout_layer/vars", List.of());
    out.put(path + "/_softmax/vars", List.of());
  }
}
