package dev.graft.dsl.internal;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a model compiled for each concrete input shape (Keras's {@code None} dimensions made
 * concrete by the data), keeping the {@link #MAX_SHAPES} most recently used. A model whose inputs
 * are fully known (apart from the batch) has one entry; a text model fed sequences of any length
 * has one per length seen, and the bound keeps an application that sees arbitrary lengths from
 * growing without limit. Thread-safe.
 */
final class ShapeCache<V> {
  /**
   * How many concrete input shapes keep their compiled programs. Bucketed inputs (padding to a
   * handful of lengths, the usual way to feed a text model) stay compiled; each entry holds one
   * graph and its plans' buffers, so memory stays at most this many times one shape's plans, and a
   * length outside the recent ones costs one graph build and plan compilation.
   */
  static final int MAX_SHAPES = 8;

  private final Map<List<Shape>, V> entries =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Shape>, V> eldest) {
          return size() > MAX_SHAPES;
        }
      };

  /** The most recently used entry: a lock-free, allocation-free hit for the usual caller. */
  private volatile Last<V> last;

  private record Last<T>(List<Shape> key, T value) {}

  /**
   * The entry for the data's concrete shapes ({@link #sampleShapes}), made by {@code build} if
   * absent. Data shaped as the last call's finds its entry without a lock or a new object: a single
   * request (batch-1 predict) allocates only its output.
   */
  V forData(List<Tensor> data, Function<List<Shape>, V> build) {
    Last<V> l = last;
    if (l != null && sameSamples(l.key(), data)) {
      return l.value();
    }
    List<Shape> key = sampleShapes(data);
    V v = get(key, build);
    last = new Last<>(key, v);
    return v;
  }

  /** Whether every tensor's shape is its key's apart from the batch. */
  private static boolean sameSamples(List<Shape> key, List<Tensor> data) {
    if (key.size() != data.size()) {
      return false;
    }
    for (int i = 0; i < key.size(); i++) {
      Shape k = key.get(i);
      Shape s = data.get(i).shape();
      if (k.rank() != s.rank()) {
        return false;
      }
      for (int d = 1; d < k.rank(); d++) {
        if (k.dim(d) != s.dim(d)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The entry for {@code key}, made by {@code build} if absent (evicting the least recent). */
  synchronized V get(List<Shape> key, Function<List<Shape>, V> build) {
    V v = entries.get(key);
    if (v == null) {
      v = build.apply(key);
      entries.put(key, v);
    }
    return v;
  }

  /** The number of shapes held. */
  synchronized int size() {
    return entries.size();
  }

  /** Drops every entry. */
  synchronized void clear() {
    last = null;
    entries.clear();
  }

  /** The tensors' shapes with the batch unknown: the key of the data's concrete shape. */
  static List<Shape> sampleShapes(List<Tensor> ts) {
    List<Shape> out = new ArrayList<>(ts.size());
    for (Tensor t : ts) {
      out.add(t.shape().withBatch(Shape.UNKNOWN));
    }
    return out;
  }
}
