package dev.graft.dsl;

import static dev.graft.dsl.FitOptions.epochs;
import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autograd.TrainingMode;
import dev.graft.layers.BatchNormalization;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras's fine-tuning semantics: a frozen BatchNormalization runs in inference mode in {@code fit},
 * and a call made with {@code training=False} ({@code on(x, false)}) runs its whole subgraph in
 * inference mode (moving statistics, no dropout), through training, gradients and save/load.
 */
class FineTuningTest {
  private final Rng rng = new Rng(11);
  private final Tensor x = Tensor.uniform(rng, -2f, 2f, 16, 4);
  private final Tensor y = Tensor.uniform(rng, -1f, 1f, 16, 1);

  /** A "pre-trained" block: dense -> batch norm (non-trivial moving statistics) -> dropout. */
  private Model backbone(String name, double dropout) {
    var in = input(4);
    var bn = batchNormalization().name(name + "_bn");
    var h = bn.on(dense(5).name(name + "_dense").on(in));
    Model base = model(in, dropout(dropout).on(h)).name(name);
    bn.setWeights(
        List.of(
            Tensor.uniform(rng, 0.5f, 1.5f, 5),
            Tensor.uniform(rng, -0.5f, 0.5f, 5),
            Tensor.uniform(rng, -1f, 1f, 5),
            Tensor.uniform(rng, 0.5f, 2f, 5)));
    return base;
  }

  private static BatchNormalization bn(Model base) {
    return (BatchNormalization) base.getLayer(base.name() + "_bn");
  }

  private static List<Tensor> copies(Layer l) {
    return l.getWeights();
  }

  private static void assertSame(List<Tensor> want, List<Tensor> got, String what) {
    assertEquals(want.size(), got.size(), what);
    for (int i = 0; i < want.size(); i++) {
      assertTrue(want.get(i).allClose(got.get(i), 0, 0), what + " weight " + i);
    }
  }

  private static boolean allSame(List<Tensor> a, List<Tensor> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).allClose(b.get(i), 0, 0)) {
        return false;
      }
    }
    return true;
  }

  /** Equal up to float32 summation order (the train and evaluate plans sum differently). */
  private static void assertSameLoss(double want, double got) {
    assertEquals(want, got, 1e-6 * Math.max(1, Math.abs(want)));
  }

  private static void assertClose(Map<String, Tensor> want, Map<String, Tensor> got) {
    assertEquals(want.keySet(), got.keySet());
    want.forEach((k, v) -> assertTrue(v.allClose(got.get(k), 1e-6, 1e-6), k));
  }

  @Test
  void aFrozenBlockWithBatchNormComputesWhatItComputedBeforeFit() {
    Model base = backbone("frozen_base", 0);
    Tensor before = base.predict(x);
    List<Tensor> bnBefore = copies(bn(base));
    base.trainable(false);
    var in = input(4);
    Model merged = model(in, dense(1).on(base.on(in)));
    merged.compile(sgd(0.0, 0, false), "mse");
    // With the learning rate 0 a training step computes its loss at the current weights: a frozen
    // BN normalising with the batch's statistics would make it differ from evaluate's.
    double trainLoss = merged.trainOnBatch(x, y)[0];
    assertSameLoss(merged.evaluate(x, y)[0], trainLoss);
    assertClose(merged.gradients(x, y, false), merged.gradients(x, y));

    merged.compile(adam(), "mse");
    merged.fit(x, y, epochs(3).batchSize(4).verbose(0));
    assertSame(bnBefore, copies(bn(base)), "moving statistics and gamma/beta of the frozen BN");
    assertTrue(before.allClose(base.predict(x), 0, 0), "the frozen block's outputs");

    // Unfreezing restores Keras's training behaviour at the next step (no recompile needed):
    // batch statistics, moving statistics updated, gamma and beta trained.
    base.trainable(true);
    assertNotEquals(merged.evaluate(x, y)[0], merged.trainOnBatch(x, y)[0], 1e-3);
    assertFalse(allSame(bnBefore, copies(bn(base))), "an unfrozen BN trains");
  }

  @Test
  void aFrozenBatchNormWithoutGammaOrBetaStillSwitchesMode() {
    var in = input(4);
    var bn = batchNormalization().center(false).scale(false);
    Model m = model(in, dense(1).on(bn.on(in)));
    assertEquals(List.of("moving_mean", "moving_variance"), weightNames(bn));
    m.compile(sgd(0.1, 0, false), "mse");
    bn.trainable(false);
    List<Tensor> before = copies(bn);
    m.fit(x, y, epochs(1).batchSize(8).verbose(0));
    assertSame(before, copies(bn), "frozen BN without trainable weights");
    bn.trainable(true);
    m.fit(x, y, epochs(1).batchSize(8).verbose(0));
    assertFalse(allSame(before, copies(bn)), "unfrozen: moving statistics move");
  }

  private static List<String> weightNames(Layer l) {
    return l.weights().stream().map(v -> v.name().substring(v.name().indexOf('/') + 1)).toList();
  }

  @Test
  void aModelCalledWithTrainingFalseRunsInInferenceModeDuringFit() {
    Model base = backbone("inference_base", 0.5);
    List<Tensor> bnBefore = copies(bn(base));
    Layer baseDense = base.getLayer("inference_base_dense");
    List<Tensor> denseBefore = copies(baseDense);
    var in = input(4);
    SymbolicTensor features = base.on(in, false);
    assertEquals(TrainingMode.INFERENCE, features.producer().mode());
    Model merged = model(in, dense(1).on(features));
    merged.compile(sgd(0.0, 0, false), "mse");
    // No dropout (rate 0.5) and moving statistics: the training step's loss is evaluate's.
    assertSameLoss(merged.evaluate(x, y)[0], merged.trainOnBatch(x, y)[0]);
    assertClose(merged.gradients(x, y, false), merged.gradients(x, y, true));

    merged.compile(adam(), "mse");
    merged.fit(x, y, epochs(2).batchSize(4).verbose(0));
    // The backbone is trainable: its dense and BN gamma/beta learn, its moving statistics stay.
    assertFalse(allSame(denseBefore, copies(baseDense)), "the trainable backbone learns");
    List<Tensor> bnAfter = copies(bn(base));
    assertSame(bnBefore.subList(2, 4), bnAfter.subList(2, 4), "moving statistics");
    assertFalse(allSame(bnBefore.subList(0, 2), bnAfter.subList(0, 2)), "gamma and beta learn");

    // The same block called without training= trains as usual: dropout and batch statistics.
    var in2 = input(4);
    Model plain = model(in2, dense(1).on(base.on(in2)));
    plain.compile(sgd(0.0, 0, false), "mse");
    assertNotEquals(plain.evaluate(x, y)[0], plain.trainOnBatch(x, y)[0], 1e-3);
    assertFalse(allSame(bnAfter, copies(bn(base))), "batch statistics move the moving ones");
  }

  @Test
  void anExplicitTrainingTrueCallTrainsEvenInPredict() {
    var in = input(50);
    Model mc = model(in, dropout(0.5).on(in, true));
    assertEquals(TrainingMode.TRAINING, mc.outputs().get(0).producer().mode());
    Tensor p = mc.predict(Tensor.ones(8, 50));
    int zeros = 0;
    for (int i = 0; i < p.size(); i++) {
      zeros += p.getFlat(i) == 0f ? 1 : 0;
    }
    assertTrue(zeros > 100 && zeros < 300, "Monte-Carlo dropout in predict: " + zeros + "/400");
  }

  @Test
  void trainingFalseSurvivesSaveAndLoad(@TempDir Path dir) throws IOException {
    Model base = backbone("saved_base", 0.5);
    base.trainable(false);
    var in = input(4);
    Model merged = model(in, dense(1).name("head").on(base.on(in, false))).name("merged");
    Path file = dir.resolve("merged.keras");
    merged.save(file);
    String config;
    try (ZipFile z = new ZipFile(file.toFile())) {
      config =
          new String(
              z.getInputStream(z.getEntry("config.json")).readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(config.matches("(?s).*\"kwargs\"\\s*:\\s*\\{\\s*\"training\"\\s*:\\s*false.*"));

    Model loaded = Model.load(file);
    Model loadedBase = (Model) loaded.getLayer("saved_base");
    assertFalse(loadedBase.trainable());
    assertEquals(
        TrainingMode.INFERENCE, loadedBase.calls().get(loadedBase.calls().size() - 1).mode());
    Tensor pa = merged.predict(x);
    Tensor pb = loaded.predict(x);
    // Equal up to float32 summation order (the two plans may share work out differently).
    assertTrue(pa.allClose(pb, 1e-6, 1e-6), pa + " vs " + pb);
    loadedBase.trainable(true);
    List<Tensor> bnBefore = copies(bn(loadedBase));
    loaded.compile(sgd(0.0, 0, false), "mse");
    assertSameLoss(loaded.evaluate(x, y)[0], loaded.trainOnBatch(x, y)[0]);
    assertSame(bnBefore, copies(bn(loadedBase)), "loaded inference call keeps moving statistics");

    Path again = dir.resolve("again.keras");
    loaded.save(again);
    try (ZipFile z = new ZipFile(again.toFile())) {
      String c2 =
          new String(
              z.getInputStream(z.getEntry("config.json")).readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(c2.contains("\"training\""), "written again");
    }
    assertTrue(Files.size(again) > 0);
  }

  @Test
  void keras2AndKeras3NodesWithTrainingLoad() {
    String inner =
        "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"inner\", \"layers\": ["
            + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 3],"
            + " \"name\": \"inner_in\"}},"
            + "{\"class_name\": \"Dropout\", \"config\": {\"name\": \"d\", \"rate\": 0.5}}]},"
            + " \"name\": \"inner\", \"inbound_nodes\": %s}";
    String keras2 =
        "{\"class_name\": \"Model\", \"config\": {\"name\": \"outer\", \"layers\": ["
            + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 3],"
            + " \"name\": \"x\"}, \"name\": \"x\", \"inbound_nodes\": []},"
            + String.format(inner, "[[[\"x\", 0, 0, {\"training\": false}]]]")
            + "], \"input_layers\": [[\"x\", 0, 0]], \"output_layers\": [[\"inner\", 1, 0]]}}";
    Model m2 = (Model) dev.graft.dsl.io.ModelIO.layerFromConfig(keras2);
    assertEquals(TrainingMode.INFERENCE, m2.outputs().get(0).producer().mode());
    String keras3 =
        "{\"class_name\": \"Functional\", \"config\": {\"name\": \"outer\", \"layers\": ["
            + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 3],"
            + " \"name\": \"x\"}, \"name\": \"x\", \"inbound_nodes\": []},"
            + String.format(
                inner,
                "[{\"args\": [{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\":"
                    + " [null, 3], \"dtype\": \"float32\", \"keras_history\": [\"x\", 0, 0]}}],"
                    + " \"kwargs\": {\"training\": true}}]")
            + "], \"input_layers\": [[\"x\", 0, 0]], \"output_layers\": [[\"inner\", 1, 0]]}}";
    Model m3 = (Model) dev.graft.dsl.io.ModelIO.layerFromConfig(keras3);
    assertEquals(TrainingMode.TRAINING, m3.outputs().get(0).producer().mode());
  }
}
