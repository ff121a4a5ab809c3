package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.dsl.io.ModelIO;
import dev.graft.layers.Embedding;
import dev.graft.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keras's masks through models: {@code Embedding(mask_zero)} and {@code Masking} make them, the
 * recurrent layers skip masked steps (in prediction, whose LSTM runs the inference kernel, and in
 * training), layers that support masking pass them on, merge layers and the pooling read them.
 */
class MaskingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** {@code predict} (the inference kernels) gives tfjs's outputs on the masking cases. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "mask_embedding_lstm_last",
        "mask_embedding_lstm_seq",
        "mask_embedding_gru_seq",
        "mask_embedding_simplernn_seq",
        "masking_lstm_seq",
        "mask_embedding_bidirectional_lstm_last"
      })
  void predictMatchesReference(String name) throws Exception {
    Path file =
        LayerReferenceTest.referenceDir()
            .resolveSibling("wave2")
            .resolve("layers")
            .resolve(name + ".json");
    JsonNode c = JSON.readTree(file.toFile());
    Model m = (Model) ModelIO.layerFromConfig(JSON.writeValueAsString(c.get("layer")));
    Tensor x = LayerReferenceTest.tensor(c.get("inputs").get(0));
    m.ensureBuilt(List.of(x.shape()));
    List<Tensor> w = new ArrayList<>();
    for (JsonNode t : c.get("weights")) {
      w.add(LayerReferenceTest.tensor(t));
    }
    m.setWeights(w);
    assertClose(LayerReferenceTest.tensor(c.get("output")), m.predict(x), 1e-5);
  }

  /**
   * Padding anywhere in a row changes nothing: the last output of a padded row equals that of the
   * row without its padding, for each recurrent layer, through a Dense that passes the mask on, and
   * for Bidirectional (whose backward direction skips the trailing padding). Eight rows, so the
   * batch is split over threads.
   */
  @Test
  void paddingIsSkipped() {
    List<Supplier<Layer>> rnns =
        List.of(
            () -> lstm(5),
            () -> gru(5),
            () -> gru(5).resetAfter(false),
            () -> simpleRnn(5),
            () -> bidirectional(lstm(3)),
            () -> bidirectional(gru(3), "sum"),
            () -> lstm(5).goBackwards(true));
    float[][] padded = {
      {3, 1, 4, 0, 0, 0}, {0, 0, 3, 1, 4, 0}, {3, 0, 1, 0, 4, 0}, {0, 3, 1, 0, 0, 4},
    };
    for (Supplier<Layer> make : rnns) {
      Embedding emb = embedding(6, 4).maskZero(true);
      Layer dense = dense(4).activation("tanh");
      Layer rnn = make.get();
      var in6 = input(6);
      var in3 = input(3);
      Model long6 = model(in6, rnn.on(dense.on(emb.on(in6))));
      Model short3 = model(in3, rnn.on(dense.on(emb.on(in3))));
      float[] p = new float[8 * 6];
      float[] s = new float[8 * 3];
      for (int r = 0; r < 8; r++) {
        System.arraycopy(padded[r % 4], 0, p, r * 6, 6);
        System.arraycopy(new float[] {3, 1, 4}, 0, s, r * 3, 3);
      }
      Tensor want = short3.predict(Tensor.of(s, 8, 3));
      assertClose(want, long6.predict(Tensor.of(p, 8, 6)), 1e-6);
    }
  }

  /**
   * With {@code return_sequences} a masked step outputs the output of the last kept step, and 0
   * before any (Keras's {@code zero_output_for_mask=False}); Bidirectional outputs 0 there (Keras
   * forces {@code zero_output_for_mask} for it).
   */
  @Test
  void maskedStepsCarryTheOutput() {
    var in = input(5);
    Tensor x = Tensor.of(new float[] {0, 2, 0, 3, 0}, 1, 5);
    Model m = model(in, lstm(3).returnSequences(true).on(embedding(4, 2).maskZero(true).on(in)));
    Tensor y = m.predict(x);
    for (int j = 0; j < 3; j++) {
      assertEquals(0.0, Math.abs(y.getFlat(j)));
      assertEquals(y.getFlat(3 + j), y.getFlat(6 + j));
      assertEquals(y.getFlat(9 + j), y.getFlat(12 + j));
      assertTrue(y.getFlat(3 + j) != 0f);
    }
    var in2 = input(5);
    Model b =
        model(
            in2,
            bidirectional(lstm(3).returnSequences(true))
                .on(embedding(4, 2).maskZero(true).on(in2)));
    Tensor yb = b.predict(x);
    for (int t : new int[] {0, 2, 4}) {
      for (int j = 0; j < 6; j++) {
        assertEquals(0.0, Math.abs(yb.getFlat(t * 6 + j)), "step " + t);
      }
    }
  }

  /** TimeDistributed passes the steps' mask on, as Keras's: the LSTM after it skips the padding. */
  @Test
  void timeDistributedPassesTheMask() {
    var in = input(5);
    var steps =
        timeDistributed(dense(3).activation("tanh")).on(embedding(6, 2).maskZero(true).on(in));
    Model m = model(in, lstm(2).on(steps));
    Tensor padded = Tensor.of(new float[] {0, 4, 0, 5, 0, 4, 5, 0, 0, 0}, 2, 5);
    Tensor y = m.predict(padded);
    for (int j = 0; j < 2; j++) {
      assertEquals(y.getFlat(j), y.getFlat(2 + j), 1e-6, "padding anywhere changes nothing");
    }
  }

  /** Element-wise layers (activations, noise) pass the mask on, as Keras's supports_masking. */
  @Test
  void elementWiseLayersPassTheMask() {
    List<Supplier<Layer>> layers =
        List.of(
            () -> relu().maxValue(6),
            () -> leakyRelu(0.2),
            Graft::prelu,
            () -> elu(1),
            () -> thresholdedRelu(0.1),
            Graft::identity,
            () -> gaussianNoise(0.1),
            () -> spatialDropout1d(0.2),
            () -> unitNormalization(-1));
    Tensor padded = Tensor.of(new float[] {0, 4, 0, 5, 0, 4, 5, 0, 0, 0}, 2, 5);
    for (Supplier<Layer> l : layers) {
      var in = input(5);
      Layer layer = l.get();
      Model m = model(in, lstm(2).on(layer.on(embedding(6, 2).maskZero(true).on(in))));
      Tensor y = m.predict(padded);
      for (int j = 0; j < 2; j++) {
        assertEquals(y.getFlat(j), y.getFlat(2 + j), 1e-6, layer.className());
      }
    }
  }

  /** Training: nothing reaches a masked step's input, so the padding row of the table stays. */
  @Test
  void trainingLeavesThePaddingRowAlone() {
    var in = input(6);
    Embedding emb = embedding(5, 4).maskZero(true);
    Model m = model(in, dense(1).on(gru(3).on(lstm(4).returnSequences(true).on(emb.on(in)))));
    m.compile(sgd(), "mse");
    Tensor row0 = emb.getWeights().get(0).slice(0, 1).copy();
    Tensor row1 = emb.getWeights().get(0).slice(1, 2).copy();
    Tensor x = Tensor.of(new float[] {1, 2, 0, 3, 0, 0, 0, 4, 1, 0, 2, 3}, 2, 6);
    m.fit(x, Tensor.of(new float[] {1, -1}, 2, 1), epochs(3).batchSize(2));
    assertClose(row0, emb.getWeights().get(0).slice(0, 1), 0);
    assertTrue(Math.abs(row1.getFlat(0) - emb.getWeights().get(0).getFlat(4)) > 0f);
  }

  /** GlobalAveragePooling1D averages the kept steps only (Keras's masked mean). */
  @Test
  void averagePoolingCountsKeptSteps() {
    var in = input(4);
    Embedding emb = embedding(3, 2).maskZero(true);
    Model m = model(in, globalAveragePooling1d().on(emb.on(in)));
    emb.setWeights(List.of(Tensor.of(new float[] {9, 9, 1, 2, 3, 5}, 3, 2)));
    Tensor y = m.predict(Tensor.of(new float[] {1, 0, 2, 2, 0, 0, 1, 0}, 2, 4));
    // Row 0: (1,2), (3,5), (3,5) -> (7/3, 4); row 1: (1,2).
    assertClose(Tensor.of(new float[] {7f / 3, 4, 1, 2}, 2, 2), y, 1e-6);
  }

  /** A merge layer's mask is the logical and of its inputs' masks (Keras's base_merge). */
  @Test
  void mergeAndsTheMasks() {
    Embedding ea = embedding(5, 3).maskZero(true);
    Embedding eb = embedding(5, 3).maskZero(true);
    Layer add = new dev.graft.layers.Add();
    Layer rnn = lstm(4);
    var a4 = input(4);
    var b4 = input(4);
    var a2 = input(2);
    var b2 = input(2);
    Model padded = model(List.of(a4, b4), rnn.on(add.on(ea.on(a4), eb.on(b4))));
    Model kept = model(List.of(a2, b2), rnn.on(add.on(ea.on(a2), eb.on(b2))));
    Tensor want =
        kept.predict(Tensor.of(new float[] {1, 3}, 1, 2), Tensor.of(new float[] {4, 2}, 1, 2));
    Tensor got =
        padded.predict(
            Tensor.of(new float[] {1, 2, 0, 3}, 1, 4), Tensor.of(new float[] {4, 0, 1, 2}, 1, 4));
    assertClose(want, got, 1e-6);
  }

  /**
   * Concatenate's mask (Keras's {@code Concatenate.compute_mask}): joined in time along the steps
   * axis, so the LSTM skips both inputs' padding; the logical or along the features axis.
   */
  @Test
  void concatenateJoinsOrOrsTheMasks() {
    Embedding ea = embedding(5, 3).maskZero(true);
    Embedding eb = embedding(5, 3).maskZero(true);
    Layer rnn = lstm(4);
    var a3 = input(3);
    var b2 = input(2);
    var a2 = input(2);
    var b1 = input(1);
    Layer joinPadded = new dev.graft.layers.Concatenate(1);
    Layer joinKept = new dev.graft.layers.Concatenate(1);
    Model padded = model(List.of(a3, b2), rnn.on(joinPadded.on(ea.on(a3), eb.on(b2))));
    Model kept = model(List.of(a2, b1), rnn.on(joinKept.on(ea.on(a2), eb.on(b1))));
    Tensor want =
        kept.predict(Tensor.of(new float[] {1, 3}, 1, 2), Tensor.of(new float[] {4}, 1, 1));
    Tensor got =
        padded.predict(Tensor.of(new float[] {1, 0, 3}, 1, 3), Tensor.of(new float[] {0, 4}, 1, 2));
    assertClose(want, got, 1e-6);
    // Along the features: a step is kept where either input keeps it; only step 2 is dropped.
    var c4 = input(4);
    var d4 = input(4);
    var c3 = input(3);
    var d3 = input(3);
    Layer rnn2 = lstm(4);
    Model orPadded =
        model(
            List.of(c4, d4),
            rnn2.on(new dev.graft.layers.Concatenate(-1).on(ea.on(c4), eb.on(d4))));
    Model orKept =
        model(
            List.of(c3, d3),
            rnn2.on(new dev.graft.layers.Concatenate(-1).on(ea.on(c3), eb.on(d3))));
    Tensor w2 =
        orKept.predict(
            Tensor.of(new float[] {1, 0, 2}, 1, 3), Tensor.of(new float[] {3, 4, 0}, 1, 3));
    Tensor g2 =
        orPadded.predict(
            Tensor.of(new float[] {1, 0, 0, 2}, 1, 4), Tensor.of(new float[] {3, 4, 0, 0}, 1, 4));
    assertClose(w2, g2, 1e-6);
  }

  /** {@code mask_zero} and {@code Masking} survive a {@code .keras} round trip. */
  @Test
  void saveAndLoadKeepTheMasks() {
    var in = input(5, 2);
    Model m = model(in, lstm(3).on(masking(0).on(in)));
    var ti = input(5);
    Model t = model(ti, lstm(3).on(embedding(4, 2).maskZero(true).on(ti)));
    Tensor x = Tensor.of(new float[] {1, 2, 0, 0, 3, 4, 0, 0, 0, 0}, 1, 5, 2);
    Tensor idx = Tensor.of(new float[] {1, 0, 2, 0, 0}, 1, 5);
    Path f = dir.resolve("masking.keras");
    m.save(f);
    assertClose(m.predict(x), Model.load(f).predict(x), 0);
    Path g = dir.resolve("mask_zero.keras");
    t.save(g);
    Model back = Model.load(g);
    assertClose(t.predict(idx), back.predict(idx), 0);
    assertTrue(((Embedding) back.layers().get(1)).maskZero());
  }

  private static void assertClose(Tensor want, Tensor got, double tol) {
    assertEquals(want.shape(), got.shape());
    for (int i = 0; i < want.size(); i++) {
      double w = want.getFlat(i);
      assertTrue(
          Math.abs(got.getFlat(i) - w) <= tol + 1e-4 * Math.abs(w) * (tol == 0 ? 0 : 1),
          "element " + i + ": got " + got.getFlat(i) + ", want " + w);
    }
  }
}
