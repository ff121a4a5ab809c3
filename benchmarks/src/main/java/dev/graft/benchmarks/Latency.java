package dev.graft.benchmarks;

import dev.graft.dsl.Graft;
import dev.graft.dsl.Model;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * A single request: batch-1 {@code predictOnBatch} of each seed model, the PyTorch peer's {@code
 * latency.py} protocol (30 warm-up calls, then 300 timed; p50 and p99 in ms), from one thread and
 * from several threads sharing one model ({@code --callers N}, default 8; each thread runs the
 * protocol). Also reports the bytes one call allocates and the collections during the timed window.
 * Prints one JSON object; kernel threads: {@code -Dgraft.threads=N}.
 */
public final class Latency {
  private static final int WARMUP = 30;
  private static final int TIMED = 300;

  private Latency() {}

  /**
   * Runs the protocol for every seed model; args: {@code [--callers N] [--warm-up]}.
   *
   * @param args optionally {@code --callers N}, the number of threads predicting at once, and
   *     {@code --warm-up}: {@link Graft#warmUp()} first, as a service would at start-up (its time
   *     is the {@code warm_up_ms} figure)
   * @throws InterruptedException if the calling thread is interrupted while callers run
   */
  public static void main(String[] args) throws InterruptedException {
    int callers = 8;
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--callers")) {
        callers = Integer.parseInt(args[i + 1]);
      }
    }
    List<String> f = new ArrayList<>();
    if (List.of(args).contains("--warm-up")) {
      long t0 = System.nanoTime();
      Graft.warmUp().join();
      f.add(figure("warm_up_ms", (System.nanoTime() - t0) / 1e6));
    }
    for (String name : SeedModels.NAMES) {
      Model m = SeedModels.build(name);
      List<Tensor> x = new ArrayList<>();
      for (Tensor t : SeedModels.inputs(name, new Rng(0), 100)) {
        x.add(t.slice(0, 1).copy());
      }
      long gcBefore = collections();
      double[] one = run(m, x, 1);
      long gcOne = collections() - gcBefore;
      f.add(figure("latency_b1_" + name + "_p50_ms", one[0]));
      f.add(figure("latency_b1_" + name + "_p99_ms", one[1]));
      f.add(figure("latency_b1_" + name + "_alloc_bytes", allocatedPerCall(m, x)));
      f.add(figure("latency_b1_" + name + "_gc_in_window", gcOne));
      double[] many = run(m, x, callers);
      f.add(figure("latency_b1_" + name + "_" + callers + "callers_p50_ms", many[0]));
      f.add(figure("latency_b1_" + name + "_" + callers + "callers_p99_ms", many[1]));
    }
    System.out.println("{\"figures\": {" + String.join(", ", f) + "}}");
    System.exit(0);
  }

  /** p50 and p99 over every timed call of {@code callers} threads, each warming up first. */
  private static double[] run(Model m, List<Tensor> x, int callers) throws InterruptedException {
    double[][] times = new double[callers][TIMED];
    CountDownLatch warm = new CountDownLatch(callers);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      double[] mine = times[c];
      Thread t =
          new Thread(
              () -> {
                for (int i = 0; i < WARMUP; i++) {
                  m.predictOnBatch(x);
                }
                warm.countDown();
                try {
                  warm.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < TIMED; i++) {
                  long t0 = System.nanoTime();
                  m.predictOnBatch(x);
                  mine[i] = (System.nanoTime() - t0) / 1e6;
                }
              },
              "caller-" + c);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double[] all = Arrays.stream(times).flatMapToDouble(Arrays::stream).sorted().toArray();
    return new double[] {all[all.length / 2], all[(int) (all.length * 0.99)]};
  }

  /** Bytes allocated by one warm call on this thread (HotSpot's per-thread counter). */
  private static double allocatedPerCall(Model m, List<Tensor> x) {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    for (int i = 0; i < 50; i++) {
      m.predictOnBatch(x);
    }
    long before = mx.getThreadAllocatedBytes(id);
    for (int i = 0; i < 100; i++) {
      m.predictOnBatch(x);
    }
    return (mx.getThreadAllocatedBytes(id) - before) / 100.0;
  }

  private static long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  private static String figure(String key, double v) {
    System.err.printf(Locale.ROOT, "[graft] %s: %.4f%n", key, v);
    return String.format(Locale.ROOT, "\"%s\": %.4f", key, v);
  }
}
