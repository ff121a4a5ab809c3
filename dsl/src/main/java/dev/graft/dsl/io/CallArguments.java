package dev.graft.dsl.io;

import dev.graft.dsl.Layer;
import dev.graft.dsl.LayerCall;
import dev.graft.layers.KerasCallArguments;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inbound nodes of layers whose Keras call takes named tensors and options ({@link
 * KerasCallArguments}: {@code MultiHeadAttention(query, value, key=..., attention_mask=...,
 * use_causal_mask=True)}, {@code Attention([q, v], use_causal_mask=True)}): read from Keras 3's
 * {@code {args, kwargs}} and Keras 2's {@code [[layer, node, tensor, kwargs], ...]}, written as
 * Keras 3 writes them.
 */
final class CallArguments {
  private CallArguments() {}

  /**
   * The input refs of one saved call in Graft's input order; applies the call's options to the
   * layer.
   *
   * @throws IllegalArgumentException naming the layer for a missing tensor argument or an option
   *     the layer does not honour
   */
  static List<ConfigReader.Ref> refs(KerasCallArguments call, Object node, String where) {
    Map<String, Object> options = new LinkedHashMap<>();
    List<ConfigReader.Ref> listed = new ArrayList<>();
    Map<String, ConfigReader.Ref> named = new HashMap<>();
    List<String> names = call.tensorArguments();
    Map<?, ?> kwargs = Map.of();
    if (node instanceof Map<?, ?> m) {
      List<?> positional = m.get("args") instanceof List<?> args ? args : List.of();
      if (names == null) {
        ConfigReader.collectKerasTensors(positional, listed, where);
      } else {
        for (int i = 0; i < positional.size(); i++) {
          named.put(name(names, i, where), tensor(positional.get(i), where));
        }
      }
      if (m.get("kwargs") instanceof Map<?, ?> k) {
        kwargs = k;
      }
    } else if (node instanceof List<?> entries && !entries.isEmpty()) {
      // Keras 2: one entry per positional tensor, the other arguments in the entries' kwargs.
      for (int i = 0; i < entries.size(); i++) {
        Object e = entries.get(i);
        ConfigReader.Ref r = ConfigReader.ref(e, where);
        if (names == null) {
          listed.add(r);
        } else {
          named.put(name(names, i, where), r);
        }
        if (e instanceof List<?> l && l.size() > 3 && l.get(3) instanceof Map<?, ?> k) {
          kwargs = k;
        }
      }
    } else {
      throw new IllegalArgumentException(where + ": bad inbound node " + Cfg.brief(node));
    }
    for (Map.Entry<?, ?> e : kwargs.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (names != null && names.contains(key)) {
        if (e.getValue() != null) {
          named.put(key, tensor(e.getValue(), where));
        }
      } else if (names == null && key.equals("inputs")) {
        ConfigReader.collectKerasTensors(e.getValue(), listed, where);
      } else {
        options.put(key, e.getValue());
      }
    }
    call.applyCallOptions(options);
    if (names == null) {
      return listed;
    }
    int last = -1;
    for (int i = 0; i < names.size(); i++) {
      if (named.containsKey(names.get(i))) {
        last = i;
      }
    }
    List<ConfigReader.Ref> out = new ArrayList<>();
    for (int i = 0; i <= last; i++) {
      ConfigReader.Ref r = named.get(names.get(i));
      String dflt = call.defaultFor(names.get(i));
      if (r == null && dflt != null) {
        r = named.get(dflt);
      }
      if (r == null) {
        throw new IllegalArgumentException(
            where + ": a call without its " + names.get(i) + " argument");
      }
      out.add(r);
    }
    return out;
  }

  private static String name(List<String> names, int i, String where) {
    if (i >= names.size()) {
      throw new IllegalArgumentException(
          where + ": a call with more than " + names.size() + " tensors");
    }
    return names.get(i);
  }

  private static ConfigReader.Ref tensor(Object o, String where) {
    List<ConfigReader.Ref> one = new ArrayList<>();
    ConfigReader.collectKerasTensors(o, one, where);
    if (one.isEmpty() && o instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String) {
      return ConfigReader.ref(o, where);
    }
    if (one.size() != 1) {
      throw new IllegalArgumentException(where + ": expected one tensor, got " + Cfg.brief(o));
    }
    return one.get(0);
  }

  /**
   * Keras 3's {@code args} and {@code kwargs} of a call: named tensors after the first two go to
   * {@code kwargs} with the options; list-input layers get one list argument.
   */
  static Map<String, Object> node(LayerCall c, List<Object> tensors) {
    Layer layer = c.layer();
    KerasCallArguments call = (KerasCallArguments) layer;
    List<String> names = call.tensorArguments();
    Map<String, Object> kwargs = new LinkedHashMap<>();
    List<Object> args;
    if (names == null) {
      args = List.of(tensors);
    } else {
      args = new ArrayList<>(tensors.subList(0, Math.min(2, tensors.size())));
      for (int i = 2; i < tensors.size(); i++) {
        kwargs.put(names.get(i), tensors.get(i));
      }
    }
    kwargs.putAll(call.callOptions());
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("args", args);
    n.put("kwargs", kwargs);
    return n;
  }
}
