package dev.graft.dsl.data;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.History;
import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code fit}, {@code evaluate} and {@code predict} fed by datasets. */
class DatasetFitTest {
  private static final Tensor X;
  private static final Tensor Y;

  static {
    seed(5);
    X = Tensor.rand(96, 6);
    float[] y = new float[96];
    for (int i = 0; i < 96; i++) {
      y[i] = X.get(i, 0) + X.get(i, 1) > 1 ? 1 : 0;
    }
    Y = Tensor.wrap(y, 96, 1);
  }

  private static Model classifier() {
    seed(3);
    var in = input(6);
    Model m = model(in, dense(1).activation("sigmoid").on(dense(8).activation("relu").on(in)));
    m.compile(adam(0.01), "binary_crossentropy", "accuracy");
    return m;
  }

  @AfterEach
  void noThreadOutlivesFit() {
    assertEquals(List.of(), DatasetTest.dataThreads());
  }

  @Test
  void aDatasetTrainsExactlyAsTheSameTensorBatches() {
    Model a = classifier();
    History ha = a.fit(X, Y, epochs(3).batchSize(16).shuffle(false).verbose(0));
    Model b = classifier();
    Dataset<List<Tensor>> ds = Dataset.fromTensorSlices(X, Y).batch(16).prefetch(2);
    History hb = b.fit(ds, epochs(3).verbose(0));
    for (int e = 0; e < 3; e++) {
      assertEquals(ha.get("loss").get(e), hb.get("loss").get(e), 1e-6);
      assertEquals(ha.get("accuracy").get(e), hb.get("accuracy").get(e), 1e-9);
    }
    for (int i = 0; i < a.getWeights().size(); i++) {
      // same batches, same steps; the JIT may round a kernel's first runs differently
      assertArrayEquals(a.getWeights().get(i).toArray(), b.getWeights().get(i).toArray(), 1e-5f);
    }
    assertArrayEquals(a.evaluate(X, Y), b.evaluate(ds), 1e-6);
    assertArrayEquals(b.predict(X).toArray(), b.predict(ds).toArray(), 1e-6f);
    // predict takes batches of inputs alone too
    assertArrayEquals(
        b.predict(X).toArray(), b.predict(Dataset.fromTensorSlices(X).batch(10)).toArray(), 1e-6f);
  }

  @Test
  void unknownLengthShowsTheStepCountWithoutTotalInTheFirstEpoch() {
    Model m = classifier();
    Dataset<List<Tensor>> gen =
        Dataset.fromGenerator(() -> Dataset.fromTensorSlices(X, Y).batch(32).toList().iterator())
            .prefetch(1);
    assertEquals(Dataset.UNKNOWN, gen.cardinality());
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    History h;
    try {
      h = m.fit(gen, epochs(2).verbose(1));
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("/Unknown"), out);
    assertTrue(out.contains("3/3 "), out);
    assertEquals(2, h.get("loss").size());
  }

  @Test
  void callbacksAndValidationDatasetsWork() {
    Model m = classifier();
    Dataset<List<Tensor>> train = Dataset.fromTensorSlices(X, Y).shuffle(96).batch(16);
    Dataset<List<Tensor>> val = Dataset.fromTensorSlices(X.slice(0, 32), Y.slice(0, 32)).batch(8);
    History h =
        m.fit(
            train,
            epochs(50)
                .validationData(val)
                .verbose(0)
                .callbacks(earlyStopping("val_loss", 0).minDelta(10)));
    assertEquals(2, h.get("val_loss").size(), "EarlyStopping(patience 0, huge min_delta) stops");
    assertArrayEquals(
        m.evaluate(X.slice(0, 32), Y.slice(0, 32)),
        new double[] {h.get("val_loss").get(1), h.get("val_accuracy").get(1)},
        1e-6);
  }

  @Test
  void stepsPerEpochReadsOnAcrossEpochs() {
    Model m = classifier();
    List<Integer> seen = new ArrayList<>();
    Dataset<List<Tensor>> ds =
        Dataset.range(1000)
            .map(
                i -> {
                  synchronized (seen) {
                    seen.add(i);
                  }
                  return List.of(X.slice(i % 90, i % 90 + 4), Y.slice(i % 90, i % 90 + 4));
                },
                0);
    m.fit(ds, epochs(3).stepsPerEpoch(5).verbose(0));
    assertEquals(15, seen.size());
    assertEquals(14, seen.get(14));

    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.fit(Dataset.fromTensorSlices(X, Y).batch(8).repeat(), epochs(1).verbose(0)));
    assertTrue(e.getMessage().contains("stepsPerEpoch"), e.getMessage());
    History h =
        m.fit(Dataset.fromTensorSlices(X, Y).batch(32), epochs(5).stepsPerEpoch(2).verbose(0));
    assertEquals(2, h.get("loss").size(), "3 batches run out during epoch 2: training stops");
    m.fit(Dataset.fromTensorSlices(X, Y).batch(32).repeat(), epochs(3).stepsPerEpoch(2).verbose(0));
  }

  @Test
  void aBrokenBatchStopsFitWithItsCauseAndKeepsTheWeights() {
    Model m = classifier();
    List<Tensor> before = m.getWeights();
    Dataset<List<Tensor>> ds =
        Dataset.fromTensorSlices(X, Y)
            .batch(8)
            .map(
                b -> {
                  if (b.get(0).get(0, 0) == X.get(40, 0)) {
                    throw new IllegalStateException("cannot decode batch 5");
                  }
                  return b;
                })
            .prefetch(2);
    var e = assertThrows(DataException.class, () -> m.fit(ds, epochs(1).verbose(0)));
    assertTrue(e.getMessage().contains("cannot decode batch 5"), e.getMessage());
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertInstanceOf(IllegalStateException.class, root);
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i).toArray(), m.getWeights().get(i).toArray());
    }
  }

  @Test
  void batchesOfTheWrongArityAreNamed() {
    Model m = classifier();
    var e =
        assertThrows(
            DataException.class,
            () -> m.fit(Dataset.fromTensorSlices(X).batch(8), epochs(1).verbose(0)));
    assertTrue(e.getMessage().contains("batch 0 holds 1 tensor(s)"), e.getMessage());
    var e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.fit(Dataset.fromTensorSlices(X, Y).batch(8), epochs(1).validationSplit(0.2)));
    assertTrue(e2.getMessage().contains("validation_split"), e2.getMessage());
  }

  @Test
  void anInterruptedFitEndsAndLeavesNoThread() throws Exception {
    Model m = classifier();
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    Dataset<List<Tensor>> stalls =
        Dataset.<List<Tensor>>fromGenerator(
                () ->
                    new Iterator<>() {
                      int i;

                      @Override
                      public boolean hasNext() {
                        return true;
                      }

                      @Override
                      public List<Tensor> next() {
                        if (i++ == 2) {
                          blocked.countDown();
                          try {
                            never.await();
                          } catch (InterruptedException e) {
                            throw new IllegalStateException("loader interrupted", e);
                          }
                        }
                        return List.of(X.slice(0, 8), Y.slice(0, 8));
                      }
                    })
            .prefetch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread trainer =
        new Thread(
            () -> {
              try {
                m.fit(stalls, epochs(1).stepsPerEpoch(100).verbose(0));
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    trainer.start();
    assertTrue(blocked.await(30, TimeUnit.SECONDS));
    trainer.interrupt();
    trainer.join(30_000);
    assertTrue(!trainer.isAlive(), "fit did not end after an interrupt");
    assertTrue(failure.get() instanceof RuntimeException, String.valueOf(failure.get()));
  }
}
