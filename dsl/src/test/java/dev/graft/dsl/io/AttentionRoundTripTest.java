package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Model;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attention layers in {@code .keras} files: Keras 3's weight groups and shapes
 * (MultiHeadAttention's {@code _query_dense/vars} ...), the call's tensors and options in {@code
 * args}/{@code kwargs}, a round trip, and configs written the ways Keras writes them (tensors as
 * keyword arguments, Keras 2 node lists).
 */
class AttentionRoundTripTest {
  @TempDir Path dir;

  private static Model sample() {
    var q = input("q", 5, 4);
    var v = input("v", 3, 6);
    var mask = input("mask", 5, 3);
    var y = multiHeadAttention(2, 3).valueDim(2).useCausalMask(true).name("mha").on(q, v, v, mask);
    var a = attention().useScale(true).useCausalMask(true).name("att").on(y, q);
    var b = additiveAttention().on(a, q, q);
    Model m = model(List.of(q, v, mask), dense(1).on(flatten().on(b)));
    m.compile(adam(), "mse");
    return m;
  }

  private static List<Tensor> data() {
    Rng rng = new Rng(4);
    Tensor mask = Tensor.randint(rng, 0, 2, 3, 5, 3);
    return List.of(Tensor.rand(rng, 3, 5, 4), Tensor.rand(rng, 3, 3, 6), mask);
  }

  @Test
  void kerasWeightGroupsShapesAndCallArgumentsRoundTrip() throws Exception {
    Model m = sample();
    m.fit(data(), Tensor.rand(new Rng(5), 3, 1), epochs(1).verbose(0));
    Path file = dir.resolve("att.keras");
    m.save(file);
    Map<String, byte[]> entries = KerasArchive.entries(file);
    Path h5 = dir.resolve("model.weights.h5");
    Files.write(h5, entries.get("model.weights.h5"));
    try (HdfFile f = new HdfFile(h5)) {
      String mha = "layers/multi_head_attention/";
      assertShape(f, mha + "_query_dense/vars/0", 4, 2, 3);
      assertShape(f, mha + "_query_dense/vars/1", 2, 3);
      assertShape(f, mha + "_key_dense/vars/0", 6, 2, 3);
      assertShape(f, mha + "_value_dense/vars/0", 6, 2, 2);
      assertShape(f, mha + "_value_dense/vars/1", 2, 2);
      assertShape(f, mha + "_output_dense/vars/0", 2, 2, 4);
      assertShape(f, mha + "_output_dense/vars/1", 4);
      assertTrue(f.getByPath(mha + "_softmax/vars") != null);
      assertShape(f, "layers/attention/vars/0");
      assertShape(f, "layers/additive_attention/vars/0", 4);
    }
    String config = new String(entries.get("config.json"), StandardCharsets.UTF_8);
    Map<?, ?> node = inboundNode(Json.parse(config), "mha");
    assertEquals(2, ((List<?>) node.get("args")).size(), config);
    Map<?, ?> kwargs = (Map<?, ?>) node.get("kwargs");
    assertTrue(
        kwargs.containsKey("key") && kwargs.containsKey("attention_mask"), kwargs.toString());
    assertEquals(true, kwargs.get("use_causal_mask"));
    assertEquals(
        true,
        ((Map<?, ?>) inboundNode(Json.parse(config), "att").get("kwargs")).get("use_causal_mask"));

    Model back = Model.load(file);
    List<Tensor> x = data();
    assertTrue(back.predict(x).get(0).allClose(m.predict(x).get(0), 1e-6, 1e-6));
    assertEquals(m.countParams(), back.countParams());
  }

  private static void assertShape(HdfFile f, String path, int... dims) {
    Dataset d = (Dataset) f.getByPath(path);
    int[] got = d.getDimensions();
    assertEquals(Shape.of(dims), Shape.of(got), path);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> layer(Object config, String name) {
    Map<String, Object> c = (Map<String, Object>) ((Map<String, Object>) config).get("config");
    for (Object l : (List<Object>) c.get("layers")) {
      Map<String, Object> e = (Map<String, Object>) l;
      if (name.equals(e.get("name"))) {
        return e;
      }
    }
    throw new AssertionError("no layer " + name);
  }

  private static Map<?, ?> inboundNode(Object config, String name) {
    return (Map<?, ?>) ((List<?>) layer(config, name).get("inbound_nodes")).get(0);
  }

  /** The archive with its config.json replaced by {@code config}. */
  private Path withConfig(Path keras, Object config, String name) throws IOException {
    Map<String, byte[]> entries = KerasArchive.entries(keras);
    entries.put("config.json", Json.write(config).getBytes(StandardCharsets.UTF_8));
    Path out = dir.resolve(name);
    try (OutputStream os = Files.newOutputStream(out);
        ZipOutputStream zip = new ZipOutputStream(os)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out;
  }

  private static Map<String, Object> tensorRef(String layer) {
    return Map.of(
        "class_name",
        "__keras_tensor__",
        "config",
        Map.of("shape", List.of(), "dtype", "float32", "keras_history", List.of(layer, 0, 0)));
  }

  @Test
  @SuppressWarnings("unchecked")
  void configsWrittenTheOtherWaysKerasWritesThemLoad() throws Exception {
    Model m = sample();
    Path file = dir.resolve("att.keras");
    m.save(file);
    List<Tensor> x = data();
    Tensor want = m.predict(x).get(0);
    Object config =
        Json.parse(
            new String(KerasArchive.entries(file).get("config.json"), StandardCharsets.UTF_8));

    // mha(query=q, value=v, attention_mask=mask, use_causal_mask=True): every tensor a keyword.
    Map<String, Object> kw = new java.util.LinkedHashMap<>();
    kw.put("query", tensorRef("q"));
    kw.put("value", tensorRef("v"));
    kw.put("attention_mask", tensorRef("mask"));
    kw.put("use_causal_mask", true);
    kw.put("return_attention_scores", false);
    kw.put("training", null);
    Map<String, Object> node = new java.util.LinkedHashMap<>();
    node.put("args", List.of());
    node.put("kwargs", kw);
    layer(config, "mha").put("inbound_nodes", List.of(node));
    assertTrue(
        Model.load(withConfig(file, config, "kw.keras"))
            .predict(x)
            .get(0)
            .allClose(want, 1e-6, 1e-6));

    // tf.keras 2: [[query entry with the other arguments in its kwargs]].
    Map<String, Object> k2 = new java.util.LinkedHashMap<>();
    k2.put("value", List.of("v", 0, 0));
    k2.put("attention_mask", List.of("mask", 0, 0));
    k2.put("use_causal_mask", true);
    List<Object> entry = new ArrayList<>(List.of("q", 0, 0, k2));
    layer(config, "mha").put("inbound_nodes", List.of(List.of(entry)));
    assertTrue(
        Model.load(withConfig(file, config, "k2.keras"))
            .predict(x)
            .get(0)
            .allClose(want, 1e-6, 1e-6));

    // Without use_causal_mask the file means another computation: it must not load as this one.
    k2.remove("use_causal_mask");
    Tensor other = Model.load(withConfig(file, config, "nc.keras")).predict(x).get(0);
    assertTrue(!other.allClose(want, 1e-6, 1e-6));

    // Options Graft cannot honour are refused with the layer's name.
    k2.put("query_mask", List.of("mask", 0, 0));
    Path bad = withConfig(file, config, "bad.keras");
    ModelFileException e = assertThrows(ModelFileException.class, () -> Model.load(bad));
    assertTrue(e.getMessage().contains("query_mask"), e.getMessage());

    Map<String, Object> mhaConfig = (Map<String, Object>) layer(config, "mha").get("config");
    k2.remove("query_mask");
    mhaConfig.put("attention_axes", List.of(2));
    Path axes = withConfig(file, config, "axes.keras");
    e = assertThrows(ModelFileException.class, () -> Model.load(axes));
    assertTrue(e.getMessage().contains("attention_axes"), e.getMessage());
  }
}
