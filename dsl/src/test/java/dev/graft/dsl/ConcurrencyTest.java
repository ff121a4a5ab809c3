package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The thread-safety contract of {@link Model}: {@code predict} and {@code evaluate} from many
 * threads give what sequential calls give, also while another thread trains (then with the weights
 * of a completed step); {@code fit}, {@code trainOnBatch}, {@code compile}, {@code setWeights} and
 * {@code loadWeights} are exclusive, a second one from another thread refused naming the running
 * call, nested models included.
 */
class ConcurrencyTest {
  private final Rng data = new Rng(3);

  private static Model denseModel() {
    var in = input(6);
    var h = dense(16).activation("relu").on(in);
    Model m = model(in, dense(1).activation("sigmoid").on(h));
    m.compile(adam(0.01), "binary_crossentropy", "accuracy", "auc");
    return m;
  }

  private static Model recurrent() {
    var in = input(7, 3);
    var h = lstm(8).on(dense(5).activation("tanh").on(in));
    Model m = model(in, dense(3).activation("softmax").on(h));
    m.compile(adam(0.01), "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  /** A convolution over 3 channels with 16 filters: the Vector API conv kernels' case. */
  private static Model conv() {
    var in = input(10, 10, 3);
    var x = conv2d(16, 3).activation("relu").on(in);
    x = flatten().on(maxPooling2d().on(x));
    Model m = model(in, dense(1).activation("sigmoid").on(x));
    m.compile(adam(0.01), "binary_crossentropy", "accuracy");
    return m;
  }

  private record Case(String name, Model model, Tensor x, Tensor y) {}

  private List<Case> cases() {
    seed(7);
    return List.of(
        new Case(
            "dense", denseModel(), Tensor.rand(data, 40, 6), Tensor.randint(data, 0, 2, 40, 1)),
        new Case(
            "lstm", recurrent(), Tensor.rand(data, 24, 7, 3), Tensor.randint(data, 0, 3, 24, 1)),
        new Case(
            "conv", conv(), Tensor.rand(data, 12, 10, 10, 3), Tensor.randint(data, 0, 2, 12, 1)));
  }

  /** Runs {@code threads} copies of {@code task} at once; returns their results. */
  private static <T> List<T> atOnce(int threads, Supplier<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        fs.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.get();
                }));
      }
      start.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : fs) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void evaluateFromFourThreadsEqualsSequentialCalls() throws Exception {
    for (Case c : cases()) {
      c.model().fit(c.x(), c.y(), epochs(1).batchSize(8).verbose(0));
      double[] want = c.model().evaluate(c.x(), c.y());
      List<List<double[]>> got =
          atOnce(
              4,
              () -> {
                List<double[]> runs = new ArrayList<>();
                for (int r = 0; r < 5; r++) {
                  runs.add(c.model().evaluate(c.x(), c.y()));
                }
                return runs;
              });
      for (List<double[]> runs : got) {
        for (double[] run : runs) {
          assertArrayEquals(want, run, c.name());
        }
      }
    }
  }

  /**
   * A metric of a user's own, without {@link Metric#copy()}: the share of predictions above 0.5.
   */
  private static final class Above implements Metric {
    private long above;
    private long count;

    @Override
    public String name() {
      return "above";
    }

    @Override
    public void reset() {
      above = 0;
      count = 0;
    }

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
      for (float v : yPred.toArray()) {
        above += v > 0.5f ? 1 : 0;
      }
      count += yPred.size();
    }

    @Override
    public double result() {
      return count == 0 ? 0 : (double) above / count;
    }
  }

  @Test
  void evaluateWithAMetricThatCannotBeCopiedTakesTurnsAndStaysRight() throws Exception {
    seed(5);
    var in = input(6);
    Model m = model(in, dense(1).activation("sigmoid").on(in));
    m.compile(adam(), "binary_crossentropy", new Above());
    Tensor x = Tensor.rand(data, 70, 6);
    Tensor y = Tensor.randint(data, 0, 2, 70, 1);
    double[] want = m.evaluate(x, y);
    for (double[] got : atOnce(4, () -> m.evaluate(x, y))) {
      assertArrayEquals(want, got);
    }
  }

  /** A fit whose first epoch waits until {@code release}, so another thread can try its call. */
  private static Thread fitWaiting(
      Model m, Tensor x, Tensor y, CountDownLatch started, CountDownLatch release) {
    Thread t =
        new Thread(
            () ->
                m.fit(
                    x,
                    y,
                    epochs(2)
                        .batchSize(8)
                        .verbose(0)
                        .callbacks(
                            new LambdaCallback()
                                .onEpochBegin(
                                    e -> {
                                      started.countDown();
                                      try {
                                        release.await(30, TimeUnit.SECONDS);
                                      } catch (InterruptedException ie) {
                                        Thread.currentThread().interrupt();
                                      }
                                    }))),
            "trainer-a");
    t.start();
    return t;
  }

  @Test
  void aSecondExclusiveCallFromAnotherThreadIsRefusedNamingTheRunningOne() throws Exception {
    seed(1);
    Model m = denseModel().name("m");
    Tensor x = Tensor.rand(data, 40, 6);
    Tensor y = Tensor.randint(data, 0, 2, 40, 1);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread a = fitWaiting(m, x, y, started, release);
    assertTrue(started.await(30, TimeUnit.SECONDS));
    try {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> m.fit(x, y, epochs(1).verbose(0)));
      assertTrue(
          e.getMessage()
              .contains("fit is already running on model 'm' (started by thread trainer-a)"),
          e.getMessage());
      assertTrue(e.getMessage().contains("exclusive"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> m.trainOnBatch(x, y));
      assertThrows(IllegalStateException.class, () -> m.setWeights(m.getWeights()));
      assertThrows(IllegalStateException.class, () -> m.compile(sgd(), "binary_crossentropy"));
      // The contract's other side: predict and evaluate run beside the fit.
      assertEquals(40, m.predict(x).shape().dim(0));
      assertEquals(3, m.evaluate(x, y).length);
    } finally {
      release.countDown();
      a.join(30_000);
    }
    for (Tensor w : m.getWeights()) {
      for (float v : w.toArray()) {
        assertTrue(Float.isFinite(v));
      }
    }
    m.fit(x, y, epochs(1).verbose(0)); // released: the model trains again
  }

  @Test
  void twoFitsStartedAtOnceGiveOneRefusalAndFiniteWeights() throws Exception {
    seed(2);
    Model m = denseModel();
    Tensor x = Tensor.rand(data, 200, 6);
    Tensor y = Tensor.randint(data, 0, 2, 200, 1);
    for (int round = 0; round < 5; round++) {
      List<String> outcomes =
          atOnce(
              2,
              () -> {
                try {
                  m.fit(x, y, epochs(3).batchSize(8).verbose(0));
                  return "ok";
                } catch (IllegalStateException e) {
                  assertTrue(e.getMessage().contains("is already running on model"));
                  return "refused";
                }
              });
      assertTrue(outcomes.contains("ok"), outcomes.toString());
      for (Tensor w : m.getWeights()) {
        for (float v : w.toArray()) {
          assertTrue(Float.isFinite(v), "round " + round);
        }
      }
    }
  }

  @Test
  void trainingAnOuterModelHoldsTheWeightsOfTheModelNestedInIt() throws Exception {
    seed(3);
    var in = input(6);
    Model inner = model(in, dense(4).on(in)).name("inner");
    inner.compile(sgd(), "mse");
    var outerIn = input(6);
    Model outer =
        model(outerIn, dense(1).activation("sigmoid").on(inner.on(outerIn))).name("outer");
    outer.compile(adam(), "binary_crossentropy");
    Tensor x = Tensor.rand(data, 40, 6);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread a = fitWaiting(outer, x, Tensor.randint(data, 0, 2, 40, 1), started, release);
    assertTrue(started.await(30, TimeUnit.SECONDS));
    try {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> inner.fit(x, Tensor.rand(data, 40, 4), epochs(1).verbose(0)));
      assertTrue(
          e.getMessage().contains("fit is already running on model 'outer'")
              && e.getMessage().contains("of model 'inner'"),
          e.getMessage());
      assertThrows(IllegalStateException.class, () -> inner.setWeights(inner.getWeights()));
      assertEquals(40, inner.predict(x).shape().dim(0));
    } finally {
      release.countDown();
      a.join(30_000);
    }
    inner.fit(x, Tensor.rand(data, 40, 4), epochs(1).verbose(0));
  }

  /**
   * A predict made while another thread trains sees the weights of one completed step. Every weight
   * of this kernel gets the same update each step (all inputs equal), so its rows stay equal; a
   * half-updated kernel would show its first row a step ahead of its last.
   */
  @Test
  void predictDuringTrainingSeesNoHalfUpdatedWeights() throws Exception {
    seed(4);
    int width = 512;
    var in = input(width);
    Model m = model(in, dense(128).useBias(false).on(in));
    m.compile(sgd(0.5, 0, false), "mse");
    m.setWeights(List.of(Tensor.zeros(width, 128)));
    Tensor x = Tensor.ones(8, width);
    Tensor probe = Tensor.zeros(2, width);
    probe.set(1f, 0, 0);
    probe.set(1f, 1, width - 1);
    AtomicBoolean training = new AtomicBoolean(true);
    AtomicInteger torn = new AtomicInteger();
    AtomicInteger probes = new AtomicInteger();
    Thread trainer =
        new Thread(
            () -> {
              try {
                // At least 30 steps, and on until the predictors have overlapped some of them
                // (30 steps of this model can end before a predicting thread starts).
                for (int s = 0; s < 30 || (probes.get() < 20 && s < 100_000); s++) {
                  m.trainOnBatch(x, Tensor.rand(data, 8, 128));
                }
              } finally {
                training.set(false);
              }
            });
    trainer.start();
    atOnce(
        2,
        () -> {
          while (training.get()) {
            float[] p = m.predict(probe).toArray();
            probes.incrementAndGet();
            for (int j = 0; j < 128; j++) {
              if (Math.abs(p[j] - p[128 + j]) > 1e-4f * (1 + Math.abs(p[j]))) {
                torn.incrementAndGet();
                break;
              }
            }
          }
          return null;
        });
    trainer.join();
    assertEquals(0, torn.get(), "torn reads in " + probes.get() + " predictions");
    assertTrue(probes.get() > 0);
  }

  /**
   * 8 threads predict and evaluate while one trains, for each kind of model: no exception, every
   * output finite; once training stops, the same threads' results equal sequential calls bit for
   * bit.
   */
  @Test
  void eightThreadsPredictAndEvaluateWhileOneTrains() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    for (Case c : cases()) {
      Model m = c.model();
      m.fit(c.x(), c.y(), epochs(1).batchSize(8).verbose(0)); // compiled before the race
      AtomicBoolean training = new AtomicBoolean(true);
      AtomicReference<Throwable> trainFailure = new AtomicReference<>();
      Thread trainer =
          new Thread(
              () -> {
                try {
                  m.fit(c.x(), c.y(), epochs(2).batchSize(4).verbose(0));
                } catch (Throwable t) {
                  trainFailure.set(t);
                } finally {
                  training.set(false);
                }
              });
      AtomicInteger worker = new AtomicInteger();
      trainer.start();
      atOnce(
          8,
          () -> {
            boolean evaluates = worker.getAndIncrement() % 2 == 0;
            do {
              if (evaluates) {
                for (double v : m.evaluate(c.x(), c.y())) {
                  assertTrue(Double.isFinite(v), c.name());
                }
              } else {
                for (float v : m.predict(List.of(c.x()), 5).get(0).toArray()) {
                  assertTrue(Float.isFinite(v), c.name());
                }
              }
              calls.incrementAndGet();
            } while (training.get());
            return null;
          });
      trainer.join();
      assertEquals(null, trainFailure.get(), c.name());
      float[] wantPredict = m.predict(c.x()).toArray();
      double[] wantEvaluate = m.evaluate(c.x(), c.y());
      List<Boolean> same =
          atOnce(
              8,
              () -> {
                boolean ok = true;
                for (int r = 0; r < 4; r++) {
                  ok &= java.util.Arrays.equals(wantPredict, m.predict(c.x()).toArray());
                  ok &= java.util.Arrays.equals(wantEvaluate, m.evaluate(c.x(), c.y()));
                }
                return ok;
              });
      assertTrue(same.stream().allMatch(b -> b), c.name() + ": " + same);
    }
    assertTrue(calls.get() >= 24, "calls " + calls.get());
  }
}
