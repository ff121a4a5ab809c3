package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ring all-reduce between threads on loopback: sums, identical results, bounded waits. */
class RingTest {
  private interface Body {
    void run(Ring ring, int rank) throws Exception;
  }

  /** Runs {@code body} on {@code n} connected ring members, one thread each. */
  private static void onRing(int n, long timeoutMillis, Body body) throws Exception {
    List<Ring> rings = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      rings.add(Ring.listen(r, n, "127.0.0.1", timeoutMillis, () -> false));
      addresses.add(rings.get(r).address());
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        int rank = r;
        done.add(
            pool.submit(
                () -> {
                  try (Ring ring = rings.get(rank)) {
                    ring.connect(addresses);
                    body.run(ring, rank);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void sumsAcrossWorkersIdentically() throws Exception {
    for (int n : new int[] {2, 3}) {
      int len = 10_007;
      float[][] data = new float[n][len];
      Random rnd = new Random(n);
      double[] expected = new double[len];
      for (int r = 0; r < n; r++) {
        for (int i = 0; i < len; i++) {
          data[r][i] = rnd.nextFloat() - 0.5f;
          expected[i] += data[r][i];
        }
      }
      onRing(
          n,
          10_000,
          (ring, rank) -> {
            ring.sum(data[rank], len);
            ring.sum(new float[2], 2); // a vector shorter than the ring: empty chunks
          });
      for (int r = 1; r < n; r++) {
        assertArrayEquals(data[0], data[r], "worker " + r + " differs from worker 0");
      }
      for (int i = 0; i < len; i++) {
        assertEquals(expected[i], data[0][i], 1e-5);
      }
    }
  }

  @Test
  void aWorkerThatHangsIsNamed() {
    var e =
        assertThrows(
            ExecutionException.class,
            () ->
                onRing(
                    2,
                    500,
                    (ring, rank) -> {
                      if (rank == 0) {
                        ring.sum(new float[100], 100);
                      } else {
                        Thread.sleep(1500); // worker 1 hangs, then leaves
                      }
                    }));
    assertTrue(e.getCause() instanceof IOException, e.toString());
    String m = e.getCause().getMessage();
    assertTrue(m.contains("worker 0 waited 0.5 s for worker 1 (127.0.0.1:"), m);
    assertTrue(m.contains("it hung or died"), m);
  }
}
