package dev.graft.dsl.data;

import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Trains one epoch from the {@code x-*.npy} / {@code y-*.npy} shards of a folder and prints {@code
 * rows=N peakHeapMB=M seconds=S}: run in a JVM with a heap smaller than the shards by {@code
 * NpyShardsTest} (and by the benchmark at 4 GB).
 */
public final class ShardTraining {
  private ShardTraining() {}

  /** {@code args[0]}: the folder; {@code args[1]} (optional): the batch size. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    List<Path> xs = shards(dir, "x-");
    List<Path> ys = shards(dir, "y-");
    AtomicLong rows = new AtomicLong();
    Dataset<List<Tensor>> ds =
        Dataset.zip(Dataset.fromNpy(xs), Dataset.fromNpy(ys))
            .batch(batch)
            .map(
                b -> {
                  rows.addAndGet(b.get(0).shape().dim(0));
                  return b;
                })
            .prefetch(4);
    int features = Dataset.fromNpy(xs).take(1).toList().get(0).size();
    seed(1);
    var in = input(features);
    Model m = model(in, dense(1).on(dense(16).activation("relu").on(in)));
    m.compile(sgd(0.001, 0, false), "mse");
    long t0 = System.nanoTime();
    m.fit(ds, epochs(1).verbose(0));
    double seconds = (System.nanoTime() - t0) / 1e9;
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    System.out.printf(
        java.util.Locale.ROOT,
        "rows=%d peakHeapMB=%.1f maxHeapMB=%.1f seconds=%.2f%n",
        rows.get(),
        peak / 1048576.0,
        Runtime.getRuntime().maxMemory() / 1048576.0,
        seconds);
  }

  private static List<Path> shards(Path dir, String prefix) throws java.io.IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
    }
  }
}
