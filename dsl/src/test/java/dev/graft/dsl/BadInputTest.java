package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
