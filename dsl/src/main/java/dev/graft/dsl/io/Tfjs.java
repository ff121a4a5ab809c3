package dev.graft.dsl.io;

import dev.graft.autograd.Variable;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Import of TensorFlow.js Layers models: {@code model.json} ({@code modelTopology} in the tf.keras
 * 2 layout, {@code weightsManifest} naming weights {@code <layer>/<weight>}) and the little-endian
 * binary shards listed there, read from the same folder.
 */
final class Tfjs {
  private Tfjs() {}

  static Model load(Path file) throws IOException {
    Cfg json = new Cfg(Json.parse(Files.readString(file, StandardCharsets.UTF_8)), "model.json");
    Cfg topology = json.cfg("modelTopology");
    if (topology.has("model_config")) {
      topology = topology.cfg("model_config");
    }
    Model m = new ConfigReader(false).model(topology);
    Map<String, Variable> byName = new HashMap<>();
    for (Variable v : m.weights()) {
      byName.put(v.name(), v);
    }
    List<KerasWeights.Assignment> out = new ArrayList<>();
    Path dir = file.toAbsolutePath().getParent();
    for (Cfg group : json.cfgs("weightsManifest")) {
      ByteBuffer data = shards(dir, group);
      for (Cfg w : group.cfgs("weights")) {
        out.add(weight(w, data, byName));
      }
      if (data.hasRemaining()) {
        throw new IllegalArgumentException(
            group.where() + ": " + data.remaining() + " bytes left over in the shards");
      }
    }
    if (out.size() != byName.size()) {
      List<String> missing = new ArrayList<>(byName.keySet());
      out.forEach(a -> missing.remove(a.variable().name()));
      throw new IllegalArgumentException("missing weights " + missing);
    }
    KerasWeights.apply(out);
    if (json.has("trainingConfig")) {
      LegacyH5.tryCompile(m, json.cfg("trainingConfig"));
    }
    return m;
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

  private static KerasWeights.Assignment weight(
      Cfg w, ByteBuffer data, Map<String, Variable> byName) {
    String name = w.str("name");
    Variable v = byName.get(name);
    if (v == null) {
      throw new IllegalArgumentException(
          w.where() + ": weight \"" + name + "\" matches no weight of the model");
    }
    int[] dims = w.shape("shape");
    Shape shape = Shape.of(dims);
    if (!shape.equals(v.shape())) {
      throw new IllegalArgumentException(
          "weight " + name + " has shape " + shape + " but the model needs " + v.shape());
    }
    String dtype = w.str("dtype", "float32");
    if (w.has("quantization")) {
      throw new IllegalArgumentException("weight " + name + " is quantized; Graft reads float32");
    }
    int n = shape.size();
    if (data.remaining() < 4L * n) {
      throw new IllegalArgumentException("the shards end inside weight " + name + " (truncated)");
    }
    float[] values = new float[n];
    switch (dtype) {
      case "float32" -> data.asFloatBuffer().get(values);
      case "int32" -> {
        for (int i = 0; i < n; i++) {
          values[i] = data.getInt(data.position() + 4 * i);
        }
      }
      default ->
          throw new IllegalArgumentException("weight " + name + " has unsupported dtype " + dtype);
    }
    data.position(data.position() + 4 * n);
    return new KerasWeights.Assignment(v, Tensor.wrap(values, 0, shape));
  }
}
