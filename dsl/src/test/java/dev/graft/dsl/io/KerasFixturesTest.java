package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Model;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Keras files (../shared/fixtures/keras, read in place): Keras 3 {@code .keras} archives and
 * legacy {@code .h5} models by Keras 2.1.3, 2.4, 2.11 and 3.10.
 */
class KerasFixturesTest {
  private static Path fixture(String name) {
    return Fixtures.shared("fixtures/keras").resolve(name);
  }

  @Test
  void legacyKeras2CnnPredictsWhatKerasPredicted() {
    Model m = Model.load(fixture("dl4j_cnn_batch_norm.h5"));
    assertEquals(79, m.countParams());
    Tensor x = Npy.read(fixture("dl4j_cnn_batch_norm.input.npy"));
    Tensor want = Npy.read(fixture("dl4j_cnn_batch_norm.predictions.npy"));
    double d = Fixtures.maxDiff(m.predict(x), want);
    assertTrue(d <= 1e-5, "max |diff| = " + d);
  }

  @Test
  void keras3ArchiveAndItsLegacyTwinPredictTheSame() {
    Model a = Model.load(fixture("keras3_mnist_cnn.keras"));
    Model b = Model.load(fixture("keras3_mnist_cnn_legacy.h5"));
    assertEquals(331_754, a.countParams());
    assertEquals(331_754, b.countParams());
    Tensor x = Tensor.rand(new Rng(7), 3, 28, 28, 1);
    Tensor pa = a.predict(x);
    double d = Fixtures.maxDiff(pa, b.predict(x));
    assertTrue(d <= 1e-6, "max |diff| = " + d);
    for (int r = 0; r < 3; r++) {
      double sum = 0;
      for (int c = 0; c < 10; c++) {
        sum += pa.get(r, c);
      }
      assertEquals(1.0, sum, 1e-5);
    }
    // compile_config and the optimizer state (Adam m/v, iterations, reduced learning rate).
    assertEquals("Adam", a.optimizer().name());
    assertEquals(17220, a.optimizer().iterations());
    assertEquals(3.125e-5, a.optimizer().learningRate(), 1e-9);
    assertEquals(List.of("loss", "accuracy"), a.metricsNames());
  }

  @Test
  void keras3OptimizerMomentsAreRestored() throws Exception {
    Model a = Model.load(fixture("keras3_mnist_cnn.keras"));
    var entries = KerasArchive.entries(fixture("keras3_mnist_cnn.keras"));
    try (HdfFile h5 = HdfFile.fromBytes(entries.get("model.weights.h5"))) {
      Tensor m0 = H5.tensor(h5.getDatasetByPath("optimizer/vars/2"));
      Tensor v0 = H5.tensor(h5.getDatasetByPath("optimizer/vars/3"));
      var kernel = a.trainableWeights().get(0);
      assertEquals(0.0, Fixtures.maxDiff(m0, a.optimizer().slots(kernel)[0]));
      assertEquals(0.0, Fixtures.maxDiff(v0, a.optimizer().slots(kernel)[1]));
    }
  }

  /** Every dataset (path to value) and group (path to null) of an HDF5 file held in memory. */
  private static Map<String, Tensor> contents(byte[] h5) {
    Map<String, Tensor> out = new TreeMap<>();
    try (HdfFile f = HdfFile.fromBytes(h5)) {
      walk(f, out);
    }
    return out;
  }

  private static void walk(Group g, Map<String, Tensor> out) {
    for (Node n : g.getChildren().values()) {
      if (n instanceof Dataset d) {
        out.put(d.getPath(), H5.tensor(d));
      } else if (n instanceof Group sub) {
        out.put(sub.getPath(), null);
        walk(sub, out);
      }
    }
  }

  @Test
  void aResavedKeras3ArchiveHasKerassOwnWeightLayout(@TempDir Path dir) throws Exception {
    Path src = fixture("keras3_mnist_cnn.keras");
    Model m = Model.load(src);
    Path out = dir.resolve("resaved.keras");
    m.save(out);
    Map<String, Tensor> theirs = contents(KerasArchive.entries(src).get("model.weights.h5"));
    Map<String, Tensor> ours = contents(KerasArchive.entries(out).get("model.weights.h5"));
    assertEquals(theirs.keySet(), ours.keySet());
    for (Map.Entry<String, Tensor> e : theirs.entrySet()) {
      if (e.getValue() != null) {
        assertEquals(0.0, Fixtures.maxDiff(e.getValue(), ours.get(e.getKey())), e.getKey());
      }
    }
    Model again = Model.load(out);
    Tensor x = Tensor.rand(new Rng(8), 2, 28, 28, 1);
    assertTrue(Fixtures.maxDiff(m.predict(x), again.predict(x)) <= 1e-6);
  }

  @Test
  void keras24ResNetWithBranchesLoads() {
    Model m = Model.load(fixture("tinymlperf_resnet8_cifar10.h5"));
    assertEquals(78_666, m.countParams());
    Tensor p = m.predict(Tensor.rand(new Rng(3), 2, 32, 32, 3));
    assertEquals(Shape.of(2, 10), p.shape());
  }

  @Test
  void keras2HardSigmoidLstmPredictsWhatKerasPredicted() throws Exception {
    Model m = Model.load(fixture("dl4j_simple_flatten_lstm.h5"));
    assertEquals(10_451, m.countParams());
    Tensor x;
    Tensor want;
    try (HdfFile f = new HdfFile(fixture("dl4j_simple_flatten_lstm.inputs_and_outputs.h5"))) {
      x = H5.tensor(f.getDatasetByPath("inputs/lstm_1_input"));
      want = H5.tensor(f.getDatasetByPath("predictions/dense_1"));
    }
    // Keras 2's gates clip(0.2 x + 0.5, 0, 1): the Keras 3 form would miss by far more.
    Tensor got = m.predict(x);
    for (int i = 0; i < want.size(); i++) {
      double tolerance = 1e-5 + 1e-4 * Math.abs(want.getFlat(i));
      assertEquals(want.getFlat(i), got.getFlat(i), tolerance, "prediction " + i);
    }
  }

  /**
   * Keras 3's Masking + LSTM(1) file: a step whose features all equal the mask value is skipped,
   * checked against an LSTM written out here in double from the stored weights.
   */
  @Test
  void keras3MaskingLstmSkipsMaskedSteps() {
    Model m = Model.load(fixture("keras3_masking_lstm.keras"));
    assertEquals(16, m.countParams());
    Tensor x =
        Tensor.of(
            new float[] {0.5f, -1f, 0f, 0f, 2f, 0.25f, 0f, 0f, 0.3f, 0.7f, -0.4f, 1f}, 2, 3, 2);
    Tensor got = m.predict(x);
    List<Tensor> w = m.getWeights();
    Tensor kernel = w.get(0);
    Tensor recurrent = w.get(1);
    Tensor bias = w.get(2);
    for (int r = 0; r < 2; r++) {
      double h = 0;
      double c = 0;
      for (int t = 0; t < 3; t++) {
        double x0 = x.get(r, t, 0);
        double x1 = x.get(r, t, 1);
        if (x0 == 0 && x1 == 0) {
          continue;
        }
        double[] z = new double[4];
        for (int g = 0; g < 4; g++) {
          z[g] =
              x0 * kernel.get(0, g) + x1 * kernel.get(1, g) + h * recurrent.get(0, g) + bias.get(g);
        }
        c = sigmoid(z[1]) * c + sigmoid(z[0]) * Math.tanh(z[2]);
        h = sigmoid(z[3]) * Math.tanh(c);
      }
      assertEquals(h, got.get(r, 0), 1e-6, "row " + r);
    }
  }

  private static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  @Test
  void conv1dModelsLoadAndPredict() {
    Model gru = Model.load(fixture("hls4ml_conv1d_gru_hdf5_named.keras"));
    Tensor y = gru.predict(Tensor.rand(new Rng(1), 2, 32, 3));
    assertEquals(Shape.of(2, 16), y.shape());
    assertEquals(1792, gru.countParams());
    Model emb = Model.load(fixture("dl4j_embedding_conv1d.hdf5"));
    Tensor z = emb.predict(Tensor.randint(new Rng(2), 0, 3, 2, 6));
    assertEquals(Shape.of(2, 2), z.shape());
    for (int i = 0; i < z.size(); i++) {
      assertTrue(Float.isFinite(z.getFlat(i)));
    }
  }

  /**
   * Keras 2.4's Embedding → Conv1D(relu) → MaxPooling1D → Flatten → Dropout → Dense(softmax),
   * checked against a double-precision forward pass written here from the weights read straight
   * from the file by path (not through Graft's loader), so a layout error shared by reader and
   * writer fails.
   */
  @Test
  void embeddingConv1dPredictsWhatANaiveForwardPassGives() {
    Path file = fixture("dl4j_embedding_conv1d.hdf5");
    float[][] table;
    float[][][] kernel;
    float[] bias;
    float[][] dense;
    float[] denseBias;
    try (HdfFile h = new HdfFile(file)) {
      String w = "/model_weights/";
      table = (float[][]) h.getDatasetByPath(w + "embedding/embedding/embeddings:0").getData();
      kernel = (float[][][]) h.getDatasetByPath(w + "conv1d/conv1d/kernel:0").getData();
      bias = (float[]) h.getDatasetByPath(w + "conv1d/conv1d/bias:0").getData();
      dense = (float[][]) h.getDatasetByPath(w + "dense/dense/kernel:0").getData();
      denseBias = (float[]) h.getDatasetByPath(w + "dense/dense/bias:0").getData();
    }
    Tensor ids = Tensor.randint(new Rng(5), 0, 5, 4, 6);
    Tensor got = Model.load(file).predict(ids);
    for (int r = 0; r < 4; r++) {
      double[] pooled = new double[3];
      java.util.Arrays.fill(pooled, Double.NEGATIVE_INFINITY);
      for (int t = 0; t + 2 <= 6; t++) { // Conv1D, kernel 2, valid: 5 steps
        for (int f = 0; f < 3; f++) {
          double z = bias[f];
          for (int j = 0; j < 2; j++) {
            float[] e = table[(int) ids.get(r, t + j)];
            for (int d = 0; d < 3; d++) {
              z += e[d] * kernel[j][d][f];
            }
          }
          // MaxPooling1D(5) over the 5 steps: one window
          pooled[f] = Math.max(pooled[f], Math.max(0, z));
        }
      }
      double[] logits = new double[2];
      double max = Double.NEGATIVE_INFINITY;
      for (int u = 0; u < 2; u++) {
        logits[u] = denseBias[u];
        for (int f = 0; f < 3; f++) {
          logits[u] += pooled[f] * dense[f][u];
        }
        max = Math.max(max, logits[u]);
      }
      double sum = Math.exp(logits[0] - max) + Math.exp(logits[1] - max);
      for (int u = 0; u < 2; u++) {
        double want = Math.exp(logits[u] - max) / sum;
        assertEquals(want, got.get(r, u), 1e-5 + 1e-4 * Math.abs(want), "row " + r + ", unit " + u);
      }
    }
  }

  /**
   * Keras 2.11's Conv1D(same) → ReLU → GRU(reset_after), checked against Keras's GRU formula in
   * double precision from the weights read straight from the file by path.
   */
  @Test
  void conv1dGruPredictsWhatANaiveForwardPassGives() {
    Path file = fixture("hls4ml_conv1d_gru_hdf5_named.keras");
    float[][][] conv;
    float[] convBias;
    float[][] kernel;
    float[][] recurrent;
    float[][] bias; // [input bias, recurrent bias], gates z, r, h
    try (HdfFile h = new HdfFile(file)) {
      String w = "/model_weights/";
      conv = (float[][][]) h.getDatasetByPath(w + "conv1d/conv1d/kernel:0").getData();
      convBias = (float[]) h.getDatasetByPath(w + "conv1d/conv1d/bias:0").getData();
      kernel = (float[][]) h.getDatasetByPath(w + "gru/gru/gru_cell/kernel:0").getData();
      recurrent =
          (float[][]) h.getDatasetByPath(w + "gru/gru/gru_cell/recurrent_kernel:0").getData();
      bias = (float[][]) h.getDatasetByPath(w + "gru/gru/gru_cell/bias:0").getData();
    }
    int steps = 32;
    int units = 16;
    Tensor x = Tensor.rand(new Rng(6), 2, steps, 3);
    Tensor got = Model.load(file).predict(x);
    for (int r = 0; r < 2; r++) {
      double[] h = new double[units];
      for (int t = 0; t < steps; t++) {
        double[] feature = new double[16];
        for (int f = 0; f < 16; f++) {
          double z = convBias[f];
          for (int j = 0; j < 3; j++) {
            int at = t + j - 1; // "same", kernel 3: one step of zeros on each side
            if (at >= 0 && at < steps) {
              for (int c = 0; c < 3; c++) {
                z += x.get(r, at, c) * conv[j][c][f];
              }
            }
          }
          feature[f] = Math.max(0, z);
        }
        double[] next = new double[units];
        for (int u = 0; u < units; u++) {
          double[] in = new double[3];
          double[] rec = new double[3];
          for (int g = 0; g < 3; g++) {
            int col = g * units + u;
            in[g] = bias[0][col];
            rec[g] = bias[1][col];
            for (int k = 0; k < 16; k++) {
              in[g] += feature[k] * kernel[k][col];
            }
            for (int k = 0; k < units; k++) {
              rec[g] += h[k] * recurrent[k][col];
            }
          }
          double update = sigmoid(in[0] + rec[0]);
          double reset = sigmoid(in[1] + rec[1]);
          double candidate = Math.tanh(in[2] + reset * rec[2]);
          next[u] = update * h[u] + (1 - update) * candidate;
        }
        h = next;
      }
      for (int u = 0; u < units; u++) {
        assertEquals(h[u], got.get(r, u), 1e-5 + 1e-4 * Math.abs(h[u]), "row " + r + ", unit " + u);
      }
    }
  }

  /**
   * Keras 2.4's ResNet-8 (Conv2D "same" with strides, BatchNormalization, ReLU, Add, average
   * pooling, Dense softmax), run layer by layer from the file's own config and weights (read by
   * path) in double precision, and compared with Graft's prediction.
   */
  @Test
  void resnet8PredictsWhatANaiveForwardPassGives() throws Exception {
    Path file = fixture("tinymlperf_resnet8_cifar10.h5");
    Tensor x = Tensor.rand(new Rng(8), 1, 32, 32, 3);
    Tensor got = Model.load(file).predict(x);
    Map<String, double[][][]> values = new TreeMap<>();
    double[] out = null;
    try (HdfFile h = new HdfFile(file)) {
      com.fasterxml.jackson.databind.JsonNode layers =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree((String) h.getAttribute("model_config").getData())
              .get("config")
              .get("layers");
      for (com.fasterxml.jackson.databind.JsonNode l : layers) {
        String name = l.get("config").get("name").asText();
        com.fasterxml.jackson.databind.JsonNode c = l.get("config");
        List<double[][][]> in = new java.util.ArrayList<>();
        if (l.get("inbound_nodes").size() > 0) {
          for (com.fasterxml.jackson.databind.JsonNode n : l.get("inbound_nodes").get(0)) {
            in.add(values.get(n.get(0).asText()));
          }
        }
        String w = "/model_weights/" + name + "/" + name + "/";
        switch (l.get("class_name").asText()) {
          case "InputLayer" -> values.put(name, NaiveOps.image(x, 0));
          case "Conv2D" ->
              values.put(
                  name,
                  NaiveOps.conv2dSame(
                      in.get(0),
                      (float[][][][]) h.getDatasetByPath(w + "kernel:0").getData(),
                      (float[]) h.getDatasetByPath(w + "bias:0").getData(),
                      c.get("strides").get(0).asInt()));
          case "BatchNormalization" ->
              values.put(
                  name,
                  NaiveOps.batchNorm(
                      in.get(0),
                      (float[]) h.getDatasetByPath(w + "gamma:0").getData(),
                      (float[]) h.getDatasetByPath(w + "beta:0").getData(),
                      (float[]) h.getDatasetByPath(w + "moving_mean:0").getData(),
                      (float[]) h.getDatasetByPath(w + "moving_variance:0").getData(),
                      c.get("epsilon").asDouble()));
          case "Activation" -> values.put(name, NaiveOps.relu(in.get(0)));
          case "Add" -> values.put(name, NaiveOps.add(in.get(0), in.get(1)));
          case "AveragePooling2D" ->
              values.put(name, NaiveOps.averagePool(in.get(0), c.get("pool_size").get(0).asInt()));
          case "Flatten" -> values.put(name, in.get(0));
          case "Dense" ->
              out =
                  NaiveOps.denseSoftmax(
                      NaiveOps.flatten(in.get(0)),
                      (float[][]) h.getDatasetByPath(w + "kernel:0").getData(),
                      (float[]) h.getDatasetByPath(w + "bias:0").getData());
          default -> throw new AssertionError("no naive version of " + l.get("class_name"));
        }
      }
    }
    for (int u = 0; u < out.length; u++) {
      assertEquals(out[u], got.get(0, u), 1e-5 + 1e-4 * Math.abs(out[u]), "unit " + u);
    }
  }

  /**
   * The Keras 3.10 MNIST CNN, both its {@code .keras} archive and its legacy {@code .h5} twin,
   * against a double-precision forward pass from the {@code .h5}'s weights read by path (so the two
   * files are no longer only compared with each other).
   */
  @Test
  void keras3CnnPairPredictsWhatANaiveForwardPassGives() {
    Tensor x = Tensor.rand(new Rng(9), 1, 28, 28, 1);
    double[] want;
    try (HdfFile h = new HdfFile(fixture("keras3_mnist_cnn_legacy.h5"))) {
      java.util.function.BiFunction<String, String, Object> w =
          (layer, var) ->
              h.getDatasetByPath("/model_weights/" + layer + "/sequential_1/" + layer + "/" + var)
                  .getData();
      double[][][] a = NaiveOps.image(x, 0);
      int conv = 4;
      int bn = 5;
      for (int block = 0; block < 2; block++) {
        for (int k = 0; k < 2; k++, conv++, bn++) {
          a =
              NaiveOps.relu(
                  NaiveOps.conv2d(
                      a,
                      (float[][][][]) w.apply("conv2d_" + conv, "kernel"),
                      (float[]) w.apply("conv2d_" + conv, "bias"),
                      1,
                      false));
          String b = "batch_normalization_" + bn;
          a =
              NaiveOps.batchNorm(
                  a,
                  (float[]) w.apply(b, "gamma"),
                  (float[]) w.apply(b, "beta"),
                  (float[]) w.apply(b, "moving_mean"),
                  (float[]) w.apply(b, "moving_variance"),
                  1e-3);
        }
        a = NaiveOps.maxPool(a, 2);
      }
      double[] v =
          NaiveOps.dense(
              NaiveOps.flatten(a),
              (float[][]) w.apply("dense_2", "kernel"),
              (float[]) w.apply("dense_2", "bias"));
      for (int k = 0; k < v.length; k++) {
        v[k] = Math.max(0, v[k]);
      }
      String b = "batch_normalization_9";
      v =
          NaiveOps.batchNorm(
              v,
              (float[]) w.apply(b, "gamma"),
              (float[]) w.apply(b, "beta"),
              (float[]) w.apply(b, "moving_mean"),
              (float[]) w.apply(b, "moving_variance"),
              1e-3);
      want =
          NaiveOps.denseSoftmax(
              v, (float[][]) w.apply("dense_3", "kernel"), (float[]) w.apply("dense_3", "bias"));
    }
    for (String name : List.of("keras3_mnist_cnn.keras", "keras3_mnist_cnn_legacy.h5")) {
      Tensor got = Model.load(fixture(name)).predict(x);
      for (int u = 0; u < want.length; u++) {
        assertEquals(want[u], got.get(0, u), 1e-5 + 1e-4 * Math.abs(want[u]), name + ", unit " + u);
      }
    }
  }
}
