package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;
import static dev.graft.dsl.io.ExporterFiles.bytes;
import static dev.graft.dsl.io.ExporterFiles.writeKeras2;
import static dev.graft.dsl.io.ExporterFiles.writeTfjs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Layer;
import dev.graft.dsl.Model;
import dev.graft.dsl.SymbolicTensor;
import dev.graft.dsl.io.ExporterFiles.W;
import dev.graft.layers.BatchNormalization;
import dev.graft.layers.Bidirectional;
import dev.graft.layers.Dense;
import dev.graft.layers.Lstm;
import dev.graft.layers.Recurrent;
import dev.graft.layers.Rescaling;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import java.nio.ByteBuffer;
import java.nio.file.Files;
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
 * Files written by hand the way TensorFlow.js's converter and Keras 2's {@code .h5} writer name
 * weights (RNN cell scopes, model-name prefixes, Bidirectional {@code forward_}/{@code backward_}
 * layers, nested models, {@code :0} suffixes, quantized shards) load and predict exactly what the
 * same model built in Graft with the same weights predicts.
 */
class ExportedNamesTest {

  private final Rng rng = new Rng(14);

  private Tensor values(int... dims) {
    return Tensor.uniform(rng, -0.5f, 0.5f, dims);
  }

  /** Values of the form k/64, exact in float16. */
  private Tensor halfExact(int... dims) {
    Tensor t = values(dims);
    float[] a = t.toArray();
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.round(a[i] * 64) / 64f;
    }
    return Tensor.wrap(a, dims);
  }

  /**
   * Asserts both models predict the same: a weight given to the wrong variable moves predictions by
   * about 0.1; the same weights differ only by float rounding (plans may sum in other orders).
   */
  private static void samePredictions(Model a, Model b, Tensor x) {
    double d = Fixtures.maxDiff(a.predict(x), b.predict(x));
    assertTrue(d <= 1e-6, "max |diff| = " + d);
  }

  private static final String LSTM_KEYS =
      "\"trainable\": true, \"dtype\": \"float32\", \"return_state\": false,"
          + " \"go_backwards\": false, \"stateful\": false, \"unroll\": false, \"time_major\":"
          + " false, \"activation\": \"tanh\", \"recurrent_activation\": \"sigmoid\", \"use_bias\":"
          + " true, \"unit_forget_bias\": true, \"dropout\": 0.0, \"recurrent_dropout\": 0.0,"
          + " \"implementation\": 2";

  /** tf.keras 2's Sequential [LSTM(4, return_sequences), Bidirectional(LSTM(3)), Dense(2)]. */
  private static final String RNN_SEQUENTIAL =
      """
      {"class_name": "Sequential", "config": {"name": "sequential_4", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 5, 3],
          "dtype": "float32", "sparse": false, "ragged": false, "name": "lstm_2_input"}},
        {"class_name": "LSTM", "config": {"name": "lstm_2", "units": 4,
          "return_sequences": true, KEYS}},
        {"class_name": "Bidirectional", "config": {"name": "bidirectional", "trainable": true,
          "dtype": "float32", "merge_mode": "concat", "layer": {"class_name": "LSTM",
          "config": {"name": "lstm_3", "units": 3, "return_sequences": false, KEYS}}}},
        {"class_name": "Dense", "config": {"name": "dense_8", "trainable": true,
          "dtype": "float32", "units": 2, "activation": "linear", "use_bias": true}}]}}
      """
          .replace("KEYS", LSTM_KEYS);

  @Test
  void tfjsCellScopesAndBidirectionalNamesLoadWithQuantizedWeights(@TempDir Path dir)
      throws Exception {
    Tensor k1 = values(3, 16);
    Tensor rk1 = values(4, 16);
    Tensor b1 = values(16);
    Tensor fk = values(4, 12);
    Tensor frk = values(3, 12);
    Tensor fb = halfExact(12);
    Tensor bk = values(4, 12);
    Tensor brk = values(3, 12);
    Tensor bb = values(12);
    Tensor dk = values(6, 2);
    Tensor db = values(2);
    // The manifest order is not the model's: TensorFlow.js matches by name.
    List<W> manifest =
        List.of(
            new W("dense_8/kernel", dk, "uint8"),
            new W("dense_8/bias", db),
            new W("bidirectional/backward_lstm_3/lstm_cell_5/kernel", bk),
            new W("bidirectional/backward_lstm_3/lstm_cell_5/recurrent_kernel", brk),
            new W("bidirectional/backward_lstm_3/lstm_cell_5/bias", bb),
            new W("bidirectional/forward_lstm_3/lstm_cell_4/kernel", fk),
            new W("bidirectional/forward_lstm_3/lstm_cell_4/recurrent_kernel", frk),
            new W("bidirectional/forward_lstm_3/lstm_cell_4/bias", fb, "float16"),
            new W("lstm_2/lstm_cell_2/kernel", k1),
            new W("lstm_2/lstm_cell_2/recurrent_kernel", rk1, "uint16"),
            new W("lstm_2/lstm_cell_2/bias", b1));
    Map<String, Object> topology = new LinkedHashMap<>();
    topology.put("keras_version", "2.13.1");
    topology.put("backend", "tensorflow");
    topology.put("model_config", Json.parse(RNN_SEQUENTIAL));
    List<Tensor> got = writeTfjs(dir, topology, manifest);
    Model loaded = Model.load(dir.resolve("model.json"));

    Recurrent first = lstm(4).returnSequences(true);
    Bidirectional bi = bidirectional(lstm(3));
    Dense out = dense(2);
    Model want = sequential(input(5, 3), first, bi, out);
    first.setWeights(List.of(k1, got.get(9), b1));
    bi.setWeights(List.of(fk, frk, fb, bk, brk, bb));
    out.setWeights(List.of(got.get(0), db));
    assertTrue(Fixtures.maxDiff(got.get(0), dk) > 0, "uint8 codes lose precision");
    assertTrue(Fixtures.maxDiff(got.get(0), dk) <= (0.5 + 1e-6) * 1 / 255.0 + 1e-6);
    samePredictions(loaded, want, Tensor.rand(new Rng(5), 3, 5, 3));
  }

  @Test
  void tfjsTopologyWithoutModelConfigWrapperLoads(@TempDir Path dir) throws Exception {
    Tensor k = values(3, 16);
    Tensor rk = values(4, 16);
    Tensor b = values(16);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("class_name", "Sequential");
    config.put(
        "config",
        Json.parse(
            ("{\"name\": \"sequential\", \"layers\": [{\"class_name\": \"LSTM\", \"config\":"
                    + " {\"name\": \"lstm_30\", \"units\": 4, \"batch_input_shape\": [null, 7, 3],"
                    + " \"return_sequences\": false, KEYS}}]}")
                .replace("KEYS", LSTM_KEYS)));
    // Keras 2 names an LSTM's cell "lstm_cell" when it is the first one built.
    writeTfjs(
        dir,
        config,
        List.of(
            new W("lstm_30/lstm_cell/kernel", k),
            new W("lstm_30/lstm_cell/recurrent_kernel", rk),
            new W("lstm_30/lstm_cell/bias", b)));
    Model loaded = Model.load(dir.resolve("model.json"));
    Lstm l = lstm(4);
    Model want = sequential(input(7, 3), l);
    l.setWeights(List.of(k, rk, b));
    samePredictions(loaded, want, Tensor.rand(new Rng(6), 2, 7, 3));
  }

  /** outer(encoder(LSTM "lstm" -> Dense "dense") -> decoder(Dense "dense")): same inner names. */
  private static Model nestedWithSameInnerNames() {
    SymbolicTensor ein = input(6, 2);
    Layer lstm = lstm(4).name("lstm");
    Layer encDense = dense(4).name("dense");
    Model encoder = model(ein, encDense.on(lstm.on(ein)));
    encoder.name("encoder");
    SymbolicTensor din = input(4);
    Layer decDense = dense(4).activation("tanh").name("dense");
    Model decoder = model(din, decDense.on(din));
    decoder.name("decoder");
    SymbolicTensor in = input(6, 2);
    Model outer = model(in, decoder.on(encoder.on(in)));
    outer.name("outer");
    return outer;
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void tfjsModelPrefixesAndNestedScopesPickTheRightLayer(boolean keras3Names, @TempDir Path dir)
      throws Exception {
    Model want = nestedWithSameInnerNames();
    Model encoder = (Model) want.getLayer("encoder");
    Model decoder = (Model) want.getLayer("decoder");
    List<Tensor> enc = List.of(values(2, 16), values(4, 16), values(16), values(4, 4), values(4));
    List<Tensor> dec = List.of(values(4, 4), values(4));
    encoder.setWeights(enc);
    decoder.setWeights(dec);
    List<W> manifest = new ArrayList<>();
    if (keras3Names) {
      // Keras 3 variable paths: model prefixes; the decoder comes first, so only names can tell.
      manifest.add(new W("outer/decoder/dense/kernel", dec.get(0)));
      manifest.add(new W("outer/decoder/dense/bias", dec.get(1)));
      manifest.add(new W("outer/encoder/lstm/lstm_cell/kernel", enc.get(0)));
      manifest.add(new W("outer/encoder/lstm/lstm_cell/recurrent_kernel", enc.get(1)));
      manifest.add(new W("outer/encoder/lstm/lstm_cell/bias", enc.get(2)));
      manifest.add(new W("outer/encoder/dense/kernel", enc.get(3)));
      manifest.add(new W("outer/encoder/dense/bias", enc.get(4)));
    } else {
      // tf.keras 2 names nested layers without their model: "dense/kernel" twice. As in
      // TensorFlow.js and Keras, the manifest's order (the model's) decides.
      manifest.add(new W("lstm/lstm_cell/kernel:0", enc.get(0)));
      manifest.add(new W("lstm/lstm_cell/recurrent_kernel:0", enc.get(1)));
      manifest.add(new W("lstm/lstm_cell/bias:0", enc.get(2)));
      manifest.add(new W("dense/kernel:0", enc.get(3)));
      manifest.add(new W("dense/bias:0", enc.get(4)));
      manifest.add(new W("dense/kernel:0", dec.get(0)));
      manifest.add(new W("dense/bias:0", dec.get(1)));
    }
    Map<String, Object> topology = new LinkedHashMap<>();
    topology.put("keras_version", keras3Names ? "3.5.0" : "2.15.0");
    topology.put("model_config", ConfigWriter.model(want));
    writeTfjs(dir, topology, manifest);
    Model loaded = Model.load(dir.resolve("model.json"));
    samePredictions(loaded, want, Tensor.rand(new Rng(7), 3, 6, 2));
  }

  @Test
  void tfjsDequantizesAsTensorFlowJsDoes(@TempDir Path dir) throws Exception {
    // uint8 codes [0, 1, 2, 255] with min -1 and scale 0.5; uint16 codes [0, 65535] with min 0
    // and scale 2^-16; float16 bits for 1, -2, 65504, 2^-24 (subnormal), 2^-14, 1/3 (rounded).
    ByteBuffer b = bytes(4 + 4 + 12);
    b.put(new byte[] {0, 1, 2, (byte) 255});
    b.putShort((short) 0).putShort((short) 0xffff);
    for (int bits : new int[] {0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x3555}) {
      b.putShort((short) bits);
    }
    Files.write(dir.resolve("w.bin"), b.array());
    String json =
        """
        {"format": "layers-model", "modelTopology": {"class_name": "Sequential", "config": {
          "name": "s", "layers": [
          {"class_name": "Dense", "config": {"name": "a", "units": 4, "use_bias": false,
            "batch_input_shape": [null, 1]}},
          {"class_name": "Dense", "config": {"name": "b", "units": 2, "use_bias": false}},
          {"class_name": "Dense", "config": {"name": "c", "units": 3, "use_bias": false}}]}},
         "weightsManifest": [{"paths": ["w.bin"], "weights": [
          {"name": "a/kernel", "shape": [1, 4], "dtype": "float32",
           "quantization": {"dtype": "uint8", "min": -1.0, "scale": 0.5}},
          {"name": "b/kernel", "shape": [4, 2], "dtype": "float32",
           "quantization": {"dtype": "uint16", "min": 0.0, "scale": 1.52587890625e-05,
                            "original_dtype": "float32"}},
          {"name": "c/kernel", "shape": [2, 3], "dtype": "float32",
           "quantization": {"dtype": "float16"}}]}]}
        """;
    // b/kernel takes the 16 bytes meant for b and c: c/kernel finds the shard ended.
    Files.writeString(dir.resolve("model.json"), json);
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> Model.load(dir.resolve("model.json")));
    assertTrue(
        e.getMessage().contains("c/kernel") && e.getMessage().contains("truncated"),
        e.getMessage());

    ByteBuffer full = bytes(4 + 16 + 12);
    full.put(new byte[] {0, 1, 2, (byte) 255});
    for (int code : new int[] {0, 0xffff, 1, 2, 3, 4, 5, 6}) {
      full.putShort((short) code);
    }
    for (int bits : new int[] {0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x3555}) {
      full.putShort((short) bits);
    }
    Files.write(dir.resolve("w.bin"), full.array());
    Model m = Model.load(dir.resolve("model.json"));
    float s16 = (float) Math.scalb(1.0, -16);
    assertEquals(List.of(-1f, -0.5f, 0f, 126.5f), list(m.getLayer("a").weights().get(0).value()));
    assertEquals(
        List.of(
            0f,
            (float) (65535 * 1.52587890625e-05),
            s16,
            2 * s16,
            3 * s16,
            4 * s16,
            5 * s16,
            6 * s16),
        list(m.getLayer("b").weights().get(0).value()));
    assertEquals(
        List.of(
            1f,
            -2f,
            65504f,
            (float) Math.scalb(1.0, -24),
            (float) Math.scalb(1.0, -14),
            0.333251953125f),
        list(m.getLayer("c").weights().get(0).value()));
  }

  private static List<Float> list(Tensor t) {
    List<Float> out = new ArrayList<>();
    for (float v : t.toArray()) {
      out.add(v);
    }
    return out;
  }

  @Test
  void halfPrecisionSpecialValuesWiden() {
    assertEquals(Float.POSITIVE_INFINITY, Tfjs.halfToFloat((short) 0x7c00));
    assertEquals(Float.NEGATIVE_INFINITY, Tfjs.halfToFloat((short) 0xfc00));
    assertTrue(Float.isNaN(Tfjs.halfToFloat((short) 0x7e00)));
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(Tfjs.halfToFloat((short) 0x8000)));
    assertEquals(-(float) Math.scalb(1023.0, -24), Tfjs.halfToFloat((short) 0x83ff));
  }

  // ---- Keras 2 .h5 ----

  private static final String GRU_KEYS = LSTM_KEYS.replace("\"unit_forget_bias\": true, ", "");

  @Test
  void keras2H5CellScopesAndBidirectionalNamesLoad(@TempDir Path dir) throws Exception {
    String config =
        """
        {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4, 2],
            "dtype": "float32", "name": "lstm_1_input"}},
          {"class_name": "LSTM", "config": {"name": "lstm_1", "units": 3,
            "return_sequences": true, @L}},
          {"class_name": "Bidirectional", "config": {"name": "bidirectional", "merge_mode": "sum",
            "layer": {"class_name": "GRU", "config": {"name": "gru", "units": 2,
            "reset_after": true, "return_sequences": false, @G}}}},
          {"class_name": "Dense", "config": {"name": "dense_1", "units": 1,
            "activation": "sigmoid"}}]}}
        """
            .replace("@L", LSTM_KEYS)
            .replace("@G", GRU_KEYS);
    List<Tensor> l = List.of(values(2, 12), values(3, 12), values(12));
    List<Tensor> bi =
        List.of(values(3, 6), values(2, 6), values(2, 6), values(3, 6), values(2, 6), values(2, 6));
    List<Tensor> d = List.of(values(2, 1), values(1));
    Map<String, List<W>> layers = new LinkedHashMap<>();
    layers.put(
        "lstm_1",
        List.of(
            new W("lstm_1/lstm_cell_3/kernel:0", l.get(0)),
            new W("lstm_1/lstm_cell_3/recurrent_kernel:0", l.get(1)),
            new W("lstm_1/lstm_cell_3/bias:0", l.get(2))));
    List<W> biw = new ArrayList<>();
    String[] parts = {"kernel", "recurrent_kernel", "bias"};
    for (int i = 0; i < 6; i++) {
      String scope = i < 3 ? "forward_gru/gru_cell_1/" : "backward_gru/gru_cell_2/";
      biw.add(new W("bidirectional/" + scope + parts[i % 3] + ":0", bi.get(i)));
    }
    layers.put("bidirectional", biw);
    layers.put(
        "dense_1", List.of(new W("dense_1/kernel:0", d.get(0)), new W("dense_1/bias:0", d.get(1))));
    Path file = dir.resolve("rnn.h5");
    writeKeras2(file, config, layers);
    Model loaded = Model.load(file);

    Recurrent first = lstm(3).returnSequences(true);
    Bidirectional b = bidirectional(gru(2), "sum");
    Dense out = dense(1).activation("sigmoid");
    Model want = sequential(input(4, 2), first, b, out);
    first.setWeights(l);
    b.setWeights(bi);
    out.setWeights(d);
    samePredictions(loaded, want, Tensor.rand(new Rng(8), 3, 4, 2));
  }

  /** tf.keras 2 Functional ("Model") holding a nested "Model": BatchNormalization, then Dense. */
  private static final String NESTED_FUNCTIONAL =
      """
      {"class_name": "Model", "config": {"name": "model_2", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4], "dtype": "float32",
          "name": "input_1"}, "name": "input_1", "inbound_nodes": []},
        {"class_name": "Model", "config": {"name": "encoder", "layers": [
          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4],
            "dtype": "float32", "name": "input_2"}, "name": "input_2", "inbound_nodes": []},
          {"class_name": "BatchNormalization", "config": {"name": "batch_normalization",
            "axis": [1], "momentum": 0.99, "epsilon": 0.001, "center": true, "scale": true},
            "name": "batch_normalization", "inbound_nodes": [[["input_2", 0, 0, {}]]]},
          {"class_name": "Dense", "config": {"name": "dense", "units": 3, "activation": "tanh"},
            "name": "dense", "inbound_nodes": [[["batch_normalization", 0, 0, {}]]]}],
          "input_layers": [["input_2", 0, 0]], "output_layers": [["dense", 0, 0]]},
          "name": "encoder", "inbound_nodes": [[["input_1", 0, 0, {}]]]},
        {"class_name": "Dense", "config": {"name": "dense_1", "units": 2,
          "activation": "linear"}, "name": "dense_1", "inbound_nodes": [[["encoder", 1, 0, {}]]]}],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["dense_1", 0, 0]]}}
      """;

  /**
   * A nested model's weights are listed trainable first (gamma, beta, kernel, bias), then the
   * moving statistics: by name, and by that order when the names are Keras 1's {@code param_N}.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void keras2H5NestedModelWeightsLoadInKerasOrder(boolean informativeNames, @TempDir Path dir)
      throws Exception {
    Tensor gamma = Tensor.uniform(rng, 0.5f, 1.5f, 4);
    Tensor beta = values(4);
    Tensor mean = values(4);
    Tensor var = Tensor.uniform(rng, 0.5f, 2f, 4);
    Tensor k = values(4, 3);
    Tensor bias = values(3);
    Tensor k2 = values(3, 2);
    Tensor b2 = values(2);
    String[] names = {
      "batch_normalization/gamma:0",
      "batch_normalization/beta:0",
      "dense/kernel:0",
      "dense/bias:0",
      "batch_normalization/moving_mean:0",
      "batch_normalization/moving_variance:0"
    };
    Tensor[] vals = {gamma, beta, k, bias, mean, var};
    List<W> enc = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      enc.add(new W(informativeNames ? names[i] : "param_" + i, vals[i]));
    }
    Map<String, List<W>> layers = new LinkedHashMap<>();
    layers.put("input_1", List.of());
    layers.put("encoder", enc);
    layers.put("dense_1", List.of(new W("dense_1/kernel:0", k2), new W("dense_1/bias:0", b2)));
    Path file = dir.resolve("nested.h5");
    writeKeras2(file, NESTED_FUNCTIONAL, layers);
    Model loaded = Model.load(file);

    SymbolicTensor ein = input(4);
    BatchNormalization bn = batchNormalization();
    Dense dense = dense(3).activation("tanh");
    Model encoder = model(ein, dense.on(bn.on(ein)));
    SymbolicTensor in = input(4);
    Dense head = dense(2);
    Model want = model(in, head.on(encoder.on(in)));
    bn.setWeights(List.of(gamma, beta, mean, var));
    dense.setWeights(List.of(k, bias));
    head.setWeights(List.of(k2, b2));
    samePredictions(loaded, want, Tensor.rand(new Rng(9), 5, 4));
  }

  /** Functional "Model" > Sequential "block" > Functional "Model" "core": any depth loads. */
  @Test
  void keras2H5ModelsNestedThreeDeepLoad(@TempDir Path dir) throws Exception {
    String config =
        """
        {"class_name": "Model", "config": {"name": "model", "layers": [
          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3],
            "name": "input_1"}, "name": "input_1", "inbound_nodes": []},
          {"class_name": "Sequential", "config": {"name": "block", "layers": [
            {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3],
              "name": "block_input"}},
            {"class_name": "Model", "config": {"name": "core", "layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3],
                "name": "input_2"}, "name": "input_2", "inbound_nodes": []},
              {"class_name": "Dense", "config": {"name": "dense_1", "units": 4,
                "activation": "relu"}, "name": "dense_1",
                "inbound_nodes": [[["input_2", 0, 0, {}]]]}],
              "input_layers": [["input_2", 0, 0]], "output_layers": [["dense_1", 0, 0]]}},
            {"class_name": "Dense", "config": {"name": "dense_2", "units": 2}}]},
            "name": "block", "inbound_nodes": [[["input_1", 0, 0, {}]]]}],
          "input_layers": [["input_1", 0, 0]], "output_layers": [["block", 1, 0]]}}
        """;
    Tensor k1 = values(3, 4);
    Tensor b1 = values(4);
    Tensor k2 = values(4, 2);
    Tensor b2 = values(2);
    Map<String, List<W>> layers = new LinkedHashMap<>();
    layers.put("input_1", List.of());
    layers.put(
        "block",
        List.of(
            new W("dense_1/kernel:0", k1),
            new W("dense_1/bias:0", b1),
            new W("dense_2/kernel:0", k2),
            new W("dense_2/bias:0", b2)));
    Path file = dir.resolve("deep.h5");
    writeKeras2(file, config, layers);
    Model loaded = Model.load(file);

    SymbolicTensor cin = input(3);
    Dense d1 = dense(4).activation("relu");
    Model core = model(cin, d1.on(cin));
    Dense d2 = dense(2);
    Model block = sequential(input(3), core, d2);
    SymbolicTensor in = input(3);
    Model want = model(in, block.on(in));
    d1.setWeights(List.of(k1, b1));
    d2.setWeights(List.of(k2, b2));
    samePredictions(loaded, want, Tensor.rand(new Rng(11), 4, 3));
  }

  /**
   * A Keras 2 {@code save_weights} file loads into a model built in Graft (other layer names):
   * layer by layer in order, as Keras 2 does; a bad one changes nothing.
   */
  @Test
  void keras2WeightsFileLoadsInOrderAndABadOneChangesNothing(@TempDir Path dir) throws Exception {
    Recurrent l = lstm(3);
    Dense d = dense(1);
    Model m = sequential(input(4, 2), l, d);
    List<Tensor> lw = List.of(values(2, 12), values(3, 12), values(12));
    List<Tensor> dw = List.of(values(3, 1), values(1));
    Map<String, List<W>> layers = new LinkedHashMap<>();
    layers.put(
        "lstm",
        List.of(
            new W("lstm/lstm_cell/kernel:0", lw.get(0)),
            new W("lstm/lstm_cell/recurrent_kernel:0", lw.get(1)),
            new W("lstm/lstm_cell/bias:0", lw.get(2))));
    layers.put(
        "dense", List.of(new W("dense/kernel:0", dw.get(0)), new W("dense/bias:0", dw.get(1))));
    Path file = dir.resolve("w.h5");
    writeKeras2(file, null, layers);
    m.loadWeights(file);
    for (int i = 0; i < 3; i++) {
      assertEquals(0.0, Fixtures.maxDiff(l.weights().get(i).value(), lw.get(i)));
    }
    assertEquals(0.0, Fixtures.maxDiff(d.weights().get(0).value(), dw.get(0)));

    List<Tensor> before = m.getWeights();
    // New LSTM values first, a misshapen Dense kernel last: the LSTM must not take its values.
    layers.put(
        "lstm",
        List.of(
            new W("lstm/lstm_cell/kernel:0", values(2, 12)),
            new W("lstm/lstm_cell/recurrent_kernel:0", values(3, 12)),
            new W("lstm/lstm_cell/bias:0", values(12))));
    layers.put(
        "dense", List.of(new W("dense/kernel:0", values(2, 1)), new W("dense/bias:0", dw.get(1))));
    Path bad = dir.resolve("bad.h5");
    writeKeras2(bad, null, layers);
    ModelFileException e = assertThrows(ModelFileException.class, () -> m.loadWeights(bad));
    assertTrue(e.getMessage().contains("dense/kernel:0 has shape (2, 1)"), e.getMessage());
    List<Tensor> after = m.getWeights();
    for (int i = 0; i < before.size(); i++) {
      assertEquals(0.0, Fixtures.maxDiff(before.get(i), after.get(i)), "weight " + i + " changed");
    }
  }

  /**
   * Real Keras 2 files (../shared/fixtures/keras) converted as tensorflowjs_converter does: the
   * manifest lists each layer's weight_names without {@code :0} (GRU cell scopes included).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "tinymlperf_resnet8_cifar10.h5",
        "dl4j_cnn_batch_norm.h5",
        "dl4j_embedding_conv1d.hdf5",
        "hls4ml_conv1d_gru_hdf5_named.keras"
      })
  void realKeras2FilesConvertedToTfjsPredictTheSame(String name, @TempDir Path dir)
      throws Exception {
    Path source = Fixtures.shared("fixtures/keras").resolve(name);
    Model want = Model.load(source);
    List<W> ws = new ArrayList<>();
    Map<String, Object> topology = new LinkedHashMap<>();
    try (HdfFile h5 = HdfFile.fromBytes(Files.readAllBytes(source))) {
      topology.put("keras_version", H5.stringAttribute(h5, "keras_version"));
      topology.put("model_config", Json.parse(H5.stringAttribute(h5, "model_config")));
      Group weights = (Group) h5.getChild("model_weights");
      for (String layer : H5.stringsAttribute(weights, "layer_names")) {
        Group g = (Group) weights.getChild(layer);
        for (String w : H5.stringsAttribute(g, "weight_names")) {
          ws.add(new W(w.replaceAll(":0$", ""), H5.tensor((Dataset) H5.find(g, w))));
        }
      }
    }
    writeTfjs(dir, topology, ws);
    Model loaded = Model.load(dir.resolve("model.json"));
    int[] in = want.inputs().get(0).shape().toArray();
    in[0] = 2;
    Tensor x =
        name.contains("embedding")
            ? Tensor.randint(new Rng(12), 0, 3, in)
            : Tensor.rand(new Rng(12), in);
    samePredictions(loaded, want, x);
  }

  // ---- refusals: file, layer, expected and found ----

  @Test
  void aMissingTfjsWeightIsNamedWithTheLayerAndBothLists(@TempDir Path dir) throws Exception {
    List<W> manifest = new ArrayList<>();
    manifest.add(new W("lstm_2/lstm_cell_2/kernel", values(3, 16)));
    manifest.add(new W("lstm_2/lstm_cell_2/recurrent_kernel", values(4, 16)));
    manifest.add(new W("lstm_2/lstm_cell_2/bias", values(16)));
    String[] parts = {"kernel", "recurrent_kernel", "bias"};
    int[][] shapes = {{4, 12}, {3, 12}, {12}};
    for (String dirn :
        new String[] {"forward_lstm_3/lstm_cell_4/", "backward_lstm_3/lstm_cell_5/"}) {
      for (int i = 0; i < 3; i++) {
        manifest.add(new W("bidirectional/" + dirn + parts[i], values(shapes[i])));
      }
    }
    manifest.add(new W("dense_8/kernel", values(6, 2)));
    Map<String, Object> topology = Map.of("model_config", Json.parse(RNN_SEQUENTIAL));
    writeTfjs(dir, topology, manifest);
    Path file = dir.resolve("model.json");
    ModelFileException e = assertThrows(ModelFileException.class, () -> Model.load(file));
    String msg = e.getMessage();
    assertTrue(msg.startsWith(file.toString()), msg);
    assertTrue(msg.contains("layer \"dense_8\" (Dense)"), msg);
    assertTrue(msg.contains("has 2 weights; the file has 1"), msg);
    assertTrue(msg.contains("expected [dense_8/kernel (6, 2), dense_8/bias (2,)]"), msg);
    assertTrue(msg.contains("found [dense_8/kernel (6, 2)]"), msg);
  }

  @Test
  void aMisshapenH5WeightIsNamedWithBothShapes(@TempDir Path dir) throws Exception {
    Map<String, List<W>> layers = new LinkedHashMap<>();
    layers.put("input_1", List.of());
    layers.put(
        "encoder",
        List.of(
            new W("batch_normalization/gamma:0", values(4)),
            new W("batch_normalization/beta:0", values(4)),
            new W("dense/kernel:0", values(4, 3)),
            new W("dense/bias:0", values(3)),
            new W("batch_normalization/moving_mean:0", values(4)),
            new W("batch_normalization/moving_variance:0", values(4))));
    layers.put(
        "dense_1",
        List.of(new W("dense_1/kernel:0", values(3, 5)), new W("dense_1/bias:0", values(2))));
    Path file = dir.resolve("bad.h5");
    writeKeras2(file, NESTED_FUNCTIONAL, layers);
    ModelFileException e = assertThrows(ModelFileException.class, () -> Model.load(file));
    String msg = e.getMessage();
    assertTrue(msg.startsWith(file.toString()), msg);
    assertTrue(msg.contains("layer \"dense_1\" (Dense)"), msg);
    assertTrue(
        msg.contains(
            "/model_weights/dense_1/dense_1/kernel:0 has shape (3, 5) where dense_1/kernel needs (3, 2)"),
        msg);
  }

  @Test
  void unknownQuantizationAndGraphModelsAreRefusedByName(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("w.bin"), new byte[4]);
    Files.writeString(
        dir.resolve("model.json"),
        """
        {"modelTopology": {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "Dense", "config": {"name": "a", "units": 1, "use_bias": false,
            "batch_input_shape": [null, 1]}}]}},
         "weightsManifest": [{"paths": ["w.bin"], "weights": [
          {"name": "a/kernel", "shape": [1, 1], "dtype": "float32",
           "quantization": {"dtype": "int4", "min": 0, "scale": 1}}]}]}
        """);
    Path file = dir.resolve("model.json");
    String msg = assertThrows(ModelFileException.class, () -> Model.load(file)).getMessage();
    assertTrue(msg.contains("a/kernel") && msg.contains("int4"), msg);
    assertTrue(msg.contains("uint8, uint16 and float16"), msg);

    Files.writeString(
        file,
        "{\"format\": \"graph-model\", \"modelTopology\": {\"node\": []}, \"weightsManifest\": []}");
    msg = assertThrows(ModelFileException.class, () -> Model.load(file)).getMessage();
    assertTrue(msg.contains("graph-model") && msg.contains("layers-model"), msg);
  }

  // ---- Keras 3 ----

  @Test
  void keras3BidirectionalWeightsSitUnderForwardAndBackwardLayer(@TempDir Path dir)
      throws Exception {
    SymbolicTensor in = input(5, 2);
    Model m = model(in, dense(1).on(bidirectional(gru(3)).on(in)));
    Path file = dir.resolve("bi.keras");
    m.save(file);
    try (HdfFile h5 = HdfFile.fromBytes(KerasArchive.entries(file).get("model.weights.h5"))) {
      for (String side : new String[] {"forward_layer", "backward_layer"}) {
        for (int i = 0; i < 3; i++) {
          String path = "layers/bidirectional/" + side + "/cell/vars/" + i;
          assertTrue(H5.find(h5, path) != null, path);
        }
      }
      assertTrue(H5.find(h5, "layers/bidirectional/vars") != null);
    }
    Tensor x = Tensor.rand(new Rng(10), 2, 5, 2);
    samePredictions(m, Model.load(file), x);
  }

  @Test
  void aCustomLayerIsFoundByItsKeras3RegisteredName() {
    ModelIO.registerLayer("exported_names_test>Doubler", c -> new Rescaling(2f, 0f));
    Layer l =
        ModelIO.layerFromConfig(
            "{\"module\": null, \"class_name\": \"Doubler\", \"config\": {\"name\": \"twice\","
                + " \"trainable\": true}, \"registered_name\": \"exported_names_test>Doubler\"}");
    assertTrue(l instanceof Rescaling, l.toString());
    assertEquals("twice", l.name());
  }
}
