package dev.graft.dsl;

import dev.graft.autograd.Variable;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Test-side access to {@code ../shared/reference/models}: a minimal JSON reader, tensor records and
 * weight files by manifest. The real tfjs importer lives elsewhere; this only feeds the tests.
 */
final class Reference {
  private Reference() {}

  /** The folder of one seed model; skips the calling test when the shared folder is absent. */
  static Path seed(String name) {
    // Tests run in the module folder; ../shared sits beside the repository root.
    for (Path root : List.of(Path.of("../../shared/reference"), Path.of("../shared/reference"))) {
      Path p = root.resolve("models").resolve(name);
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    Assumptions.abort(
        "Reference model " + name + " not found: ../shared/reference is absent, test skipped");
    throw new AssertionError("unreachable");
  }

  /** Parses a JSON file into maps, lists, strings, doubles, booleans and nulls. */
  static Object json(Path file) {
    try {
      return new Json(Files.readString(file)).value();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + file, e);
    }
  }

  /** A member of a JSON object, by a dotted path. */
  @SuppressWarnings("unchecked")
  static <T> T get(Object json, String path) {
    Object o = json;
    for (String k : path.split("\\.")) {
      o = ((Map<String, Object>) o).get(k);
    }
    return (T) o;
  }

  /** A tensor record {@code {"shape", "data"}} as a tensor. */
  static Tensor tensor(Object record) {
    List<Object> shape = get(record, "shape");
    List<Object> data = get(record, "data");
    int[] dims = new int[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = ((Double) shape.get(i)).intValue();
    }
    float[] v = new float[data.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (double) (Double) data.get(i);
    }
    return Tensor.of(v, dims);
  }

  /** The tensors of a weight file, by name, in manifest order. */
  static Map<String, Tensor> weights(Path bin, List<Object> manifest) {
    ByteBuffer buf;
    try {
      buf = ByteBuffer.wrap(Files.readAllBytes(bin)).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + bin, e);
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Object w : manifest) {
      List<Object> shape = get(w, "shape");
      int[] dims = new int[shape.size()];
      int n = 1;
      for (int i = 0; i < dims.length; i++) {
        dims[i] = ((Double) shape.get(i)).intValue();
        n *= dims[i];
      }
      float[] v = new float[n];
      buf.asFloatBuffer().get(v);
      buf.position(buf.position() + 4 * n);
      out.put(get(w, "name"), Tensor.of(v, dims));
    }
    if (buf.hasRemaining()) {
      throw new IllegalStateException(bin + " has " + buf.remaining() + " bytes past its manifest");
    }
    return out;
  }

  /** The manifest of model.json's weights. */
  static List<Object> manifest(Object modelJson) {
    List<Object> groups = get(modelJson, "weightsManifest");
    List<Object> all = new ArrayList<>();
    for (Object g : groups) {
      all.addAll(get(g, "weights"));
    }
    return all;
  }

  /**
   * Sets each tfjs weight {@code <layer>/<weight>} into the model variable of the same name.
   *
   * @throws IllegalStateException if the names do not match one to one
   */
  static void load(Model model, Map<String, Tensor> values) {
    Map<String, Variable> vars = variables(model);
    if (!vars.keySet().equals(values.keySet())) {
      throw new IllegalStateException(
          "Variables " + vars.keySet() + " do not match the manifest " + values.keySet());
    }
    values.forEach((k, v) -> vars.get(k).assign(v));
  }

  /** The model's variables by name. */
  static Map<String, Variable> variables(Model model) {
    Map<String, Variable> vars = new LinkedHashMap<>();
    for (Variable v : model.weights()) {
      if (vars.put(v.name(), v) != null) {
        throw new IllegalStateException("Two variables are named " + v.name());
      }
    }
    return vars;
  }

  /** Fails unless every element is within {@code 1e-5 + 1e-4 |want|} (FORMAT.md's tolerance). */
  static void assertClose(String what, Tensor want, Tensor got) {
    if (!want.shape().equals(got.shape())) {
      throw new AssertionError(what + ": shape " + got.shape() + ", want " + want.shape());
    }
    for (int i = 0; i < want.size(); i++) {
      double w = want.getFlat(i);
      double g = got.getFlat(i);
      if (!(Math.abs(g - w) <= 1e-5 + 1e-4 * Math.abs(w))) {
        throw new AssertionError(what + "[" + i + "]: got " + g + ", want " + w);
      }
    }
  }

  /** A small recursive-descent JSON reader (numbers as doubles). */
  private static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    Object value() {
      skip();
      char c = s.charAt(i);
      switch (c) {
        case '{':
          return object();
        case '[':
          return array();
        case '"':
          return string();
        case 't':
          i += 4;
          return true;
        case 'f':
          i += 5;
          return false;
        case 'n':
          i += 4;
          return null;
        default:
          return number();
      }
    }

    private Map<String, Object> object() {
      Map<String, Object> m = new LinkedHashMap<>();
      i++;
      skip();
      if (s.charAt(i) == '}') {
        i++;
        return m;
      }
      while (true) {
        skip();
        String k = string();
        skip();
        i++; // ':'
        m.put(k, value());
        skip();
        if (s.charAt(i++) == '}') {
          return m;
        }
      }
    }

    private List<Object> array() {
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

    private String string() {
      StringBuilder b = new StringBuilder();
      i++;
      while (s.charAt(i) != '"') {
        char c = s.charAt(i++);
        if (c == '\\') {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> b.append('\n');
            case 't' -> b.append('\t');
            case 'u' -> {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> b.append(e);
          }
        } else {
          b.append(c);
        }
      }
      i++;
      return b.toString();
    }

    private Double number() {
      int from = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      return Double.parseDouble(s.substring(from, i));
    }

    private void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }
  }
}
