package dev.graft.dsl.io;

import dev.graft.dsl.Layer;
import dev.graft.dsl.Model;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Import of TensorFlow.js Layers models: {@code model.json} ({@code modelTopology} holding the
 * model config directly or under {@code model_config}, {@code weightsManifest} listing the weights
 * with their names, shapes, dtypes and optional quantization) and the little-endian binary shards
 * listed there, read from the same folder. Weights go to layers as {@link WeightMatcher} pairs
 * them; quantized weights are dequantized as TensorFlow.js's {@code decodeWeights} does.
 */
final class Tfjs {
  private Tfjs() {}

  static Model load(Path file) throws IOException {
    Cfg json = layersModel(file);
    Cfg topology = json.cfg("modelTopology");
    String version = topology.str("keras_version", "");
    if (topology.has("model_config")) {
      topology = topology.cfg("model_config");
    }
    ConfigReader reader = new ConfigReader(LegacyH5.isKeras3(version));
    Model m = reader.model(topology);
    KerasWeights.apply(assignments(json, file, m, reader.order::get));
    if (json.has("trainingConfig")) {
      LegacyH5.tryCompile(m, json.cfg("trainingConfig"));
    }
    return m;
  }

  /**
   * The weights of a {@code model.json} paired with the variables of {@code m} (layers in {@code
   * order}), checked but not applied.
   */
  static List<KerasWeights.Assignment> weights(
      Path file, Model m, Function<Model, List<Layer>> order) throws IOException {
    return assignments(layersModel(file), file, m, order);
  }

  private static Cfg layersModel(Path file) throws IOException {
    Cfg json = new Cfg(Json.parse(Files.readString(file, StandardCharsets.UTF_8)), "model.json");
    String format = json.str("format", "layers-model");
    if (!format.equals("layers-model") || !json.has("modelTopology")) {
      throw new IllegalArgumentException(
          "model.json is a TensorFlow.js "
              + format
              + (json.has("modelTopology") ? "" : " without modelTopology")
              + ": Graft reads layers models (format \"layers-model\", as tf.LayersModel.save or"
              + " tensorflowjs_converter --output_format=tfjs_layers_model write them)");
    }
    return json;
  }

  private static List<KerasWeights.Assignment> assignments(
      Cfg json, Path file, Model m, Function<Model, List<Layer>> order) throws IOException {
    List<WeightMatcher.Stored> stored = new ArrayList<>();
    Path dir = file.toAbsolutePath().getParent();
    for (Cfg group : json.cfgs("weightsManifest")) {
      ByteBuffer data = shards(dir, group);
      for (Cfg w : group.cfgs("weights")) {
        stored.add(new WeightMatcher.Stored(w.str("name"), decode(w, data)));
      }
      if (data.hasRemaining()) {
        throw new IllegalArgumentException(
            group.where() + ": " + data.remaining() + " bytes left over in the shards");
      }
    }
    return WeightMatcher.model(m, order, stored);
  }

  private static ByteBuffer shards(Path dir, Cfg group) throws IOException {
    List<byte[]> parts = new ArrayList<>();
    int total = 0;
    for (Object p : group.list("paths")) {
      if (!(p instanceof String s) || s.contains("..") || s.startsWith("/")) {
        throw new IllegalArgumentException(group.where() + ": bad shard path " + p);
      }
      byte[] b = Files.readAllBytes(dir.resolve(s));
      parts.add(b);
      total = Math.addExact(total, b.length);
    }
    ByteBuffer buf = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    parts.forEach(buf::put);
    return buf.flip();
  }

  /** Reads one manifest entry's values from {@code data}, advancing it past them. */
  static Tensor decode(Cfg w, ByteBuffer data) {
    String name = w.str("name");
    Shape shape = Shape.of(w.shape("shape"));
    String dtype = w.str("dtype", "float32");
    if (!dtype.equals("float32") && !dtype.equals("int32")) {
      throw new IllegalArgumentException(
          "weight " + name + " has dtype " + dtype + "; Graft reads float32 and int32 weights");
    }
    int n = shape.size();
    float[] values = new float[n];
    if (w.has("quantization")) {
      dequantize(name, dtype, w.cfg("quantization"), data, values);
    } else {
      need(name, data, 4L * n);
      if (dtype.equals("float32")) {
        data.asFloatBuffer().get(values);
        data.position(data.position() + 4 * n);
      } else {
        for (int i = 0; i < n; i++) {
          values[i] = data.getInt();
        }
      }
    }
    return Tensor.wrap(values, 0, shape);
  }

  /**
   * TensorFlow.js's dequantization: {@code uint8}/{@code uint16} codes {@code v} become {@code v *
   * scale + min} (computed in double, stored as float32; rounded for int32 weights), {@code
   * float16} values are widened.
   */
  private static void dequantize(
      String name, String dtype, Cfg q, ByteBuffer data, float[] values) {
    String kind = q.str("dtype");
    int n = values.length;
    switch (kind) {
      case "uint8", "uint16" -> {
        if (!q.has("min") || !q.has("scale")) {
          throw new IllegalArgumentException(
              "weight " + name + " is quantized as " + kind + " without its min and scale");
        }
        double min = q.num("min", 0);
        double scale = q.num("scale", 1);
        boolean bytes = kind.equals("uint8");
        need(name, data, (bytes ? 1L : 2L) * n);
        boolean round = dtype.equals("int32");
        for (int i = 0; i < n; i++) {
          int v = bytes ? data.get() & 0xff : data.getShort() & 0xffff;
          double x = v * scale + min;
          values[i] = (float) (round ? Math.round(x) : x);
        }
      }
      case "float16" -> {
        if (!dtype.equals("float32")) {
          throw new IllegalArgumentException(
              "weight " + name + " is quantized as float16, which only float32 weights can be");
        }
        need(name, data, 2L * n);
        for (int i = 0; i < n; i++) {
          values[i] = halfToFloat(data.getShort());
        }
      }
      default ->
          throw new IllegalArgumentException(
              "weight "
                  + name
                  + " has quantization dtype "
                  + kind
                  + "; TensorFlow.js (and Graft) know uint8, uint16 and float16");
    }
  }

  private static void need(String name, ByteBuffer data, long bytes) {
    if (data.remaining() < bytes) {
      throw new IllegalArgumentException(
          "the shards end inside weight "
              + name
              + " (truncated): it needs "
              + bytes
              + " bytes, "
              + data.remaining()
              + " are left");
    }
  }

  /** An IEEE 754 half-precision value as a float (exact: every half is a float). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exp == 0) {
      float v = mantissa * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mantissa << 13));
  }
}
