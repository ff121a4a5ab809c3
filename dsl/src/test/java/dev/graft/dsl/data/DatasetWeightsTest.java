package dev.graft.dsl.data;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.History;
import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keras's sample weights with datasets: {@code (x, y, sample_weight)} batches and {@code
 * class_weight} train exactly as the same weights given with tensors; evaluate weighs the loss.
 */
class DatasetWeightsTest {
  private static final Tensor X;
  private static final Tensor Y;
  private static final Tensor W;

  static {
    seed(7);
    X = Tensor.rand(64, 5);
    float[] y = new float[64];
    float[] w = new float[64];
    for (int i = 0; i < 64; i++) {
      y[i] = X.get(i, 0) + X.get(i, 2) > 1 ? 2 : X.get(i, 1) > 0.5f ? 1 : 0;
      w[i] = (i % 5) * 0.5f; // zeros among them: those samples do not count
    }
    Y = Tensor.wrap(y, 64);
    W = Tensor.wrap(w, 64);
  }

  private static Model classifier() {
    seed(4);
    var in = input(5);
    Model m = model(in, dense(3).activation("softmax").on(dense(8).activation("relu").on(in)));
    m.compile(adam(0.01), "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  @AfterEach
  void noThreadOutlivesFit() {
    assertEquals(List.of(), DatasetTest.dataThreads());
  }

  private static void sameTraining(Model a, History ha, Model b, History hb) {
    for (int e = 0; e < ha.get("loss").size(); e++) {
      assertEquals(ha.get("loss").get(e), hb.get("loss").get(e), 1e-6, "epoch " + e);
      assertEquals(ha.get("accuracy").get(e), hb.get("accuracy").get(e), 1e-9, "epoch " + e);
    }
    for (int i = 0; i < a.getWeights().size(); i++) {
      assertArrayEquals(a.getWeights().get(i).toArray(), b.getWeights().get(i).toArray(), 1e-6f);
    }
  }

  @Test
  void sampleWeightsAsEachBatchsThirdTensorTrainAsTheSampleWeightOption() {
    Model a = classifier();
    History ha = a.fit(X, Y, epochs(3).batchSize(16).shuffle(false).sampleWeight(W).verbose(0));
    Model b = classifier();
    History hb =
        b.fit(Dataset.fromTensorSlices(X, Y, W).batch(16).prefetch(2), epochs(3).verbose(0));
    sameTraining(a, ha, b, hb);
    // and the weights matter: unweighted training ends elsewhere
    Model c = classifier();
    History hc = c.fit(Dataset.fromTensorSlices(X, Y).batch(16), epochs(3).verbose(0));
    assertTrue(Math.abs(hc.get("loss").get(2) - hb.get("loss").get(2)) > 1e-3);
  }

  @Test
  void classWeightWithADatasetTrainsAsWithTensors() {
    Map<Integer, Float> cw = Map.of(0, 0.5f, 1, 2f, 2, 1.25f);
    Model a = classifier();
    History ha = a.fit(X, Y, epochs(3).batchSize(16).shuffle(false).classWeight(cw).verbose(0));
    Model b = classifier();
    History hb =
        b.fit(Dataset.fromTensorSlices(X, Y).batch(16), epochs(3).classWeight(cw).verbose(0));
    sameTraining(a, ha, b, hb);
    // one-hot targets: the class is the argmax, as with tensors
    Tensor oneHot = Tensor.zeros(64, 3);
    for (int i = 0; i < 64; i++) {
      oneHot.set(1f, i, (int) Y.getFlat(i));
    }
    Model c = classifier();
    c.compile(adam(0.01), "categorical_crossentropy", "accuracy");
    History hc =
        c.fit(X, oneHot, epochs(2).batchSize(16).shuffle(false).classWeight(cw).verbose(0));
    Model d = classifier();
    d.compile(adam(0.01), "categorical_crossentropy", "accuracy");
    History hd =
        d.fit(Dataset.fromTensorSlices(X, oneHot).batch(16), epochs(2).classWeight(cw).verbose(0));
    sameTraining(c, hc, d, hd);
  }

  @Test
  void evaluateAndValidationWeighTheLossByTheBatchsSampleWeights() {
    Model m = classifier();
    m.fit(X, Y, epochs(1).batchSize(16).verbose(0));
    double[] plain = m.evaluate(Dataset.fromTensorSlices(X, Y).batch(16));
    double[] doubled = m.evaluate(Dataset.fromTensorSlices(X, Y, Tensor.full(2f, 64)).batch(16));
    assertEquals(2 * plain[0], doubled[0], 1e-6);
    assertEquals(plain[1], doubled[1], 1e-9); // compile's metrics are not weighted, as in Keras
    // a zero weight removes a sample from the loss: weights 1 on the first half only
    float[] half = new float[64];
    java.util.Arrays.fill(half, 0, 32, 1f);
    double[] firstHalf =
        m.evaluate(Dataset.fromTensorSlices(X, Y, Tensor.wrap(half, 64)).batch(16));
    double[] only = m.evaluate(Dataset.fromTensorSlices(X.slice(0, 32), Y.slice(0, 32)).batch(16));
    assertEquals(only[0] / 2, firstHalf[0], 1e-6);
    History h =
        m.fit(
            Dataset.fromTensorSlices(X, Y).batch(16),
            epochs(1)
                .validationData(Dataset.fromTensorSlices(X, Y, Tensor.full(0f, 64)).batch(16))
                .verbose(0));
    assertEquals(0, h.get("val_loss").get(0), 0);
  }

  @Test
  void misuseIsRefusedAsKerasRefusesIt() {
    Model m = classifier();
    Dataset<List<Tensor>> plain = Dataset.fromTensorSlices(X, Y).batch(16);
    Dataset<List<Tensor>> weighted = Dataset.fromTensorSlices(X, Y, W).batch(16);
    String option =
        assertThrows(
                IllegalArgumentException.class,
                () -> m.fit(plain, epochs(1).sampleWeight(W).verbose(0)))
            .getMessage();
    assertTrue(option.contains("(x, y, sample_weight)"), option);
    String both =
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    m.fit(weighted, epochs(1).classWeight(Map.of(0, 1f, 1, 1f, 2, 1f)).verbose(0)))
            .getMessage();
    assertTrue(both.contains("classWeight"), both);
    Dataset<List<Tensor>> negative = Dataset.fromTensorSlices(X, Y, Tensor.full(-1f, 64)).batch(16);
    String neg =
        assertThrows(IllegalArgumentException.class, () -> m.fit(negative, epochs(1).verbose(0)))
            .getMessage();
    assertTrue(neg.contains("sample weights must be >= 0"), neg);
    Dataset<List<Tensor>> wrongShape = Dataset.fromTensorSlices(X, Y, Tensor.ones(64, 2)).batch(16);
    String shape =
        assertThrows(DataException.class, () -> m.fit(wrongShape, epochs(1).verbose(0)))
            .getMessage();
    assertTrue(shape.contains("batch 0: its sample weights have shape (16, 2)"), shape);
    String missing =
        assertThrows(
                IllegalArgumentException.class,
                () -> m.fit(plain, epochs(1).classWeight(Map.of(0, 1f, 1, 1f)).verbose(0)))
            .getMessage();
    assertTrue(missing.contains("class_weight has no weight for class 2"), missing);
  }
}
