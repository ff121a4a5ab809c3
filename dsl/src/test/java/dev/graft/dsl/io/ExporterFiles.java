package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test files written by hand the way the exporters write them: TensorFlow.js's converter ({@code
 * model.json} + one weights shard, optionally quantized) and Keras 2's {@code .h5} writer ({@code
 * model_config} + {@code model_weights/<layer>/<weight>:0}); and a model's config as Keras 3 and as
 * tf.keras 2 write it. Shared by the tests of every package.
 */
public final class ExporterFiles {
  private ExporterFiles() {}

  /**
   * A weight as an exporter writes it; {@code quant} is how tfjs stores it (float32 if none).
   *
   * @param name the stored name
   * @param value the weight
   * @param quant {@code float32}, {@code uint8}, {@code uint16} or {@code float16}
   */
  public record W(String name, Tensor value, String quant) {
    /** A float32 weight. */
    public W(String name, Tensor value) {
      this(name, value, "float32");
    }
  }

  /**
   * Writes {@code model.json} and one shard as the converter does; returns the weights as the
   * loaded model must hold them (quantized ones as TensorFlow.js dequantizes them).
   */
  public static List<Tensor> writeTfjs(Path dir, Object topology, List<W> ws) throws Exception {
    ByteArrayOutputStream bin = new ByteArrayOutputStream();
    List<Object> entries = new ArrayList<>();
    List<Tensor> decoded = new ArrayList<>();
    for (W w : ws) {
      float[] x = w.value().toArray();
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", w.name());
      e.put("shape", w.value().shape().toArray());
      e.put("dtype", "float32");
      float[] back = x.clone();
      switch (w.quant()) {
        case "float32" -> {
          ByteBuffer b = bytes(x.length * 4);
          b.asFloatBuffer().put(x);
          bin.write(b.array());
        }
        case "uint8", "uint16" -> {
          double levels = w.quant().equals("uint8") ? 255 : 65535;
          double min = Double.MAX_VALUE;
          double max = -Double.MAX_VALUE;
          for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
          double scale = (max - min) / levels;
          ByteBuffer b = bytes(x.length * (levels == 255 ? 1 : 2));
          for (int i = 0; i < x.length; i++) {
            long code = Math.round((x[i] - min) / scale);
            if (levels == 255) {
              b.put((byte) code);
            } else {
              b.putShort((short) code);
            }
            back[i] = (float) (code * scale + min);
          }
          bin.write(b.array());
          e.put("quantization", Map.of("dtype", w.quant(), "min", min, "scale", scale));
        }
        case "float16" -> {
          ByteBuffer b = bytes(x.length * 2);
          for (float v : x) {
            b.putShort(half(v));
          }
          bin.write(b.array());
          e.put("quantization", Map.of("dtype", "float16", "original_dtype", "float32"));
        }
        default -> throw new AssertionError(w.quant());
      }
      entries.add(e);
      decoded.add(Tensor.wrap(back, w.value().shape().toArray()));
    }
    Files.write(dir.resolve("group1-shard1of1.bin"), bin.toByteArray());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format", "layers-model");
    json.put("generatedBy", "keras v2.13.1");
    json.put("convertedBy", "TensorFlow.js Converter v4.10.0");
    json.put("modelTopology", topology);
    json.put(
        "weightsManifest",
        List.of(Map.of("paths", List.of("group1-shard1of1.bin"), "weights", entries)));
    Files.writeString(dir.resolve("model.json"), Json.write(json));
    return decoded;
  }

  /** A little-endian buffer of {@code n} bytes. */
  public static ByteBuffer bytes(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The float16 bits of a value exactly representable as a normal half (or zero). */
  static short half(float v) {
    if (v == 0) {
      return 0;
    }
    int sign = v < 0 ? 0x8000 : 0;
    float a = Math.abs(v);
    int e = Math.getExponent(a);
    int mantissa = Math.round((a / (float) Math.scalb(1.0, e) - 1) * 1024);
    assertEquals(a, (1 + mantissa / 1024f) * (float) Math.scalb(1.0, e), "not exact in float16");
    return (short) (sign | ((e + 15) << 10) | mantissa);
  }

  /**
   * Writes a Keras 2 file: with a {@code model_config}, a model file ({@code model_weights/...});
   * without, a {@code save_weights} file (layers at the root). Each layer's group lists its
   * weight_names and holds each weight at that path.
   */
  public static void writeKeras2(Path file, String config, Map<String, List<W>> layers)
      throws Exception {
    H5.Tree root = new H5.Tree();
    root.attributes.put("keras_version", "2.11.0");
    root.attributes.put("backend", "tensorflow");
    H5.Tree weights = root;
    if (config != null) {
      root.attributes.put("model_config", config);
      weights = root.group("model_weights");
      weights.attributes.put("keras_version", "2.11.0");
    }
    weights.attributes.put("layer_names", layers.keySet().toArray(new String[0]));
    for (Map.Entry<String, List<W>> e : layers.entrySet()) {
      H5.Tree g = weights.group(e.getKey());
      List<W> ws = e.getValue();
      if (ws.isEmpty()) {
        continue;
      }
      g.attributes.put("weight_names", ws.stream().map(W::name).toArray(String[]::new));
      for (W w : ws) {
        int slash = w.name().lastIndexOf('/');
        H5.Tree parent = slash < 0 ? g : g.group(w.name().substring(0, slash));
        parent.put(w.name().substring(slash + 1), w.value());
      }
    }
    H5.write(file, root);
  }

  /** Parses JSON text into maps, lists, strings, numbers, booleans and nulls. */
  public static Object parseJson(String text) {
    return Json.parse(text);
  }

  /** JSON text of maps, lists, strings, numbers, booleans and nulls. */
  public static String json(Object value) {
    return Json.write(value);
  }

  /** The model's config as Keras 3 writes it in a {@code .keras} file. */
  public static Map<String, Object> kerasConfig(Model m) {
    return ConfigWriter.model(m);
  }

  /**
   * The model's config as tf.keras 2 writes it ({@code model.to_json()}, an {@code .h5}'s {@code
   * model_config}): Functional is {@code Model}; no {@code module}, {@code registered_name} or
   * {@code build_config}; dtypes are strings; inputs have a {@code batch_input_shape}; a
   * BatchNormalization's axis is a list of non-negative axes; an inbound node is a list of {@code
   * [layer, node, tensor, kwargs]}.
   */
  public static Map<String, Object> keras2Config(Model m) {
    @SuppressWarnings("unchecked")
    Map<String, Object> c = (Map<String, Object>) keras2(ConfigWriter.model(m), null);
    return c;
  }

  /** {@code rank} is the input rank of the layer entry being converted (for BN axes). */
  private static Object keras2(Object v, Integer rank) {
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object o : list) {
        out.add(keras2(o, rank));
      }
      return out;
    }
    if (!(v instanceof Map<?, ?> map)) {
      return v;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    Object className = map.get("class_name");
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String k = (String) e.getKey();
      Object val = e.getValue();
      switch (k) {
        case "module", "registered_name", "build_config" -> {}
        case "class_name" -> out.put(k, "Functional".equals(val) ? "Model" : val);
        case "dtype" -> out.put(k, val instanceof Map<?, ?> ? "float32" : val);
        case "batch_shape" -> out.put("batch_input_shape", val);
        case "inbound_nodes" -> out.put(k, keras2Nodes((List<?>) val));
        case "config" -> {
          Integer r = rank;
          if (map.get("build_config") instanceof Map<?, ?> b
              && b.get("input_shape") instanceof List<?> shape) {
            r = shape.size();
          }
          Object conv = keras2(val, r);
          if ("BatchNormalization".equals(className)
              && conv instanceof Map<?, ?> cm
              && cm.get("axis") instanceof Number a) {
            @SuppressWarnings("unchecked")
            Map<String, Object> mm = (Map<String, Object>) cm;
            mm.put("axis", List.of(a.intValue() < 0 ? a.intValue() + r : a.intValue()));
          }
          out.put(k, conv);
        }
        default -> out.put(k, keras2(val, rank));
      }
    }
    return out;
  }

  private static List<Object> keras2Nodes(List<?> nodes) {
    List<Object> out = new ArrayList<>();
    for (Object n : nodes) {
      Map<?, ?> node = (Map<?, ?>) n;
      List<?> args = (List<?>) node.get("args");
      List<?> tensors = args.size() == 1 && args.get(0) instanceof List<?> inner ? inner : args;
      List<Object> refs = new ArrayList<>();
      for (Object t : tensors) {
        List<?> h = (List<?>) ((Map<?, ?>) ((Map<?, ?>) t).get("config")).get("keras_history");
        List<Object> ref = new ArrayList<>(h);
        ref.add(node.get("kwargs"));
        refs.add(ref);
      }
      out.add(refs);
    }
    return out;
  }
}
