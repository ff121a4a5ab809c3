package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Same seed, same numbers: two runs, and a functional model versus the same model subclassed;
 * {@code predict} from 8 threads at once equals sequential calls.
 *
 * <p>Bit-for-bit equality needs one fixed matrix-multiply back-end: the default {@code auto}
 * back-end times its candidates on the first calls of each shape, and they round differently in the
 * last bit. So these tests pin {@code java}, as a user would with {@code -Dgraft.blas=java}.
 */
class ReproducibilityTest {
  private static Blas previous;

  @BeforeAll
  static void pinBackEnd() {
    previous = Blas.current();
    Blas.use(Blas.named("java"));
  }

  @AfterAll
  static void restoreBackEnd() {
    Blas.use(previous);
  }

  private final Rng data = new Rng(11);
  private final Tensor x = Tensor.rand(data, 40, 6);
  private final Tensor y = Tensor.randint(data, 0, 2, 40, 1);

  private static Model functional() {
    var in = input(6);
    var h = dense(16).activation("relu").on(in);
    return model(in, dense(1).activation("sigmoid").on(h));
  }

  /** The same model as {@link #functional()}, subclassed. */
  static final class TwoLayers extends Model {
    final Layer hidden = dense(16).activation("relu");
    final Layer out = dense(1).activation("sigmoid");

    @Override
    public SymbolicTensor call(List<SymbolicTensor> inputs) {
      return out.on(hidden.on(inputs.get(0)));
    }
  }

  private History train(Model m) {
    m.compile(adam(0.01), "binary_crossentropy", "accuracy");
    return m.fit(x, y, epochs(3).batchSize(8).verbose(0)); // shuffled by the global seed
  }

  private static void assertSameWeights(Model a, Model b) {
    List<Tensor> wa = a.getWeights();
    List<Tensor> wb = b.getWeights();
    assertEquals(wa.size(), wb.size());
    for (int i = 0; i < wa.size(); i++) {
      assertArrayEquals(wa.get(i).toArray(), wb.get(i).toArray(), "weight " + i);
    }
  }

  @Test
  void sameSeedSameRun() {
    seed(5);
    Model a = functional();
    History ha = train(a);
    seed(5);
    Model b = functional();
    History hb = train(b);
    assertEquals(ha.get("loss"), hb.get("loss"));
    assertSameWeights(a, b);
  }

  @Test
  void functionalAndSubclassedGiveIdenticalResults() {
    seed(9);
    Model f = functional();
    History hf = train(f);
    seed(9);
    Model s = new TwoLayers();
    History hs = train(s);
    assertEquals(hf.get("loss"), hs.get("loss"));
    assertEquals(hf.get("accuracy"), hs.get("accuracy"));
    assertSameWeights(f, s);
    assertArrayEquals(f.predict(x).toArray(), s.predict(x).toArray());
  }

  @Test
  void predictFromEightThreadsEqualsSequentialCalls() throws Exception {
    seed(2);
    var in = input(12, 4);
    var h = lstm(8).on(dense(6).activation("relu").on(in));
    Model m = model(List.of(in), List.of(dense(3).activation("softmax").on(h), dense(1).on(h)));
    List<Tensor> inputs = new ArrayList<>();
    List<List<Tensor>> want = new ArrayList<>();
    int[] batchSizes = {1, 7, 32, 5, 16, 3, 32, 9};
    for (int t = 0; t < 8; t++) {
      inputs.add(Tensor.rand(data, 37, 12, 4));
      want.add(m.predict(List.of(inputs.get(t)), batchSizes[t]));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<List<Tensor>>>> got = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int k = t;
        got.add(
            pool.submit(
                () -> {
                  start.await();
                  List<List<Tensor>> runs = new ArrayList<>();
                  for (int r = 0; r < 5; r++) {
                    runs.add(m.predict(List.of(inputs.get(k)), batchSizes[k]));
                  }
                  return runs;
                }));
      }
      start.countDown();
      for (int t = 0; t < 8; t++) {
        for (List<Tensor> run : got.get(t).get()) {
          for (int o = 0; o < 2; o++) {
            assertArrayEquals(want.get(t).get(o).toArray(), run.get(o).toArray(), "thread " + t);
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
