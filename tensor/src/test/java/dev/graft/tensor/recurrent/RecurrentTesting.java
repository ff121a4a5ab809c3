package dev.graft.tensor.recurrent;

import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helpers for the recurrent kernels: double conversions, central finite differences in double
 * and a tiny JSON reader for the tfjs reference cases (the project's copy in the dsl module's test
 * resources, {@code keras-reference/layers}).
 */
final class RecurrentTesting {
  /** The cases, relative to the project root (one copy, kept by scripts/sync-reference.sh). */
  private static final String REFERENCE_LAYERS = "dsl/src/test/resources/keras-reference/layers";

  private RecurrentTesting() {}

  /** A scalar objective of several double parameter arrays. */
  interface Objective {
    double value(double[][] params);
  }

  static double[] toDouble(Tensor t) {
    double[] d = new double[t.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.getFlat(i);
    }
    return d;
  }

  static Tensor toTensor(double[] d, int... dims) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return Tensor.of(f, dims);
  }

  static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  /** {@code sum(a * b)}; 0 when either is null. */
  static double dot(double[] a, double[] b) {
    if (a == null || b == null) {
      return 0;
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** d f / d params[k] by central differences with step 1e-6, in double. */
  static double[] numericGrad(Objective f, double[][] params, int k) {
    double[] p = params[k];
    double[] g = new double[p.length];
    double h = 1e-6;
    for (int i = 0; i < p.length; i++) {
      double keep = p[i];
      p[i] = keep + h;
      double up = f.value(params);
      p[i] = keep - h;
      double down = f.value(params);
      p[i] = keep;
      g[i] = (up - down) / (2 * h);
    }
    return g;
  }

  /**
   * The parsed JSON of the reference case {@code <name>.json}; fails if the copy is missing, so
   * that parity is never skipped silently.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> referenceCase(String name) throws IOException {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path root = Files.exists(dir.resolve("tensor")) ? dir : dir.getParent();
    Path p = root.resolve(REFERENCE_LAYERS).resolve(name + ".json");
    if (!Files.exists(p)) {
      throw new IllegalStateException(
          "Keras reference case " + p + " is missing: run scripts/sync-reference.sh");
    }
    return (Map<String, Object>) new Json(Files.readString(p)).value();
  }

  /** The flat float data of a tensor record, as doubles. */
  @SuppressWarnings("unchecked")
  static double[] data(Object record) {
    List<Object> d = (List<Object>) ((Map<String, Object>) record).get("data");
    double[] out = new double[d.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) ((Double) d.get(i)).doubleValue();
    }
    return out;
  }

  /** The shape of a tensor record. */
  @SuppressWarnings("unchecked")
  static int[] shape(Object record) {
    List<Object> d = (List<Object>) ((Map<String, Object>) record).get("shape");
    int[] out = new int[d.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Double) d.get(i)).intValue();
    }
    return out;
  }

  /** A tensor record as a Tensor. */
  static Tensor tensor(Object record) {
    return toTensor(data(record), shape(record));
  }

  /** Element {@code i} of a JSON list. */
  @SuppressWarnings("unchecked")
  static Object at(Object list, int i) {
    return ((List<Object>) list).get(i);
  }

  /** Field {@code key} of a JSON object. */
  @SuppressWarnings("unchecked")
  static Object field(Object map, String key) {
    return ((Map<String, Object>) map).get(key);
  }

  /** Just enough JSON: objects, arrays, strings without escapes beyond \", numbers, literals. */
  private static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    Object value() {
      skip();
      char c = s.charAt(i);
      if (c == '{') {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        skip();
        if (s.charAt(i) == '}') {
          i++;
          return m;
        }
        while (true) {
          skip();
          String k = (String) value();
          skip();
          i++; // ':'
          m.put(k, value());
          skip();
          if (s.charAt(i++) == '}') {
            return m;
          }
        }
      }
      if (c == '[') {
        List<Object> l = new ArrayList<>();
        i++;
        skip();
        if (s.charAt(i) == ']') {
          i++;
          return l;
        }
        while (true) {
          l.add(value());
          skip();
          if (s.charAt(i++) == ']') {
            return l;
          }
        }
      }
      if (c == '"') {
        StringBuilder b = new StringBuilder();
        i++;
        while (s.charAt(i) != '"') {
          if (s.charAt(i) == '\\') {
            i++;
          }
          b.append(s.charAt(i++));
        }
        i++;
        return b.toString();
      }
      for (String lit : new String[] {"true", "false", "null"}) {
        if (s.startsWith(lit, i)) {
          i += lit.length();
          return lit.equals("null") ? null : Boolean.valueOf(lit);
        }
      }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      return Double.parseDouble(s.substring(start, i));
    }

    private void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }
  }

  /**
   * Checks a kernel's gradients against a reference case's {@code grads} (input 0, then kernel,
   * recurrent kernel and bias) to 1e-5 + 1e-4·|want|.
   */
  static void assertReferenceGradients(
      Map<String, Object> ref, String name, Tensor dx, Tensor dw, Tensor du, Tensor db) {
    Object grads = ref.get("grads");
    Object gw = field(grads, "weights");
    TestTensors.assertClose(data(at(field(grads, "inputs"), 0)), dx, 1e-4, 1e-5, name + " dx");
    TestTensors.assertClose(data(at(gw, 0)), dw, 1e-4, 1e-5, name + " dW");
    TestTensors.assertClose(data(at(gw, 1)), du, 1e-4, 1e-5, name + " dU");
    TestTensors.assertClose(data(at(gw, 2)), db, 1e-4, 1e-5, name + " db");
  }
}
