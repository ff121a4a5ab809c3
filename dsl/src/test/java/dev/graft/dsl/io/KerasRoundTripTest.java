package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autograd.Variable;
import dev.graft.dsl.Layer;
import dev.graft.dsl.Model;
import dev.graft.dsl.SymbolicTensor;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models saved as {@code .keras} load back with the same structure, weights and predictions. */
class KerasRoundTripTest {
  @TempDir Path dir;

  /**
   * Identical weights (bit for bit) and predictions equal up to float32 summation order (the two
   * models' plans may place buffers differently, which changes BLAS blocking).
   */
  static void assertSamePredictions(Model a, Model b, List<Tensor> x) {
    List<Variable> wa = a.weights();
    List<Variable> wb = b.weights();
    assertEquals(wa.size(), wb.size());
    for (int i = 0; i < wa.size(); i++) {
      assertEquals(wa.get(i).shape(), wb.get(i).shape());
      assertEquals(0.0, Fixtures.maxDiff(wa.get(i).value(), wb.get(i).value()), wa.get(i).name());
    }
    List<Tensor> pa = a.predict(x);
    List<Tensor> pb = b.predict(x);
    assertEquals(pa.size(), pb.size());
    for (int i = 0; i < pa.size(); i++) {
      assertEquals(0.0, Fixtures.maxDiff(pa.get(i), pb.get(i)), 1e-6, "output " + i);
    }
  }

  private Model roundTrip(Model m) {
    Path f = dir.resolve(m.name() + ".keras");
    m.save(f);
    return Model.load(f);
  }

  @Test
  void everyLayerKindSurvives() {
    seed(1);
    var img = input("img", 8, 8, 3);
    var a = conv2d(4, 3).padding("same").strides(1).activation("relu").on(img);
    a = maxPooling2d().on(a);
    var b = averagePooling2d(2).on(conv2d(4, 1).on(img));
    var ab = add(a, b);
    var g1 = globalAveragePooling2d().on(ab);
    var g2 = globalMaxPooling2d().on(ab);
    var merged =
        concatenate(g1, g2, multiply(g1, g2), subtract(g1, g2), average(g1, g2)); // (None, 20)
    var seq = repeatVector(3).on(dense(6).activation("tanh").on(merged));
    var r1 = lstm(5).returnSequences(true).on(seq);
    var r2 = gru(4).on(r1);
    var tok = input("tok", 7);
    var e = flatten().on(embedding(10, 2).on(tok));
    var h = concatenate(r2, reshape(14).on(reshape(7, 2).on(e)), dropout(0.3).on(r2));
    var out = activation("sigmoid").on(dense(2).on(h));
    Model m = model(List.of(img, tok), out);
    Model back = roundTrip(m);
    assertEquals(m.countParams(), back.countParams());
    assertEquals(m.layers().size(), back.layers().size());
    assertSamePredictions(m, back, List.of(Tensor.rand(3, 8, 8, 3), Tensor.randint(0, 10, 3, 7)));
  }

  @Test
  void nestedSharedAndTwiceCalledModelsKeepTheirIdentity() {
    seed(2);
    var in = input(6);
    Model inner = model(in, dense(4).activation("relu").on(in));
    inner.name("encoder");
    Layer shared = dense(3).name("shared");
    var x1 = input("x1", 6);
    var x2 = input("x2", 6);
    var y1 = shared.on(inner.on(x1));
    var y2 = shared.on(inner.on(x2));
    Model outer = model(List.of(x1, x2), dense(1).on(concatenate(y1, y2)));
    Model back = roundTrip(outer);
    Model encoder = (Model) back.getLayer("encoder");
    assertEquals(2, encoder.calls().size());
    assertEquals(2, back.getLayer("shared").calls().size());
    assertEquals(outer.weights().size(), back.weights().size());
    assertSamePredictions(outer, back, List.of(Tensor.rand(4, 6), Tensor.rand(4, 6)));
  }

  @Test
  void sequentialAndFrozenFlagsSurvive() {
    seed(3);
    var s = sequential(input(5), dense(4).activation("relu"), dropout(0.5), dense(2));
    s.layers().get(1).trainable(false);
    Model back = roundTrip(s);
    assertEquals("Sequential", back.className());
    assertFalse(back.layers().get(1).trainable());
    assertTrue(back.layers().get(3).trainable());
    assertSamePredictions(s, back, List.of(Tensor.rand(3, 5)));
  }

  @Test
  void mergeOfTwoLoadedPretrainedModels() {
    seed(4);
    var ia = input(4);
    Model a = model(ia, dense(3).activation("relu").on(ia));
    var ib = input(4);
    Model b = model(ib, dense(3).activation("tanh").on(ib));
    Model la = roundTrip(a);
    Model lb = roundTrip(b);
    la.trainable(false);
    var x = input("x", 4);
    Model merged = model(x, dense(1).on(average(la.on(x), lb.on(x))));
    Model back = roundTrip(merged);
    assertSamePredictions(merged, back, List.of(Tensor.rand(5, 4)));
    Model again = roundTrip(back);
    assertSamePredictions(merged, again, List.of(Tensor.rand(5, 4)));
  }

  @Test
  void trainingContinuesFromTheSavedOptimizerState() {
    seed(5);
    var in = input(3);
    Model m = model(in, dense(1).activation("sigmoid").on(dense(4).activation("relu").on(in)));
    m.compile(adam(0.01), "binary_crossentropy", "accuracy");
    Tensor x = Tensor.rand(new Rng(1), 8, 3);
    Tensor y = Tensor.randint(new Rng(2), 0, 2, 8, 1);
    m.trainOnBatch(x, y);
    m.trainOnBatch(x, y);
    Model back = roundTrip(m);
    assertEquals(2, back.optimizer().iterations());
    assertEquals("Adam", back.optimizer().name());
    assertEquals(m.metricsNames(), back.metricsNames());
    double[] la = m.trainOnBatch(x, y);
    double[] lb = back.trainOnBatch(x, y);
    assertEquals(la[0], lb[0], 0.0);
    List<Variable> wa = m.weights();
    List<Variable> wb = back.weights();
    for (int i = 0; i < wa.size(); i++) {
      assertEquals(0.0, Fixtures.maxDiff(wa.get(i).value(), wb.get(i).value()), wa.get(i).name());
    }
  }

  @Test
  void weightsOnlyFilesWorkForSubclassedModels() {
    seed(6);
    class Twin extends Model {
      final Layer hidden = dense(5).activation("relu");
      final Layer out = dense(2);

      @Override
      public SymbolicTensor call(List<SymbolicTensor> inputs) {
        return out.on(hidden.on(inputs.get(0)));
      }
    }
    Twin a = new Twin();
    a.build(dev.graft.tensor.Shape.of(4));
    Path f = dir.resolve("twin.weights.h5");
    a.saveWeights(f);
    Twin b = new Twin();
    b.build(dev.graft.tensor.Shape.of(4));
    b.loadWeights(f);
    assertSamePredictions(a, b, List.of(Tensor.rand(3, 4)));
  }
}
