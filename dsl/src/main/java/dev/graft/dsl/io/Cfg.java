package dev.graft.dsl.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed access to one JSON config object, raising {@link IllegalArgumentException} naming the
 * config ({@code where}) and the key on a missing or mistyped entry. Keys are Keras's snake_case;
 * TensorFlow.js's camelCase spelling is accepted too.
 */
final class Cfg {
  private final Map<?, ?> map;
  private final String where;
  private final boolean keras2;

  Cfg(Object o, String where) {
    this(o, where, false);
  }

  private Cfg(Object o, String where, boolean keras2) {
    if (!(o instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(where + " must be a JSON object; got " + brief(o));
    }
    this.map = m;
    this.where = where;
    this.keras2 = keras2;
  }

  /**
   * This config as read from a Keras 2 / tf.keras / TensorFlow.js file, where some names mean what
   * they meant before Keras 3 ({@code hard_sigmoid}); the configs nested in it inherit this.
   */
  Cfg asKeras2() {
    return new Cfg(map, where, true);
  }

  /** True for a config from a Keras 2 / tf.keras / TensorFlow.js file (see {@link #asKeras2}). */
  boolean keras2() {
    return keras2;
  }

  static String brief(Object o) {
    String s = String.valueOf(o);
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  String where() {
    return where;
  }

  Map<?, ?> map() {
    return map;
  }

  boolean has(String key) {
    return get(key) != null;
  }

  Object get(String key) {
    Object v = map.get(key);
    if (v == null && key.indexOf('_') >= 0) {
      v = map.get(camel(key));
    }
    return v;
  }

  private static String camel(String snake) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }

  private Object need(String key) {
    Object v = get(key);
    if (v == null) {
      throw new IllegalArgumentException(where + ": missing \"" + key + "\"");
    }
    return v;
  }

  private IllegalArgumentException wrong(String key, String want, Object got) {
    return new IllegalArgumentException(
        where + ": \"" + key + "\" must be " + want + "; got " + brief(got));
  }

  String str(String key) {
    Object v = need(key);
    if (!(v instanceof String s)) {
      throw wrong(key, "a string", v);
    }
    return s;
  }

  String str(String key, String dflt) {
    return has(key) ? str(key) : dflt;
  }

  int integer(String key) {
    return toInt(key, need(key));
  }

  int integer(String key, int dflt) {
    return has(key) ? integer(key) : dflt;
  }

  private int toInt(String key, Object v) {
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      double d = n.doubleValue();
      if (Math.abs(d) <= Integer.MAX_VALUE) {
        return (int) d;
      }
    }
    throw wrong(key, "an integer", v);
  }

  double num(String key, double dflt) {
    Object v = scalarTensor(get(key));
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n)) {
      throw wrong(key, "a number", v);
    }
    return n.doubleValue();
  }

  /**
   * Keras 3 serializes a number given as a tensor (e.g. {@code Masking(mask_value)}) as {@code
   * {"class_name": "__tensor__", "config": {"value": [0.0]}}}: its one value, else {@code v}.
   */
  private static Object scalarTensor(Object v) {
    if (v instanceof Map<?, ?> m
        && "__tensor__".equals(m.get("class_name"))
        && m.get("config") instanceof Map<?, ?> c) {
      Object value = c.get("value");
      while (value instanceof List<?> l && l.size() == 1) {
        value = l.get(0);
      }
      return value instanceof Number ? value : v;
    }
    return v;
  }

  boolean bool(String key, boolean dflt) {
    Object v = get(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Boolean b)) {
      throw wrong(key, "true or false", v);
    }
    return b;
  }

  /** An int list; a single integer counts as {@code n} copies of itself. */
  int[] ints(String key, int n) {
    Object v = need(key);
    if (v instanceof Number) {
      int[] out = new int[n];
      java.util.Arrays.fill(out, toInt(key, v));
      return out;
    }
    List<?> l = list(key);
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = toInt(key, l.get(i));
    }
    return out;
  }

  /** A shape with {@code null} for unknown dimensions (as -1). */
  int[] shape(String key) {
    List<?> l = list(key);
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = l.get(i) == null ? -1 : toInt(key, l.get(i));
    }
    return out;
  }

  /** A list of numbers. */
  double[] nums(String key) {
    List<?> l = list(key);
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Number n)) {
        throw wrong(key, "a list of numbers", l);
      }
      out[i] = n.doubleValue();
    }
    return out;
  }

  List<?> list(String key) {
    Object v = need(key);
    if (!(v instanceof List<?> l)) {
      throw wrong(key, "a list", v);
    }
    return l;
  }

  List<Cfg> cfgs(String key) {
    List<Cfg> out = new ArrayList<>();
    int i = 0;
    for (Object o : list(key)) {
      out.add(new Cfg(o, where + "." + key + "[" + i++ + "]", keras2));
    }
    return out;
  }

  Cfg cfg(String key) {
    return new Cfg(need(key), where + "." + key, keras2);
  }

  /** A lower-case name; an object {@code {class_name, config}} gives its class name. */
  String name(String key, String dflt) {
    Object v = get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Map<?, ?> m && m.get("class_name") instanceof String s) {
      return s.toLowerCase(Locale.ROOT);
    }
    return str(key).toLowerCase(Locale.ROOT);
  }
}
