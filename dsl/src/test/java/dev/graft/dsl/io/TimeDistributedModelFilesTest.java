package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;
import static dev.graft.dsl.io.ExporterFiles.writeKeras2;
import static dev.graft.dsl.io.ExporterFiles.writeTfjs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autograd.Variable;
import dev.graft.dsl.Layer;
import dev.graft.dsl.Model;
import dev.graft.dsl.Sequential;
import dev.graft.dsl.io.ExporterFiles.W;
import dev.graft.layers.BatchNormalization;
import dev.graft.layers.Dense;
import dev.graft.layers.TimeDistributed;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import io.jhdf.HdfFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code TimeDistributed} around a nested Sequential or Functional model loads from Keras 3 {@code
 * .keras}, Keras 2 {@code .h5} and TensorFlow.js files written with Keras's names, and saves with
 * the model written whole under the wrapper's {@code layer} and its weights under {@code
 * layers/time_distributed/layer/layers/...}, as Keras 3 writes them.
 */
class TimeDistributedModelFilesTest {
  private final Rng rng = new Rng(33);

  private Tensor values(int... dims) {
    return Tensor.uniform(rng, -0.5f, 0.5f, dims);
  }

  private static void samePredictions(Model a, Model b, Tensor x) {
    double d = Fixtures.maxDiff(a.predict(x), b.predict(x));
    assertTrue(d <= 1e-6, "max |diff| = " + d);
  }

  private static TimeDistributed wrapper(Model m) {
    return (TimeDistributed) m.getLayer("time_distributed");
  }

  /**
   * The Keras 2 model of these tests: frames (4, 3) -> TimeDistributed(Sequential "encoder":
   * Dense(4, relu) "dense_1", frozen BatchNormalization, Dense(2) "dense_2") -> Dense(1) "head".
   */
  private static final String KERAS2_CONFIG =
      """
      {"class_name": "Model", "config": {"name": "model", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4, 3],
          "dtype": "float32", "sparse": false, "ragged": false, "name": "frames"},
          "name": "frames", "inbound_nodes": []},
        {"class_name": "TimeDistributed", "config": {"name": "time_distributed",
          "trainable": true, "dtype": "float32",
          "layer": {"class_name": "Sequential", "config": {"name": "encoder", "layers": [
            {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3],
              "dtype": "float32", "sparse": false, "ragged": false, "name": "dense_1_input"}},
            {"class_name": "Dense", "config": {"name": "dense_1", "trainable": true,
              "dtype": "float32", "units": 4, "activation": "relu", "use_bias": true}},
            {"class_name": "BatchNormalization", "config": {"name": "batch_normalization",
              "trainable": false, "dtype": "float32", "axis": [1], "momentum": 0.99,
              "epsilon": 0.001, "center": true, "scale": true}},
            {"class_name": "Dense", "config": {"name": "dense_2", "trainable": true,
              "dtype": "float32", "units": 2, "activation": "linear", "use_bias": true}}]}}},
          "name": "time_distributed", "inbound_nodes": [[["frames", 0, 0, {}]]]},
        {"class_name": "Flatten", "config": {"name": "flatten", "trainable": true,
          "dtype": "float32"}, "name": "flatten",
          "inbound_nodes": [[["time_distributed", 0, 0, {}]]]},
        {"class_name": "Dense", "config": {"name": "head", "trainable": true, "dtype": "float32",
          "units": 1, "activation": "linear", "use_bias": true}, "name": "head",
          "inbound_nodes": [[["flatten", 0, 0, {}]]]}],
        "input_layers": [["frames", 0, 0]], "output_layers": [["head", 0, 0]]},
       "keras_version": "2.11.0", "backend": "tensorflow"}
      """;

  /** The weights of the Keras 2 model, in Keras's legacy order per layer. */
  private record Keras2Weights(
      Tensor k1, Tensor b1, Tensor k2, Tensor b2, List<Tensor> bn, Tensor kh, Tensor bh) {}

  private Keras2Weights keras2Weights() {
    return new Keras2Weights(
        values(3, 4),
        values(4),
        values(4, 2),
        values(2),
        List.of(
            Tensor.uniform(rng, 0.5f, 1.5f, 4),
            values(4),
            values(4),
            Tensor.uniform(rng, 0.5f, 2f, 4)),
        values(8, 1),
        values(1));
  }

  /** The Keras 2 model built in Graft, holding {@code w}. */
  private static Model keras2Twin(Keras2Weights w) {
    Dense d1 = dense(4).activation("relu");
    BatchNormalization bn = batchNormalization();
    Dense d2 = dense(2);
    Model encoder = sequential(input(3), d1, bn, d2);
    var frames = input(4, 3);
    Dense head = dense(1);
    Model m = model(frames, head.on(flatten().on(timeDistributed(encoder).on(frames))));
    d1.setWeights(List.of(w.k1(), w.b1()));
    bn.setWeights(w.bn());
    d2.setWeights(List.of(w.k2(), w.b2()));
    head.setWeights(List.of(w.kh(), w.bh()));
    return m;
  }

  /**
   * The wrapper's group lists the model's trainable weights layer by layer, then the frozen
   * BatchNormalization's four (Keras 2's {@code _legacy_weights}); names as tf.keras writes them
   * with and without the wrapper's scope, or Keras 1's {@code param_N} (matched in that order).
   */
  @ParameterizedTest
  @ValueSource(strings = {"time_distributed/", "", "param"})
  void keras2H5Loads(String naming, @TempDir Path dir) throws Exception {
    Keras2Weights w = keras2Weights();
    String[] names = {
      "dense_1/kernel:0",
      "dense_1/bias:0",
      "dense_2/kernel:0",
      "dense_2/bias:0",
      "batch_normalization/gamma:0",
      "batch_normalization/beta:0",
      "batch_normalization/moving_mean:0",
      "batch_normalization/moving_variance:0"
    };
    Tensor[] vals = {
      w.k1(), w.b1(), w.k2(), w.b2(), w.bn().get(0), w.bn().get(1), w.bn().get(2), w.bn().get(3)
    };
    List<W> td = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      td.add(new W(naming.equals("param") ? "param_" + i : naming + names[i], vals[i]));
    }
    Map<String, List<W>> layers = new LinkedHashMap<>();
    layers.put("frames", List.of());
    layers.put("time_distributed", td);
    layers.put("flatten", List.of());
    layers.put("head", List.of(new W("head/kernel:0", w.kh()), new W("head/bias:0", w.bh())));
    Path file = dir.resolve("td.h5");
    writeKeras2(file, KERAS2_CONFIG, layers);
    Model loaded = Model.load(file);
    samePredictions(loaded, keras2Twin(w), Tensor.uniform(new Rng(5), -1f, 1f, 3, 4, 3));
    Model encoder = (Model) wrapper(loaded).layer();
    assertTrue(encoder instanceof Sequential);
    assertEquals("encoder", encoder.name());
    // The file's frozen BatchNormalization stays frozen under a trainable wrapper.
    assertFalse(encoder.getLayer("batch_normalization").trainable());
    assertTrue(encoder.getLayer("dense_1").trainable());
    assertEquals(4, wrapper(loaded).trainableWeights().size());
  }

  /** TensorFlow.js: the wrapper around a Functional ("Model") encoder, names in the manifest. */
  @Test
  void tfjsLoads(@TempDir Path dir) throws Exception {
    String topology =
        """
        {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
          {"class_name": "TimeDistributed", "config": {"name": "time_distributed",
            "trainable": true, "batch_input_shape": [null, 4, 3], "dtype": "float32",
            "layer": {"class_name": "Model", "config": {"name": "encoder", "layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3],
                "dtype": "float32", "sparse": false, "name": "pixels"}, "name": "pixels",
                "inbound_nodes": []},
              {"class_name": "Dense", "config": {"name": "dense_3", "units": 2,
                "activation": "tanh", "use_bias": true}, "name": "dense_3",
                "inbound_nodes": [[["pixels", 0, 0, {}]]]}],
              "input_layers": [["pixels", 0, 0]], "output_layers": [["dense_3", 0, 0]]}}}},
          {"class_name": "LSTM", "config": {"name": "lstm", "units": 2,
            "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": true,
            "return_sequences": false}}]}}
        """;
    Tensor k = values(3, 2);
    Tensor b = values(2);
    Tensor lk = values(2, 8);
    Tensor lr = values(2, 8);
    Tensor lb = values(8);
    writeTfjs(
        dir,
        ExporterFiles.parseJson(topology),
        List.of(
            new W("time_distributed/dense_3/kernel", k),
            new W("time_distributed/dense_3/bias", b),
            new W("lstm/lstm_cell/kernel", lk),
            new W("lstm/lstm_cell/recurrent_kernel", lr),
            new W("lstm/lstm_cell/bias", lb)));
    Model loaded = Model.load(dir.resolve("model.json"));

    var pixels = input(3);
    Dense d = dense(2).activation("tanh");
    Model encoder = model(pixels, d.on(pixels));
    var frames = input(4, 3);
    Layer lstm = lstm(2);
    Model want = model(frames, lstm.on(timeDistributed(encoder).on(frames)));
    d.setWeights(List.of(k, b));
    lstm.setWeights(List.of(lk, lr, lb));
    samePredictions(loaded, want, Tensor.uniform(new Rng(6), -1f, 1f, 3, 4, 3));
  }

  /**
   * Keras 3: the config holds the model whole as the wrapper's {@code layer}; the weights sit under
   * the wrapper's attribute {@code layer} and the model's {@code layers}.
   */
  @Test
  void keras3RoundTripsWithKerasPaths(@TempDir Path dir) throws Exception {
    clearSession();
    Model m = keras2Twin(keras2Weights());
    Map<String, List<Variable>> groups = WeightPaths.of(m, WeightPaths::savedOrder);
    String base = "layers/time_distributed/layer/";
    assertEquals(List.of(), groups.get("layers/time_distributed/vars"));
    assertEquals(List.of(), groups.get(base + "vars"));
    assertEquals(2, groups.get(base + "layers/dense/vars").size());
    assertEquals(4, groups.get(base + "layers/batch_normalization/vars").size());
    assertEquals(2, groups.get(base + "layers/dense_1/vars").size());
    Path file = dir.resolve("td.keras");
    m.save(file);
    Map<String, byte[]> entries = KerasArchive.entries(file);
    try (HdfFile h5 = HdfFile.fromBytes(entries.get("model.weights.h5"))) {
      assertNotNull(H5.find(h5, base + "layers/batch_normalization/vars/3"));
      assertNotNull(H5.find(h5, base + "layers/dense_1/vars/1"));
    }
    Cfg config =
        new Cfg(
            Json.parse(new String(entries.get("config.json"), StandardCharsets.UTF_8)), "config");
    Cfg td = config.cfg("config").cfgs("layers").get(1);
    assertEquals("TimeDistributed", td.str("class_name"));
    Cfg wrapped = td.cfg("config").cfg("layer");
    assertEquals("Sequential", wrapped.str("class_name"));
    assertEquals("keras", wrapped.str("module"));
    assertEquals(4, wrapped.cfg("config").cfgs("layers").size()); // InputLayer + 3 layers

    Model back = Model.load(file);
    samePredictions(m, back, Tensor.uniform(new Rng(7), -1f, 1f, 2, 4, 3));
    assertEquals(m.countParams(), back.countParams());
  }

  /** A frozen inner layer and a wrapper inside a wrapper survive a round trip. */
  @Test
  void nestedWrappersAndFrozenLayersRoundTrip(@TempDir Path dir) {
    clearSession();
    Dense frozen = dense(3).activation("tanh");
    Model inner = sequential(input(2), frozen, dense(2));
    frozen.trainable(false);
    var clips = input(3, 4, 2);
    Layer outerWrapper = timeDistributed(timeDistributed(inner)).name("per_clip");
    Model m = model(clips, outerWrapper.on(clips));
    Path file = dir.resolve("nested.keras");
    m.save(file);
    Model back = Model.load(file);
    samePredictions(m, back, Tensor.uniform(new Rng(8), -1f, 1f, 2, 3, 4, 2));
    TimeDistributed outer = (TimeDistributed) back.getLayer("per_clip");
    Model loadedInner = (Model) ((TimeDistributed) outer.layer()).layer();
    assertFalse(loadedInner.getLayer(frozen.name()).trainable());
    assertEquals(2, outer.trainableWeights().size());
  }

  /**
   * A Sequential Keras built on the wrapper's input saves no input shape of its own: it is the
   * wrapper's {@code batch_input_shape} without the time axis, or its {@code build_input_shape}.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aWrappedSequentialWithoutInputLayerTakesTheWrappersStepShape(
      boolean buildInputShape, @TempDir Path dir) throws Exception {
    // Either the wrapper (first of the stack) or the encoder ("BUILD") carries the shape.
    String input =
        "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 4, 3],"
            + " \"name\": \"frames\"}},";
    String config =
        """
        {"class_name": "Sequential", "config": {"name": "sequential", "layers": [INPUT
          {"class_name": "TimeDistributed", "config": {"name": "time_distributed",
            "trainable": true, SHAPE "dtype": "float32",
            "layer": {"class_name": "Sequential", "config": {"name": "encoder", BUILD
              "layers": [{"class_name": "Dense", "config": {"name": "dense_5", "units": 2,
                "activation": "relu", "use_bias": true}}]}}}}]}}
        """
            .replace("INPUT", buildInputShape ? input : "")
            .replace("SHAPE", buildInputShape ? "" : "\"batch_input_shape\": [null, 4, 3],")
            .replace("BUILD", buildInputShape ? "\"build_input_shape\": [null, 3]," : "");
    Tensor k = values(3, 2);
    Tensor b = values(2);
    Map<String, List<W>> layers = new LinkedHashMap<>();
    layers.put(
        "time_distributed",
        List.of(
            new W("time_distributed/dense_5/kernel:0", k),
            new W("time_distributed/dense_5/bias:0", b)));
    Path file = dir.resolve("lazy.h5");
    writeKeras2(file, config, layers);
    Model loaded = Model.load(file);
    Dense d = dense(2).activation("relu");
    var frames = input(4, 3);
    Model want = model(frames, timeDistributed(sequential(input(3), d)).on(frames));
    d.setWeights(List.of(k, b));
    samePredictions(loaded, want, Tensor.uniform(new Rng(9), -1f, 1f, 2, 4, 3));
  }

  @Test
  void aLayerConfigWrappingAModelLoads() {
    Layer l =
        ModelIO.layerFromConfig(
            """
            {"class_name": "TimeDistributed", "config": {"name": "td", "layer":
              {"class_name": "Sequential", "config": {"name": "inner", "layers": [
                {"class_name": "Dense", "config": {"name": "d", "units": 2,
                  "batch_input_shape": [null, 5]}}]}}}}
            """);
    TimeDistributed td = (TimeDistributed) l;
    assertEquals("td", td.name());
    assertEquals("inner", td.layer().name());
    assertEquals(12, td.countParams());
  }

  @Test
  void aWrappedModelWithoutInputShapeIsRefusedWithWhereItIs() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelIO.layerFromConfig(
                    """
                    {"class_name": "TimeDistributed", "config": {"name": "td", "layer":
                      {"class_name": "Sequential", "config": {"name": "inner", "layers": [
                        {"class_name": "Dense", "config": {"name": "d", "units": 2}}]}}}}
                    """));
    assertTrue(e.getMessage().contains("config.layer"), e.getMessage());
    assertTrue(e.getMessage().contains("no InputLayer"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelIO.layerFromConfig(
                    """
                    {"class_name": "TimeDistributed", "config": {"name": "td", "layer":
                      {"class_name": "InputLayer", "config": {"batch_shape": [null, 2]}}}}
                    """));
    assertTrue(e.getMessage().contains("cannot wrap an InputLayer"), e.getMessage());
  }
}
