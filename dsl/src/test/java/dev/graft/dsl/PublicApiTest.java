package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autograd.optim.Optimizer;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Public factories and model accessors that no other test calls, each checked by its result. */
class PublicApiTest {
  private static Model regression(Object optimizer) {
    seed(3);
    var in = input(4);
    Model m = model(in, dense(1).on(dense(8).activation("tanh").on(in)));
    m.compile(optimizer, "mse");
    return m;
  }

  private static void optimizerLearns(Optimizer opt, String className, Map<String, Double> want) {
    Map<String, Object> c = opt.config();
    assertEquals(className, opt.name());
    for (Map.Entry<String, Double> e : want.entrySet()) {
      assertEquals(e.getValue(), ((Number) c.get(e.getKey())).doubleValue(), 1e-7, e.getKey());
    }
    Model m = regression(opt);
    Rng rng = new Rng(9);
    Tensor x = Tensor.rand(rng, 32, 4);
    Tensor y = Tensor.rand(rng, 32, 1);
    double before = m.evaluate(x, y)[0];
    for (int i = 0; i < 30; i++) {
      m.trainOnBatch(x, y);
    }
    double after = m.evaluate(x, y)[0];
    assertTrue(after < 0.95 * before, className + ": loss " + before + " -> " + after);
  }

  @Test
  void optimizerFactoriesHaveKerasDefaultsAndTrain() {
    optimizerLearns(
        adamw(),
        "AdamW",
        Map.of("learning_rate", 0.001, "weight_decay", 0.004, "beta_1", 0.9, "epsilon", 1e-7));
    optimizerLearns(rmsprop(), "RMSprop", Map.of("learning_rate", 0.001, "rho", 0.9));
    optimizerLearns(
        adagrad(), "Adagrad", Map.of("learning_rate", 0.001, "initial_accumulator_value", 0.1));
  }

  /** The typed loss or metric gives the same numbers as its Keras name. */
  private static void sameAsName(
      Object typed, String name, Tensor y, int units, String activation) {
    Supplier<Model> build =
        () -> {
          seed(4);
          var in = input(5);
          return model(in, dense(units).activation(activation).on(in));
        };
    Tensor x = Tensor.rand(new Rng(2), 16, 5);
    Model a = build.get();
    a.compile(adam(), typed, accuracy());
    Model b = build.get();
    b.compile(adam(), name, "accuracy");
    assertArrayEquals(b.evaluate(x, y), a.evaluate(x, y), 0.0, name);
    assertEquals(b.metricsNames(), a.metricsNames());
  }

  @Test
  void typedLossesAndAccuracyEqualTheirKerasNames() {
    Rng rng = new Rng(6);
    Tensor binary = Tensor.randint(rng, 0, 2, 16, 1);
    Tensor classes = Tensor.randint(rng, 0, 3, 16, 1);
    Tensor oneHot = Tensor.zeros(16, 3);
    for (int i = 0; i < 16; i++) {
      oneHot.set(1, i, (int) classes.get(i, 0));
    }
    sameAsName(binaryCrossentropy(), "binary_crossentropy", binary, 1, "sigmoid");
    sameAsName(categoricalCrossentropy(), "categorical_crossentropy", oneHot, 3, "softmax");
    sameAsName(
        sparseCategoricalCrossentropy(), "sparse_categorical_crossentropy", classes, 3, "softmax");
    sameAsName(meanSquaredError(), "mse", Tensor.rand(rng, 16, 2), 2, "linear");
  }

  @Test
  void modelAccessors() {
    seed(5);
    var a = input("left", 3);
    var b = input("right", 2, 4);
    var out = dense(2).on(concatenate(1, a, flatten().on(b)));
    Model m = model(List.of(a, b), out);
    assertTrue(m.hasGraph());
    assertEquals(List.of("left", "right"), m.inputNames());
    assertEquals(2, m.inputShapes().size());
    assertEquals(3, m.inputShapes().get(0).dim(1));
    assertEquals(
        List.of(2, 4), List.of(m.inputShapes().get(1).dim(1), m.inputShapes().get(1).dim(2)));
    assertEquals(List.of(out), m.outputs());
    Tensor x1 = Tensor.rand(new Rng(1), 4, 3);
    Tensor x2 = Tensor.rand(new Rng(2), 4, 2, 4);
    Tensor viaBatch = m.predictOnBatch(List.of(x1, x2)).get(0);
    assertTrue(viaBatch.allClose(m.predict(List.of(x1, x2)).get(0), 1e-6, 1e-7));
    // A subclassed model has no graph until it is traced.
    Model sub =
        new Model() {
          final Layer d = dense(1);

          @Override
          public SymbolicTensor call(List<SymbolicTensor> inputs) {
            return d.on(inputs.get(0));
          }
        };
    assertFalse(sub.hasGraph());
    sub.predict(Tensor.rand(2, 3));
    assertTrue(sub.hasGraph());
  }

  @Test
  void concatenateOnAChosenAxis() {
    var a = input(2, 3);
    var b = input(2, 5);
    var c = concatenate(2, a, b);
    assertEquals(8, c.shape().dim(2));
    Model m = model(List.of(a, b), c);
    Tensor x = Tensor.rand(new Rng(3), 1, 2, 3);
    Tensor y = Tensor.rand(new Rng(4), 1, 2, 5);
    Tensor got = m.predict(List.of(x, y)).get(0);
    assertEquals(x.get(0, 1, 2), got.get(0, 1, 2));
    assertEquals(y.get(0, 1, 4), got.get(0, 1, 7));
    var rows = concatenate(1, a, a);
    assertEquals(4, rows.shape().dim(1));
  }

  @Test
  void averagePooling2dDefaultsToTwoByTwo() {
    var in = input(4, 4, 1);
    Model m = model(in, averagePooling2d().on(in));
    float[] v = new float[16];
    for (int i = 0; i < 16; i++) {
      v[i] = i;
    }
    Tensor out = m.predict(Tensor.of(v, 1, 4, 4, 1));
    // Keras's AveragePooling2D(): pool (2, 2), strides = pool, valid.
    assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, out.toArray());
  }

  @Test
  void activationLayerFromTheEnum() {
    var in = input(3);
    Model m = model(in, activation(Activation.RELU).on(in));
    assertArrayEquals(
        new float[] {0f, 0f, 2f}, m.predict(Tensor.of(new float[] {-1, 0, 2}, 1, 3)).toArray());
  }

  @Test
  void summaryExpandsNestedModelsOnRequest() {
    var in = input(3);
    Model inner = model(in, dense(2).name("inner_dense").on(in));
    inner.name("block");
    var x = input(3);
    Model outer = model(x, dense(1).on(inner.on(x)));
    String flat = printed(() -> outer.summary(false));
    String expanded = printed(() -> outer.summary(true));
    assertEquals(outer.summaryText(false), flat);
    assertEquals(outer.summaryText(true), expanded);
    assertTrue(flat.contains("block") && !flat.contains("inner_dense"), flat);
    assertTrue(expanded.contains("inner_dense"), expanded);
  }

  private static String printed(Runnable r) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
