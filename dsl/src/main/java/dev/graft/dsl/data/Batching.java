package dev.graft.dsl.data;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** How {@code batch} and {@code paddedBatch} combine tensor elements. */
final class Batching {
  private Batching() {}

  /** Stacks {@code Tensor}, {@code List<Tensor>} or {@code Tensor[]} elements component-wise. */
  static <E> E stack(List<E> group) {
    return combine(group, false, 0f);
  }

  /** As {@link #stack}, each component padded at the end of every axis to the batch's largest. */
  static <E> E padded(List<E> group, float value) {
    return combine(group, true, value);
  }

  @SuppressWarnings("unchecked")
  private static <E> E combine(List<E> group, boolean pad, float value) {
    Object first = group.get(0);
    if (first instanceof Tensor) {
      return (E) combineTensors((List<Tensor>) group, -1, pad, value);
    }
    if (first instanceof List<?> l0) {
      int k = l0.size();
      List<Tensor> out = new ArrayList<>(k);
      for (int c = 0; c < k; c++) {
        out.add(combineTensors(component(group, c, k), c, pad, value));
      }
      return (E) out;
    }
    if (first instanceof Tensor[] a0) {
      int k = a0.length;
      Tensor[] out = new Tensor[k];
      for (int c = 0; c < k; c++) {
        out[c] = combineTensors(component(group, c, k), c, pad, value);
      }
      return (E) out;
    }
    String type = first.getClass().getSimpleName();
    throw new IllegalArgumentException(
        "batch(size) stacks Tensor, List<Tensor> or Tensor[] elements; these are "
            + type
            + ": batch them into arrays with batch(size, "
            + type
            + "[]::new)");
  }

  /** Component {@code c} of every element (a list or an array of {@code k} tensors). */
  private static List<Tensor> component(List<?> group, int c, int k) {
    List<Tensor> out = new ArrayList<>(group.size());
    for (int i = 0; i < group.size(); i++) {
      Object e = group.get(i);
      Object part;
      int size;
      if (e instanceof List<?> l) {
        size = l.size();
        part = size == k ? l.get(c) : null;
      } else if (e instanceof Tensor[] a) {
        size = a.length;
        part = size == k ? a[c] : null;
      } else {
        throw new IllegalArgumentException(
            "element " + i + " is a " + e.getClass().getSimpleName() + ", element 0 is not");
      }
      if (size != k) {
        throw new IllegalArgumentException(
            "element " + i + " has " + size + " components, element 0 has " + k);
      }
      if (!(part instanceof Tensor t)) {
        throw new IllegalArgumentException(
            "component "
                + c
                + " of element "
                + i
                + " is "
                + (part == null ? "null" : "a " + part.getClass().getSimpleName())
                + ", not a Tensor");
      }
      out.add(t);
    }
    return out;
  }

  private static Tensor combineTensors(List<Tensor> ts, int component, boolean pad, float value) {
    Shape s0 = ts.get(0).shape();
    int[] max = s0.toArray();
    for (int i = 1; i < ts.size(); i++) {
      Shape s = ts.get(i).shape();
      if (s.rank() != s0.rank() || !pad && !s.equals(s0)) {
        throw new IllegalArgumentException(
            (component >= 0 ? "component " + component + " of " : "")
                + "element "
                + i
                + " has shape "
                + s
                + " but element 0 has "
                + s0
                + (pad ? ": padding needs the same rank" : ": use paddedBatch for sequences"));
      }
      for (int a = 0; a < max.length; a++) {
        max[a] = Math.max(max[a], s.dim(a));
      }
    }
    Shape inner = Shape.of(max);
    Tensor out = Tensor.zeros(inner.prepend(ts.size()));
    float[] d = out.array();
    int each = inner.size();
    if (pad && value != 0f) {
      out.fill(value);
    }
    for (int i = 0; i < ts.size(); i++) {
      Tensor t = ts.get(i);
      if (t.shape().equals(inner)) {
        t.copyTo(d, i * each);
      } else {
        padInto(t, max, d, i * each);
      }
    }
    return out;
  }

  /** Copies {@code t} into the top corner of a block of shape {@code max} at {@code at}. */
  private static void padInto(Tensor t, int[] max, float[] d, int at) {
    int rank = max.length;
    if (rank == 0) {
      d[at] = t.item();
      return;
    }
    int[] dims = t.shape().toArray();
    int inner = dims[rank - 1];
    int rows = t.size() / Math.max(1, inner);
    if (inner == 0) {
      return;
    }
    int[] idx = new int[rank - 1];
    float[] src = t.array();
    for (int r = 0; r < rows; r++) {
      int dst = 0;
      for (int a = 0; a < rank - 1; a++) {
        dst = dst * max[a] + idx[a];
      }
      System.arraycopy(src, t.offset() + r * inner, d, at + dst * max[rank - 1], inner);
      for (int a = rank - 2; a >= 0; a--) {
        if (++idx[a] < dims[a]) {
          break;
        }
        idx[a] = 0;
      }
    }
  }
}
