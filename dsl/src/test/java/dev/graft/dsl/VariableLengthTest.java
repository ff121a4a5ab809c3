package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.internal.Predictor;
import dev.graft.dsl.internal.Trainer;
import dev.graft.layers.Conv1D;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs with {@code None} dimensions (Keras's {@code Input(shape=(None,))}, {@code (None, None,
 * 3)}): a model built once predicts and trains on any length or size the layers allow, exactly as
 * the same model built for that length with the same weights.
 */
class VariableLengthTest {
  @TempDir Path dir;

  /** Embedding, Conv1D, pooling, a GRU over the sequence, global pooling, Dense. */
  private static Model text(int length) {
    seed(7);
    var in = input("tokens", length);
    var x = embedding(50, 8).on(in);
    x = conv1d(6, 3).activation("relu").on(x);
    x = maxPooling1d().on(x);
    x = gru(5).returnSequences(true).on(x);
    x = globalAveragePooling1d().on(x);
    return model(in, dense(3).activation("softmax").on(x));
  }

  /** Embedding, LSTM (last state), Dense. */
  private static Model lstmText(int length) {
    seed(8);
    var in = input(length);
    return model(in, dense(1).on(lstm(4).on(embedding(20, 6).on(in))));
  }

  /**
   * A fully-convolutional image model: RandomFlip, Conv2D, BatchNorm, pooling, global pooling,
   * Dense.
   */
  private static Model image(int h, int w) {
    seed(9);
    var in = input("image", h, w, 3);
    var x = conv2d(4, 3).padding("same").activation("relu").on(randomFlip().on(in));
    x = batchNormalization().on(x);
    x = maxPooling2d().on(x);
    x = conv2d(6, 3).activation("relu").on(x);
    x = globalAveragePooling2d().on(x);
    return model(in, dense(2).on(x));
  }

  private static Model withWeightsOf(Model fixed, Model source) {
    fixed.setWeights(source.getWeights());
    return fixed;
  }

  /**
   * Equal up to float rounding: the vector kernels' sums may differ by an ulp between a kernel's
   * interpreted and JIT-compiled forms (the same fixed-length model built twice with the same
   * weights gave 6.644796E-4 and 6.6447956E-4 depending on when it ran), so bitwise equality would
   * test the JIT, not the shapes. A wrong length or shape gives differences far above this.
   */
  private static void assertSame(Tensor want, Tensor got, String what) {
    assertEquals(want.shape(), got.shape(), what);
    assertClose(want.copy().array(), got.copy().array(), what);
  }

  private static void assertClose(float[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-5 * Math.abs(want[i]) + 1e-8, what + " at " + i);
    }
  }

  @Test
  void shapesAndSummaryShowNone() {
    Model m = text(NONE);
    assertEquals(Shape.of(Shape.UNKNOWN, Shape.UNKNOWN), m.inputShapes().get(0));
    String summary = m.summaryText(false);
    assertTrue(summary.contains("(None, None, 8)"), summary);
    assertTrue(summary.contains("(None, None, 5)"), summary);
    assertTrue(summary.contains("(None, 3)"), summary);
    assertEquals(text(40).countParams(), m.countParams());
    Model img = image(NONE, NONE);
    assertTrue(img.summaryText(false).contains("(None, None, None, 4)"), img.summaryText(false));
    assertEquals(
        Shape.of(-1, -1, 5, -1), maxPooling2d().on(input(NONE, 11, NONE)).shape(), "pooling");
    assertEquals(
        Shape.of(-1, -1, 7), conv1d(7, 3).strides(2).padding("same").on(input(NONE, 2)).shape());
  }

  @Test
  void textModelsPredictEveryLengthAsTheFixedLengthModel() {
    Model m = text(NONE);
    Model l = lstmText(NONE);
    for (int length : new int[] {4, 9, 17, 9}) {
      Tensor x = Tensor.randint(0, 20, 5, length);
      assertSame(withWeightsOf(text(length), m).predict(x), m.predict(x), "text, length " + length);
      assertSame(
          withWeightsOf(lstmText(length), l).predict(x), l.predict(x), "lstm, length " + length);
    }
  }

  @Test
  void imageModelPredictsEverySizeAsTheFixedSizeModel() {
    Model m = image(NONE, NONE);
    for (int[] hw : new int[][] {{6, 6}, {11, 7}, {16, 20}}) {
      Tensor x = Tensor.rand(3, hw[0], hw[1], 3);
      assertSame(
          withWeightsOf(image(hw[0], hw[1]), m).predict(x), m.predict(x), hw[0] + "x" + hw[1]);
    }
  }

  @Test
  void trainsOnBatchesOfDifferentLengthsAsTheFixedLengthModels() {
    // SGD keeps no state between steps, so two steps of the variable-length model must equal a
    // step of the length-5 model followed by a step of the length-9 model from its weights.
    Model m = text(NONE);
    m.compile(sgd(0.1, 0, false), "sparse_categorical_crossentropy");
    Model five = withWeightsOf(text(5), m);
    five.compile(sgd(0.1, 0, false), "sparse_categorical_crossentropy");
    Tensor x5 = Tensor.randint(0, 50, 4, 5);
    Tensor x9 = Tensor.randint(0, 50, 4, 9);
    Tensor y = Tensor.randint(0, 3, 4, 1);
    List<Tensor> before = m.getWeights();
    double[] lossVar = m.trainOnBatch(x5, y);
    double[] lossFixed = five.trainOnBatch(x5, y);
    assertEquals(lossFixed[0], lossVar[0], 1e-6 * lossFixed[0]);
    Model nine = withWeightsOf(text(9), five);
    nine.compile(sgd(0.1, 0, false), "sparse_categorical_crossentropy");
    m.trainOnBatch(x9, y);
    nine.trainOnBatch(x9, y);
    for (int i = 0; i < before.size(); i++) {
      assertClose(nine.getWeights().get(i).array(), m.getWeights().get(i).array(), "weight " + i);
    }
    assertNotEquals(before.get(0).getFlat(0), m.getWeights().get(0).getFlat(0));
    // fit and evaluate on data of yet other lengths (each call its own length).
    History h = m.fit(Tensor.randint(0, 50, 16, 12), Tensor.randint(0, 3, 16, 1), 2);
    assertTrue(Double.isFinite(h.history().get("loss").get(1)));
    double[] e = m.evaluate(Tensor.randint(0, 50, 8, 7), Tensor.randint(0, 3, 8, 1));
    assertTrue(Double.isFinite(e[0]));
  }

  @Test
  void sequentialTakesNoneInItsInputShape() {
    seed(3);
    Model m = sequential(embedding(30, 4).inputShape(NONE), lstm(3), dense(2));
    assertEquals(Shape.of(Shape.UNKNOWN, Shape.UNKNOWN), m.inputShapes().get(0));
    seed(3);
    Model fixed = sequential(embedding(30, 4).inputShape(6), lstm(3), dense(2));
    fixed.setWeights(m.getWeights());
    Tensor x = Tensor.randint(0, 30, 4, 6);
    assertSame(fixed.predict(x), m.predict(x), "sequential, length 6");
    assertEquals(Shape.of(4, 2), m.predict(Tensor.randint(0, 30, 4, 11)).shape());
  }

  @Test
  void nestedModelWithNoneTakesTheOuterInputsLength() {
    Model inner = lstmText(NONE);
    var free = input(NONE);
    Model outerFree = model(free, dense(1).on(inner.on(free)));
    var fixed = input(7);
    Model outerFixed = model(fixed, outerFree.layers().get(2).on(inner.on(fixed)));
    assertTrue(outerFree.summaryText(true).contains("(None, None)"), outerFree.summaryText(true));
    Tensor x = Tensor.randint(0, 20, 3, 7);
    assertSame(outerFree.predict(x), outerFixed.predict(x), "nested, length 7");
    assertEquals(Shape.of(3, 1), outerFree.predict(Tensor.randint(0, 20, 3, 12)).shape());
  }

  @Test
  void imageModelTrainsOnDifferentSizes() {
    Model m = image(NONE, NONE);
    m.compile(adam(), "mse");
    for (int size : new int[] {8, 12, 8}) {
      double[] loss = m.trainOnBatch(Tensor.rand(4, size, size + 2, 3), Tensor.rand(4, 2));
      assertTrue(Double.isFinite(loss[0]), "size " + size);
    }
  }

  @Test
  void errorsNameTheInputOrLayerAndTheShapes() {
    Model img = image(NONE, NONE);
    String wrongChannels =
        assertThrows(IllegalArgumentException.class, () -> img.predict(Tensor.rand(2, 8, 8, 4)))
            .getMessage();
    assertTrue(
        wrongChannels.contains("\"image\"")
            && wrongChannels.contains("(None, None, None, 3)")
            && wrongChannels.contains("(2, 8, 8, 4)"),
        wrongChannels);

    Model m = text(NONE);
    String conv =
        m.layers().stream().filter(l -> l instanceof Conv1D).findFirst().orElseThrow().name();
    String tooShort =
        assertThrows(IllegalArgumentException.class, () -> m.predict(Tensor.randint(0, 50, 2, 2)))
            .getMessage();
    assertTrue(tooShort.contains("\"" + conv + "\"") && tooShort.contains("2, 8)"), tooShort);
    m.compile(sgd(0.1, 0, false), "sparse_categorical_crossentropy");
    List<Tensor> before = m.getWeights();
    String trainShort =
        assertThrows(
                IllegalArgumentException.class,
                () -> m.trainOnBatch(Tensor.randint(0, 50, 2, 2), Tensor.randint(0, 3, 2, 1)))
            .getMessage();
    assertTrue(trainShort.contains("\"" + conv + "\""), trainShort);
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i).array(), m.getWeights().get(i).array(), "unchanged " + i);
    }
    // The model still works on lengths it can take.
    assertEquals(Shape.of(2, 3), m.predict(Tensor.randint(0, 50, 2, 6)).shape());

    var seq = input(NONE, 4);
    var d = dense(3).name("head");
    String dense =
        assertThrows(IllegalArgumentException.class, () -> d.on(permute(2, 1).on(seq)))
            .getMessage();
    assertTrue(dense.contains("\"head\"") && dense.contains("(None, 4, None)"), dense);
    // As in Keras, Flatten of an unknown size has an unknown width: the Dense after it is refused.
    var flat = flatten().on(conv1d(2, 1).on(seq));
    assertEquals(Shape.of(Shape.UNKNOWN, Shape.UNKNOWN), flat.shape());
    var afterFlat = dense(1).name("after_flatten");
    String denseAfterFlatten =
        assertThrows(IllegalArgumentException.class, () -> afterFlat.on(flat)).getMessage();
    assertTrue(
        denseAfterFlatten.contains("\"after_flatten\"")
            && denseAfterFlatten.contains("(None, None)"),
        denseAfterFlatten);
    Model flattened = model(seq, flat);
    assertEquals(Shape.of(2, 10), flattened.predict(Tensor.rand(2, 5, 4)).shape());
    assertEquals(Shape.of(2, 16), flattened.predict(Tensor.rand(2, 8, 4)).shape());
  }

  @Test
  void kerasFileKeepsNone() {
    Model m = text(NONE);
    Path f = dir.resolve("text.keras");
    m.save(f);
    Model back = Model.load(f);
    assertEquals(Shape.of(Shape.UNKNOWN, Shape.UNKNOWN), back.inputShapes().get(0));
    for (int length : new int[] {5, 13}) {
      Tensor x = Tensor.randint(0, 50, 3, length);
      assertSame(m.predict(x), back.predict(x), "length " + length);
    }
    Model img = image(NONE, NONE);
    Path g = dir.resolve("image.keras");
    img.save(g);
    Model imgBack = Model.load(g);
    assertEquals(Shape.of(-1, -1, -1, 3), imgBack.inputShapes().get(0));
    Tensor x = Tensor.rand(2, 9, 13, 3);
    assertSame(img.predict(x), imgBack.predict(x), "image 9x13");
  }

  @Test
  void tfjsModelWithNullLengthLoadsAndPredicts() throws Exception {
    // A hand-written TensorFlow.js layers-model: Embedding(6, 2) with batch_input_shape
    // [null, null], Conv1D(1, 2) linear, GlobalAveragePooling1D, Dense(1).
    float[] emb = {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, 0.8f, -0.9f, 1.0f, 1.1f, -1.2f};
    float[] kernel = {0.5f, -1f, 2f, 0.25f}; // (k=2, in=2, out=1)
    float convBias = 0.1f;
    float[] dense = {1.5f};
    float denseBias = -0.3f;
    String json =
        """
        {"format": "layers-model", "generatedBy": "hand", "convertedBy": null,
         "modelTopology": {"class_name": "Sequential", "keras_version": "tfjs-layers 4.22.0",
          "config": {"name": "seq", "layers": [
           {"class_name": "Embedding", "config": {"input_dim": 6, "output_dim": 2,
             "mask_zero": false, "input_length": null, "name": "embedding",
             "trainable": true, "batch_input_shape": [null, null], "dtype": "float32"}},
           {"class_name": "Conv1D", "config": {"filters": 1, "kernel_size": [2],
             "strides": [1], "padding": "valid", "dilation_rate": [1], "activation": "linear",
             "use_bias": true, "name": "conv1d", "trainable": true}},
           {"class_name": "GlobalAveragePooling1D", "config": {"name": "gap",
             "trainable": true}},
           {"class_name": "Dense", "config": {"units": 1, "activation": "linear",
             "use_bias": true, "name": "dense", "trainable": true}}]}},
         "weightsManifest": [{"paths": ["group1-shard1of1.bin"], "weights": [
           {"name": "embedding/embeddings", "shape": [6, 2], "dtype": "float32"},
           {"name": "conv1d/kernel", "shape": [2, 2, 1], "dtype": "float32"},
           {"name": "conv1d/bias", "shape": [1], "dtype": "float32"},
           {"name": "dense/kernel", "shape": [1, 1], "dtype": "float32"},
           {"name": "dense/bias", "shape": [1], "dtype": "float32"}]}]}
        """;
    ByteBuffer b = ByteBuffer.allocate(4 * 19).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : emb) {
      b.putFloat(v);
    }
    for (float v : kernel) {
      b.putFloat(v);
    }
    b.putFloat(convBias).putFloat(dense[0]).putFloat(denseBias);
    Files.write(dir.resolve("group1-shard1of1.bin"), b.array());
    Files.writeString(dir.resolve("model.json"), json);
    Model m = Model.load(dir.resolve("model.json"));
    assertEquals(Shape.of(Shape.UNKNOWN, Shape.UNKNOWN), m.inputShapes().get(0));
    int[][] sequences = {{1, 2, 3}, {0, 5, 4, 4, 2, 1, 3}, {5, 5}};
    for (int[] tokens : sequences) {
      Tensor x = Tensor.zeros(1, tokens.length);
      double sum = 0;
      for (int t = 0; t < tokens.length; t++) {
        x.setFlat(t, tokens[t]);
        if (t + 1 < tokens.length) {
          double c = convBias;
          for (int k = 0; k < 2; k++) {
            for (int ch = 0; ch < 2; ch++) {
              c += kernel[k * 2 + ch] * emb[tokens[t + k] * 2 + ch];
            }
          }
          sum += c;
        }
      }
      double want = sum / (tokens.length - 1) * dense[0] + denseBias;
      assertEquals(want, m.predict(x).getFlat(0), 1e-6, "tokens " + tokens.length);
    }
  }

  @Test
  void concurrentPredictionsOfDifferentLengths() throws Exception {
    Model m = lstmText(NONE);
    List<Tensor> inputs = new java.util.ArrayList<>();
    List<Tensor> want = new java.util.ArrayList<>();
    for (int length = 2; length < 12; length++) {
      inputs.add(Tensor.randint(0, 20, 3, length));
      want.add(m.predict(inputs.get(inputs.size() - 1)));
    }
    var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int shift = t;
        done.add(
            pool.submit(
                () -> {
                  for (int r = 0; r < 3 * inputs.size(); r++) {
                    int i = (r + shift * 3) % inputs.size();
                    assertSame(want.get(i), m.predict(inputs.get(i)), "length " + (i + 2));
                  }
                }));
      }
      for (var f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void compiledShapesAreBounded() {
    Model m = lstmText(NONE);
    Predictor p = new Predictor(m);
    Trainer t = Trainer.compile(m, sgd(0.01, 0, false), List.of("mse"), List.of());
    for (int length = 1; length <= 20; length++) {
      p.predict(List.of(Tensor.randint(0, 20, 2, length)), 32);
      t.trainOnBatch(List.of(Tensor.randint(0, 20, 2, length)), List.of(Tensor.rand(2, 1)));
      assertTrue(p.compiledShapes() <= 8 && t.compiledShapes() <= 8, "length " + length);
    }
    assertEquals(8, p.compiledShapes());
    assertEquals(8, t.compiledShapes());
    // An evicted length compiles again and still predicts the same.
    Tensor x = Tensor.randint(0, 20, 2, 3);
    assertSame(withWeightsOf(lstmText(3), m).predict(x), p.predict(List.of(x), 32).get(0), "again");
  }
}
