package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input that used to pass silently or fail obscurely (issue 15): each case goes through the
 * public API and checks the message names the cause.
 */
class BadInputTest {
  @TempDir Path dir;

  private static String message(Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }

  private static void assertContains(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "\"" + p + "\" not in: " + message);
    }
  }

  private static Model small() {
    var in = input("features", 3);
    Model m = model(in, dense(1).on(dense(4).activation("relu").on(in)));
    m.compile(adam(), "mse");
    return m;
  }

  @Test
  void emptyDataIsRefusedByEveryEntryPoint() {
    Model m = small();
    Tensor none = Tensor.zeros(0, 3);
    Tensor noTargets = Tensor.zeros(0, 1);
    assertContains(
        message(() -> m.fit(none, noTargets, epochs(1).verbose(0))),
        "fit: x holds 0 samples (shape (0, 3)); at least one sample is needed");
    assertContains(message(() -> m.evaluate(none, noTargets)), "evaluate: x holds 0 samples");
    assertContains(message(() -> m.predict(none)), "predict: x holds 0 samples");
    assertContains(message(() -> m.predictOnBatch(List.of(none))), "predict: x holds 0 samples");
    assertContains(message(() -> m.trainOnBatch(none, noTargets)), "trainOnBatch: x holds 0");
    assertContains(message(() -> m.gradients(none, noTargets)), "gradients: x holds 0");
    FitOptions emptyValidation = epochs(1).verbose(0).validationData(none, noTargets);
    assertContains(
        message(() -> m.fit(Tensor.rand(4, 3), Tensor.rand(4, 1), emptyValidation)),
        "fit: validationData holds 0 samples");
  }

  @Test
  void anInputTheOutputIgnoresIsAcceptedAndIgnoredEverywhere() {
    var used = input("used", 3);
    var ignored = input("ignored", 2);
    Model m = model(List.of(used, ignored), dense(1).on(used));
    m.compile(sgd(), "mse");
    Tensor x = Tensor.rand(6, 3);
    Tensor p1 = m.predict(x, Tensor.rand(6, 2));
    Tensor p2 = m.predict(x, Tensor.zeros(6, 2));
    assertArrayEquals(p1.toArray(), p2.toArray(), 1e-6f);
    // The ignored input is still checked: the model declares it.
    assertContains(
        message(() -> m.predict(x, Tensor.rand(6, 5))), "Input 1", "\"ignored\"", "(6, 5)");
    History h =
        m.fit(List.of(x, Tensor.rand(6, 2)), Tensor.rand(6, 1), epochs(2).batchSize(4).verbose(0));
    assertTrue(Double.isFinite(h.history().get("loss").get(1)));
    assertTrue(Double.isFinite(m.evaluate(List.of(x, Tensor.rand(6, 2)), Tensor.rand(6, 1))[0]));
    Path file = dir.resolve("ignored.keras");
    m.save(file);
    Model back = Model.load(file);
    assertEquals(List.of("used", "ignored"), back.inputNames());
    float[] trained = m.predict(x, Tensor.zeros(6, 2)).toArray();
    assertArrayEquals(trained, back.predict(x, Tensor.ones(6, 2)).toArray(), 1e-6f);
    // As a block of another model, too.
    var a = input(3);
    var b = input(2);
    Model outer = model(List.of(a, b), m.on(a, b));
    assertArrayEquals(trained, outer.predict(x, Tensor.ones(6, 2)).toArray(), 1e-6f);
  }

  @Test
  void twoLayersOfOneNameAreRefusedAtDefinition() {
    var in = input("x", 3);
    var h = dense(4).name("head").on(in);
    var out = dense(1).name("head").on(h);
    assertContains(
        message(() -> model(in, out)),
        "The name \"head\" is used 2 times in the model",
        "Dense (layer 1, output (None, 4)) and Dense (layer 2, output (None, 1))",
        "All layer names should be unique");
    // A layer named like an input clashes too (Keras counts InputLayers).
    var clash = dense(1).name("x").on(in);
    assertContains(message(() -> model(in, clash)), "\"x\" is used 2 times", "InputLayer");
  }

  @Test
  void aNestedModelNamedLikeAnOuterLayerIsRefusedButInnerNamesAreScoped() {
    var a = input(3);
    Model inner = model(a, dense(4).name("d").on(a)).name("block");
    var b = input(3);
    var clash = dense(1).name("block").on(inner.on(b));
    assertContains(message(() -> model(b, clash)), "\"block\" is used 2 times", "Functional");
    // The inner layer "d" and an outer "d" live in different models: allowed.
    Model ok = model(b, dense(1).name("d").on(inner.on(b)));
    assertEquals("d", ok.getLayer("block/d").name());
    assertEquals(1, ok.getLayer("d").weights().get(0).shape().dim(1));
  }

  @Test
  void sequentialRefusesALayerNamedLikeOneOfItsStack() {
    Sequential s = new Sequential(input(3), List.of(dense(4).name("d")));
    assertContains(message(() -> s.add(dense(1).name("d"))), "\"d\" is used 2 times");
    assertEquals(2, s.layers().size()); // the refused layer was not added
  }

  @Test
  void savedFilesStillRoundTripAfterTheNameCheck() throws Exception {
    Model m = small();
    Path file = dir.resolve("small.keras");
    m.save(file);
    assertTrue(Files.size(file) > 0);
    Tensor x = Tensor.rand(2, 3);
    assertArrayEquals(m.predict(x).toArray(), Model.load(file).predict(x).toArray(), 1e-6f);
  }

  private static Model classifier() {
    var in = input("features", 3);
    Model m = model(in, dense(2).activation("softmax").on(in));
    m.compile(adam(), "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  @Test
  void sampleAndClassWeightsTogetherAreRefusedAsInKeras() {
    Model m = classifier();
    FitOptions both =
        epochs(1).verbose(0).sampleWeight(Tensor.ones(8)).classWeight(Map.of(0, 1f, 1, 2f));
    assertContains(
        message(() -> m.fit(Tensor.rand(8, 3), Tensor.randint(0, 2, 8, 1), both)),
        "fit: sampleWeight and classWeight cannot be given at the same time");
  }

  @Test
  void negativeOrNonFiniteWeightsAreRefused() {
    Model m = classifier();
    Tensor x = Tensor.rand(8, 3);
    Tensor y = Tensor.randint(0, 2, 8, 1);
    assertContains(
        message(() -> m.fit(x, y, epochs(1).verbose(0).sampleWeight(Tensor.full(-1f, 8)))),
        "fit: sampleWeight holds -1.0 at position 0; sample weights must be >= 0");
    assertContains(
        message(() -> m.fit(x, y, epochs(1).verbose(0).classWeight(Map.of(0, -1f, 1, 1f)))),
        "fit: classWeight gives class 0 the weight -1.0; class weights must be finite and >= 0");
    assertContains(
        message(() -> m.fit(x, y, epochs(1).verbose(0).classWeight(Map.of(0, 1f, 1, Float.NaN)))),
        "class 1 the weight NaN");
  }

  @Test
  void validationDataWinsOverValidationSplitAsInKeras() {
    Model m = small();
    Tensor x = Tensor.rand(8, 3);
    Tensor y = Tensor.rand(8, 1);
    Tensor vx = Tensor.rand(5, 3);
    Tensor vy = Tensor.full(10f, 5, 1); // far from the training targets: a split would not match
    History h =
        m.fit(
            x, y, epochs(1).verbose(0).shuffle(false).validationSplit(0.5).validationData(vx, vy));
    assertEquals(m.evaluate(vx, vy)[0], h.get("val_loss").get(0), 1e-4);
  }

  @Test
  void anEmptySequentialSaysItHasNoLayers() {
    Sequential s = new Sequential();
    String msg =
        assertThrows(IllegalStateException.class, () -> s.predict(Tensor.rand(2, 3))).getMessage();
    assertContains(msg, "Sequential model \"", "has no layers yet");
  }

  @Test
  void aMonitorNoLogWillHoldFailsBeforeTheFirstEpoch() {
    Model m = classifier();
    Tensor x = Tensor.rand(8, 3);
    Tensor y = Tensor.randint(0, 2, 8, 1);
    List<Integer> epochsRun = new java.util.ArrayList<>();
    assertContains(
        message(
            () ->
                m.fit(
                    x,
                    y,
                    epochs(2)
                        .verbose(0)
                        .callbacks(earlyStopping("val_lossy", 1), onEpochBegin(epochsRun::add)))),
        "EarlyStopping monitors \"val_lossy\", which the logs will not hold: did you mean"
            + " \"val_loss\"? The logs hold [loss, accuracy]");
    assertContains(
        message(
            () ->
                m.fit(
                    x,
                    y,
                    epochs(2)
                        .verbose(0)
                        .callbacks(
                            reduceLrOnPlateau("val_acuracy"), onEpochBegin(epochsRun::add)))),
        "ReduceLROnPlateau monitors \"val_acuracy\"",
        "did you mean \"val_accuracy\"?");
    assertTrue(epochsRun.isEmpty());
  }

  /** Kinds of bad input checked before this issue, kept under test with their messages. */
  @Test
  void outOfRangeOptionsAndDataAreRefused() {
    Model m = small();
    Tensor x = Tensor.rand(8, 3);
    Tensor y = Tensor.rand(8, 1);
    Map<String, Executable> cases = new LinkedHashMap<>();
    cases.put("fit: epochs must be >= 1; Received: epochs=0", () -> epochs(0));
    cases.put("fit: epochs must be >= 1; Received: epochs=-3", () -> m.fit(x, y, -3));
    cases.put("fit: batch_size must be >= 1; Received: batch_size=0", () -> epochs(1).batchSize(0));
    cases.put(
        "fit: validation_split must be in [0, 1); Received: validation_split=1.0",
        () -> epochs(1).validationSplit(1.0));
    cases.put(
        "fit: validation_split must be in [0, 1); Received: validation_split=-0.1",
        () -> epochs(1).validationSplit(-0.1));
    cases.put(
        "fit: validation_split must be in [0, 1); Received: validation_split=NaN",
        () -> epochs(1).validationSplit(Double.NaN));
    cases.put(
        "validation_split 0.1 of 8 samples leaves an empty set",
        () -> m.fit(x, y, epochs(1).verbose(0).validationSplit(0.1)));
    cases.put("fit: initial_epoch must be >= 0; Received: -1", () -> epochs(1).initialEpoch(-1));
    cases.put("fit: verbose must be 0, 1 or 2; Received: 3", () -> epochs(1).verbose(3));
    cases.put("predict: batch_size must be >= 1; got 0", () -> m.predict(List.of(x), 0));
    cases.put("x has 8 samples but y has shape (7, 1)", () -> m.fit(x, Tensor.rand(7, 1), 1));
    cases.put(
        "x has 2 samples but y has shape (3, 1)",
        () ->
            m.fit(x, y, epochs(1).verbose(0).validationData(Tensor.rand(2, 3), Tensor.rand(3, 1))));
    cases.put(
        "The input \"features\" holds NaN at flat position 0",
        () -> m.predict(Tensor.full(Float.NaN, 2, 3)));
    cases.put(
        "The input \"features\" holds Infinity at flat position 0",
        () ->
            m.fit(
                x,
                y,
                epochs(1)
                    .verbose(0)
                    .validationData(
                        Tensor.full(Float.POSITIVE_INFINITY, 2, 3), Tensor.rand(2, 1))));
    cases.put("The targets holds NaN", () -> m.evaluate(x, Tensor.full(Float.NaN, 8, 1)));
    cases.put(
        "The sample_weight holds NaN",
        () -> m.fit(x, y, epochs(1).verbose(0).sampleWeight(Tensor.full(Float.NaN, 8))));
    cases.put(
        "sample_weight has shape (5,) for 8 samples",
        () -> m.fit(x, y, epochs(1).verbose(0).sampleWeight(Tensor.ones(5))));
    cases.put("expects shape (None, 3); received ()", () -> m.predict(Tensor.scalar(1f)));
    cases.put("Invalid value for argument units of Dense. Received: units=0", () -> dense(0));
    cases.put("Invalid value for argument rate of Dropout. Received: rate=1.5", () -> dropout(1.5));
    cases.put("Adam: learning_rate must be >= 0; got NaN", () -> adam(Double.NaN));
    cases.put("Unknown loss \"msee\"", () -> m.compile(adam(), "msee"));
    cases.put("Unknown metric \"acuracy\"", () -> m.compile(adam(), "mse", "acuracy"));
    cases.forEach((expected, call) -> assertContains(message(call), expected));
  }
}
