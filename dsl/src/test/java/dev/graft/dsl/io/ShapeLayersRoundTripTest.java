package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autograd.Variable;
import dev.graft.dsl.Model;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Save and load of the padding, cropping, upsampling, causal Conv1D, Dot and TimeDistributed
 * layers: {@code .keras} archives and a TensorFlow.js {@code model.json} written with Keras's
 * names.
 */
class ShapeLayersRoundTripTest {
  private static Model imageModel() {
    clearSession();
    var img = input(6, 5, 2);
    var x = zeroPadding2d(1, 2, 0, 1).on(img);
    x = cropping2d(1, 0, 2, 1).on(x);
    x = upSampling2d(2, 1).interpolation("bilinear").on(x);
    x = upSampling2d(1, 2).on(x);
    x = timeDistributed(dense(3).activation("relu")).on(x);
    x = timeDistributed(timeDistributed(dense(2))).on(x);
    var pooled = flatten().on(globalMaxPooling2d().keepdims(true).on(x));
    return model(img, dense(1).on(concatenate(flatten().on(x), pooled)));
  }

  private static Model sequenceModel() {
    clearSession();
    var seq = input(7, 3);
    var c = conv1d(4, 3).padding("causal").dilationRate(2).on(seq);
    c = zeroPadding1d(1, 2).on(c);
    c = cropping1d(2, 0).on(c);
    c = upSampling1d(2).on(c);
    var att = dot(2, 2, c, c);
    var mixed = dotLayer(1, 1).normalize(true).on(att, c);
    var pooled = globalMaxPooling1d().on(mixed);
    var kept = flatten().on(globalMaxPooling1d().keepdims(true).on(c));
    return model(seq, dense(1).on(concatenate(pooled, kept)));
  }

  @Test
  void imageLayersRoundTripThroughKeras(@TempDir Path dir) {
    Model m = imageModel();
    Tensor x = Tensor.uniform(new Rng(1), -1f, 1f, 3, 6, 5, 2);
    m.compile(adam(), "mse");
    m.fit(x, Tensor.uniform(new Rng(2), -1f, 1f, 3, 1), epochs(1).verbose(0));
    Path file = dir.resolve("img.keras");
    m.save(file);
    Model back = Model.load(file);
    assertTrue(back.predict(x).allClose(m.predict(x), 1e-6, 1e-6));
    assertEquals(m.countParams(), back.countParams());
  }

  @Test
  void sequenceLayersRoundTripThroughKeras(@TempDir Path dir) {
    Model m = sequenceModel();
    Tensor x = Tensor.uniform(new Rng(3), -1f, 1f, 4, 7, 3);
    Path file = dir.resolve("seq.keras");
    m.save(file);
    Model back = Model.load(file);
    assertTrue(back.predict(x).allClose(m.predict(x), 1e-6, 1e-6));
  }

  @Test
  void timeDistributedRecurrentLayerRoundTrips(@TempDir Path dir) {
    clearSession();
    var in = input(3, 4, 2);
    Model m = model(in, timeDistributed(lstm(3)).on(in));
    assertEquals(
        3,
        WeightPaths.of(m, WeightPaths::savedOrder)
            .get("layers/time_distributed/layer/cell/vars")
            .size());
    Tensor x = Tensor.uniform(new Rng(4), -1f, 1f, 2, 3, 4, 2);
    Path file = dir.resolve("td_lstm.keras");
    m.save(file);
    assertTrue(Model.load(file).predict(x).allClose(m.predict(x), 1e-6, 1e-6));
  }

  @Test
  void timeDistributedWeightsSitUnderTheWrappersLayerAttribute() {
    Model m = imageModel();
    Map<String, List<Variable>> groups = WeightPaths.of(m, WeightPaths::savedOrder);
    assertEquals(List.of(), groups.get("layers/time_distributed/vars"));
    assertEquals(
        List.of("time_distributed/kernel", "time_distributed/bias"),
        groups.get("layers/time_distributed/layer/vars").stream().map(Variable::name).toList());
    // A wrapper inside a wrapper: each level is the attribute "layer".
    assertEquals(2, groups.get("layers/time_distributed_1/layer/layer/vars").size());
  }

  @Test
  void tfjsModelWithTimeDistributedLoadsByKerasWeightNames(@TempDir Path dir) throws Exception {
    String json =
        """
        {"format": "layers-model", "modelTopology": {"class_name": "Sequential", "config": {
          "name": "seq", "layers": [
            {"class_name": "TimeDistributed", "config": {"name": "td", "trainable": true,
              "batch_input_shape": [null, 3, 2],
              "layer": {"class_name": "Dense", "config": {"name": "dense_9", "units": 2,
                "activation": "linear", "use_bias": true}}}},
            {"class_name": "UpSampling1D", "config": {"name": "up", "size": 2}},
            {"class_name": "ZeroPadding1D", "config": {"name": "pad", "padding": [1, 0]}},
            {"class_name": "Cropping1D", "config": {"name": "crop", "cropping": [0, 1]}},
            {"class_name": "GlobalMaxPooling1D", "config": {"name": "gmp"}}]}},
         "weightsManifest": [{"paths": ["w.bin"], "weights": [
           {"name": "td/kernel", "shape": [2, 2], "dtype": "float32"},
           {"name": "td/bias", "shape": [2], "dtype": "float32"}]}]}
        """;
    Files.writeString(dir.resolve("model.json"), json);
    float[] w = {1, 2, 3, 4, 0.5f, -0.5f};
    java.nio.ByteBuffer buf =
        java.nio.ByteBuffer.allocate(4 * w.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float v : w) {
      buf.putFloat(v);
    }
    Files.write(dir.resolve("w.bin"), buf.array());
    Model m = Model.load(dir.resolve("model.json"));
    // Steps (1, 0), (0, 1), (1, 1) -> (1.5, 1.5), (3.5, 3.5), (4.5, 5.5); up, pad, crop keep them;
    // the maximum over steps is (4.5, 5.5).
    Tensor x = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 1, 3, 2);
    assertTrue(
        m.predict(x).allClose(Tensor.of(new float[] {4.5f, 5.5f}, 1, 2), 1e-6, 1e-6),
        "got " + m.predict(x));
  }
}
