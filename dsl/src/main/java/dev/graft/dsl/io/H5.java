package dev.graft.dsl.io;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.WritableGroupImpl;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableDataset;
import io.jhdf.api.WritableGroup;
import io.jhdf.storage.HdfFileChannel;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HDF5 through jhdf 0.13.0: an in-memory tree that is written in one go, and typed reads.
 *
 * <p>jhdf 0.13.0 corrupts a file whose last written node is a group with no dataset below it (its
 * closing info string overwrites that group's header), and Keras files always have such groups. The
 * writer therefore registers each root child through a proxy that moves the channel to the end of
 * what the child wrote (see shared/notes/jhdf.md); every written file is reopened by the tests.
 */
final class H5 {
  private H5() {}

  /** A group of the tree to write: subgroups, datasets and attributes, in insertion order. */
  static final class Tree {
    final Map<String, Tree> groups = new LinkedHashMap<>();
    final Map<String, Object> datasets = new LinkedHashMap<>();
    final Map<String, Object> attributes = new LinkedHashMap<>();
    final Map<String, Map<String, Object>> datasetAttributes = new LinkedHashMap<>();

    /** The subgroup at a '/'-separated path, created as needed. */
    Tree group(String path) {
      Tree t = this;
      for (String part : path.split("/")) {
        if (!part.isEmpty()) {
          t = t.groups.computeIfAbsent(part, k -> new Tree());
        }
      }
      return t;
    }

    /** Adds a float dataset holding a copy of {@code value} (a 0-d tensor gives a scalar). */
    void put(String name, Tensor value) {
      datasets.put(name, nested(value));
    }

    /** Adds a scalar int64 dataset. */
    void put(String name, long value) {
      datasets.put(name, Long.valueOf(value));
    }

    /**
     * Adds a float dataset with its {@link Checksums} attribute; {@code path} is where it sits from
     * the file's root.
     */
    void putChecked(String name, String path, Tensor value) {
      put(name, value);
      checksum(name, Checksums.of(path, value.toArray()));
    }

    /** Adds a scalar int64 dataset with its {@link Checksums} attribute. */
    void putChecked(String name, String path, long value) {
      put(name, value);
      checksum(name, Checksums.of(path, value));
    }

    private void checksum(String name, long crc) {
      datasetAttributes
          .computeIfAbsent(name, k -> new LinkedHashMap<>())
          .put(Checksums.ATTRIBUTE, Long.valueOf(crc));
    }
  }

  private static Object nested(Tensor t) {
    float[] flat = t.toArray();
    int[] dims = t.shape().toArray();
    if (dims.length == 0) {
      return Float.valueOf(flat[0]);
    }
    if (flat.length == 0) {
      throw new IllegalArgumentException("jhdf cannot write the empty array of shape " + t.shape());
    }
    Object arr = Array.newInstance(float.class, dims);
    fill(arr, dims, 0, flat, new int[1]);
    return arr;
  }

  private static void fill(Object arr, int[] dims, int axis, float[] flat, int[] at) {
    if (axis == dims.length - 1) {
      System.arraycopy(flat, at[0], arr, 0, dims[axis]);
      at[0] += dims[axis];
      return;
    }
    for (int i = 0; i < dims[axis]; i++) {
      fill(Array.get(arr, i), dims, axis + 1, flat, at);
    }
  }

  /** Writes {@code root} to {@code file} (replacing it). */
  static void write(Path file, Tree root) throws IOException {
    Files.deleteIfExists(file);
    try (WritableHdfFile f = HdfFile.write(file)) {
      for (Map.Entry<String, Object> a : root.attributes.entrySet()) {
        f.putAttribute(a.getKey(), a.getValue());
      }
      putDatasets(f, root);
      for (Map.Entry<String, Tree> g : root.groups.entrySet()) {
        WritableGroupImpl inner = new WritableGroupImpl(f, g.getKey());
        populate(inner, g.getValue());
        f.putDataset(g.getKey(), endMovingProxy(inner));
      }
      if (f.getAttribute("_jHDF") != null) {
        f.removeAttribute("_jHDF");
      }
    } catch (RuntimeException e) {
      Files.deleteIfExists(file);
      throw new IOException("Cannot write HDF5 file " + file + ": " + e, e);
    }
  }

  private static void populate(WritableGroup g, Tree t) {
    for (Map.Entry<String, Object> a : t.attributes.entrySet()) {
      g.putAttribute(a.getKey(), a.getValue());
    }
    putDatasets(g, t);
    for (Map.Entry<String, Tree> c : t.groups.entrySet()) {
      populate(g.putGroup(c.getKey()), c.getValue());
    }
  }

  private static void putDatasets(WritableGroup g, Tree t) {
    for (Map.Entry<String, Object> d : t.datasets.entrySet()) {
      WritableDataset ds = g.putDataset(d.getKey(), d.getValue());
      for (Map.Entry<String, Object> a :
          t.datasetAttributes.getOrDefault(d.getKey(), Map.of()).entrySet()) {
        ds.putAttribute(a.getKey(), a.getValue());
      }
    }
  }

  /** A dataset-typed view of {@code group} whose write leaves the channel at its end. */
  private static WritableDataset endMovingProxy(WritableGroupImpl group) {
    return (WritableDataset)
        Proxy.newProxyInstance(
            H5.class.getClassLoader(),
            new Class<?>[] {WritableDataset.class},
            (proxy, method, args) -> {
              if (method.getName().equals("write") && args != null && args.length == 2) {
                HdfFileChannel ch = (HdfFileChannel) args[0];
                long end = group.write(ch, (Long) args[1]);
                ch.position(end);
                return end;
              }
              return invoke(group, method, args);
            });
  }

  private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  // ---- reading ----

  /** The child at a '/'-separated path, or {@code null}. */
  static Node find(Group root, String path) {
    Node n = root;
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (!(n instanceof Group g)) {
        return null;
      }
      n = g.getChild(part);
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  /**
   * A dataset read as float32, whatever its numeric type, checked as {@link #tensor(Dataset,
   * String)}.
   */
  static Tensor tensor(Dataset d) {
    return tensor(d, d.getPath().startsWith("/") ? d.getPath().substring(1) : d.getPath());
  }

  /**
   * A dataset read as float32, whatever its numeric type; when it carries a {@link Checksums}
   * attribute the values are checked against it.
   *
   * @param label what the values are (a variable name), for the messages
   * @throws IllegalArgumentException naming the weight when the dataset is not numeric, too large
   *     or fails its checksum
   */
  static Tensor tensor(Dataset d, String label) {
    String path = d.getPath().startsWith("/") ? d.getPath().substring(1) : d.getPath();
    String what = label.equals(path) ? "weight " + path : "weight " + path + " (for " + label + ")";
    int[] dims = d.getDimensions();
    long size = 1;
    for (int x : dims) {
      size *= x;
    }
    if (size > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException(what + " is too large: " + size + " values");
    }
    Object flat = d.isScalar() ? d.getData() : d.getDataFlat();
    Checksums.verify(d, flat, label);
    float[] out = toFloats(flat, what);
    if (out.length != size) {
      throw new IllegalArgumentException(
          what + " holds " + out.length + " values for a shape of " + size);
    }
    return Tensor.wrap(out, 0, Shape.of(dims));
  }

  private static float[] toFloats(Object flat, String what) {
    if (flat instanceof float[] f) {
      return f;
    }
    if (flat instanceof Number n) {
      return new float[] {n.floatValue()};
    }
    if (flat != null
        && flat.getClass().isArray()
        && flat.getClass().getComponentType().isPrimitive()
        && flat.getClass().getComponentType() != boolean.class
        && flat.getClass().getComponentType() != char.class) {
      int n = Array.getLength(flat);
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        out[i] = ((Number) Array.get(flat, i)).floatValue();
      }
      return out;
    }
    String type =
        flat == null
            ? "no data"
            : flat.getClass().isArray()
                ? flat.getClass().getComponentType().getSimpleName() + " values"
                : flat.getClass().getSimpleName();
    throw new IllegalArgumentException(what + " holds " + type + ", not numbers");
  }

  /** A string attribute, or {@code null} if absent. */
  static String stringAttribute(Node n, String name) {
    Attribute a = n.getAttribute(name);
    if (a == null) {
      return null;
    }
    Object v = a.getData();
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof String[] arr && arr.length == 1) {
      return arr[0];
    }
    throw new IllegalArgumentException(
        "attribute " + name + " of " + n.getPath() + " is not a string");
  }

  /** A string-list attribute (empty when absent or empty). */
  static String[] stringsAttribute(Node n, String name) {
    Attribute a = n.getAttribute(name);
    Object v = a == null ? null : a.getData();
    if (v == null) {
      return new String[0];
    }
    if (v instanceof String s) {
      return new String[] {s};
    }
    if (v instanceof String[] arr) {
      return arr;
    }
    if (v.getClass().isArray() && Array.getLength(v) == 0) {
      return new String[0];
    }
    throw new IllegalArgumentException(
        "attribute " + name + " of " + n.getPath() + " is not a list of strings");
  }
}
