package dev.graft.benchmarks;

import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.Model;
import dev.graft.dsl.data.Dataset;
import dev.graft.dsl.data.Idx;
import dev.graft.dsl.data.ImageFolder;
import dev.graft.dsl.io.Npy;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The cost of feeding {@code fit} from a streaming dataset, side by side with in-memory tensors.
 *
 * <ul>
 *   <li>{@code speed [dir] [samples] [side]}: one CNN (28x28x1, or side x side x 3 → Conv2D 32 →
 *       MaxPool → Dense 10, batch 64) trained from in-memory tensors, from {@code .npy} shards
 *       ({@code fromNpy + zip + batch + prefetch}) and from a folder of PNGs ({@code ImageFolder},
 *       decoded on worker threads, prefetched); prints the wall and process CPU time per step of
 *       each, best and worst of {@code -Dbench.rounds} runs (default 5) after {@code
 *       -Dbench.warmup} (default 3) runs that warm the JIT up, and the overhead against tensors.
 *       The images are noise (which PNG cannot compress: the worst case for decoding) unless {@code
 *       -Dbench.idx} names a Fashion-MNIST images file (its labels file beside it). {@code
 *       -Dbench.model=demo} trains the Fashion-MNIST demo's CNN instead of the smaller default.
 *   <li>{@code memory dir gigabytes}: writes float32 shards of that size and trains one epoch from
 *       them; run with {@code -Xmx1g} to show the heap stays bounded (prints the peak).
 * </ul>
 */
public final class DataPipelineBenchmark {
  private DataPipelineBenchmark() {}

  /**
   * See the class comment.
   *
   * @param args {@code speed [dir] [samples]} or {@code memory dir gigabytes}
   * @throws Exception if the data cannot be written or read
   */
  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "speed";
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("graft-data");
    if (mode.equals("memory")) {
      memory(dir, args.length > 2 ? Double.parseDouble(args[2]) : 4);
    } else {
      speed(
          dir,
          args.length > 2 ? Integer.parseInt(args[2]) : 3200,
          args.length > 3 ? Integer.parseInt(args[3]) : 28);
    }
  }

  /**
   * The model trained: {@code -Dbench.model=tiny} (the default: Conv2D 32 → MaxPool → Dense 10, a
   * step of about 2.5 ms, the hardest case for any data pipeline) or {@code demo} (the architecture
   * of the Fashion-MNIST demo's CNN branch: two Conv2D/MaxPool blocks, Dense 64, Dense 10).
   */
  private static final String MODEL = System.getProperty("bench.model", "tiny");

  private static Model cnn(int side, int channels) {
    seed(1);
    var in = input(side, side, channels);
    var x = rescaling(1 / 255.0).on(in);
    switch (MODEL) {
      case "tiny" -> x = flatten().on(maxPooling2d().on(conv2d(32, 3).activation("relu").on(x)));
      case "demo" -> {
        x = maxPooling2d().on(conv2d(16, 3).activation("relu").on(x));
        x = maxPooling2d().on(conv2d(32, 3).activation("relu").on(x));
        x = dense(64).activation("relu").on(flatten().on(x));
      }
      default -> throw new IllegalArgumentException("bench.model: tiny or demo, not " + MODEL);
    }
    Model m = model(in, dense(10).activation("softmax").on(x));
    m.compile(adam(), "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  private static void speed(Path dir, int n, int side) throws IOException {
    int channels = side == 28 ? 1 : 3;
    int pixels = side * side;
    Rng rng = new Rng(3);
    Tensor x = Tensor.zeros(n, side, side, channels);
    Tensor y = Tensor.zeros(n);
    Path images = dir.resolve("images");
    // -Dbench.idx=.../t10k-images-idx3-ubyte.gz: real Fashion-MNIST images (28x28, mostly black
    // background, so they compress and inflate as real PNGs do) rather than noise, the worst case
    String idx = System.getProperty("bench.idx");
    Tensor real = idx == null ? null : Idx.read(Path.of(idx));
    Tensor realLabels =
        idx == null ? null : Idx.read(Path.of(idx.replace("images-idx3", "labels-idx1")));
    if (real != null && (side != 28 || real.shape().dim(0) < n)) {
      throw new IllegalArgumentException("bench.idx: 28x28 images only, at most " + n);
    }
    for (int i = 0; i < n; i++) {
      int label = real != null ? (int) realLabels.getFlat(i) : i % 10;
      y.setFlat(i, label);
      BufferedImage img =
          new BufferedImage(
              side,
              side,
              channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
      for (int p = 0; p < pixels; p++) {
        for (int c = 0; c < channels; c++) {
          int v =
              real != null
                  ? (int) real.getFlat(i * pixels + p)
                  : (int) (rng.nextFloat() * 128) + (p % side == label * 2 + c ? 127 : 0);
          img.getRaster().setSample(p % side, p / side, c, v);
          x.setFlat((i * pixels + p) * channels + c, v);
        }
      }
      Path f = images.resolve("c" + label).resolve(String.format("%05d.png", i));
      Files.createDirectories(f.getParent());
      ImageIO.write(img, "png", f.toFile());
    }
    Npy.write(dir.resolve("x.npy"), x);
    Npy.write(dir.resolve("y.npy"), y);
    int epochs = 3;
    int steps = (n + 63) / 64;
    Dataset<List<Tensor>> npy =
        Dataset.zip(Dataset.fromNpy(dir.resolve("x.npy")), Dataset.fromNpy(dir.resolve("y.npy")))
            .batch(64)
            .prefetch(2);
    Dataset<List<Tensor>> folder =
        ImageFolder.from(images)
            .imageSize(side, side)
            .colorMode(channels == 1 ? "grayscale" : "rgb")
            .batchSize(64)
            .shuffle(false)
            .verbose(false)
            .dataset();
    List<Runnable> runs =
        List.of(
            () ->
                cnn(side, channels)
                    .fit(x, y, epochs(epochs).batchSize(64).shuffle(false).verbose(0)),
            () -> cnn(side, channels).fit(npy, epochs(epochs).verbose(0)),
            () -> cnn(side, channels).fit(folder, epochs(epochs).verbose(0)));
    int warmup = Integer.getInteger("bench.warmup", 3);
    int rounds = Integer.getInteger("bench.rounds", 5);
    int total = epochs * steps;
    double[][] wall = new double[runs.size()][rounds];
    double[][] cpu = new double[runs.size()][rounds];
    for (int round = -warmup; round < rounds; round++) {
      for (int k = 0; k < runs.size(); k++) {
        double c0 = cpuSeconds();
        double t = time(runs.get(k));
        double c = cpuSeconds() - c0;
        if (round >= 0) {
          wall[k][round] = t * 1000 / total;
          cpu[k][round] = c * 1000 / total;
        }
      }
    }
    double[] alone = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      double c0 = cpuSeconds();
      for (int e = 0; e < epochs; e++) {
        folder.forEach(b -> {});
      }
      alone[round] = (cpuSeconds() - c0) * 1000 / total;
    }
    System.out.printf(
        Locale.ROOT,
        "%s model, %d samples of %dx%dx%d, %d steps of 64 per run, %d cores, best and worst of %d runs after"
            + " %d warm-up runs; ms per step (overhead of the best against the best on tensors)%n",
        MODEL,
        n,
        side,
        side,
        channels,
        total,
        Runtime.getRuntime().availableProcessors(),
        rounds,
        warmup);
    String[] names = {"tensors in memory", "npy file + prefetch", "PNG folder + decode + prefetch"};
    for (int k = 0; k < runs.size(); k++) {
      System.out.printf(
          Locale.ROOT,
          "%-31s wall %6.2f .. %6.2f (%+6.1f%%)   process CPU %6.2f .. %6.2f (%+6.1f%%)%n",
          names[k],
          min(wall[k]),
          max(wall[k]),
          100 * (min(wall[k]) / min(wall[0]) - 1),
          min(cpu[k]),
          max(cpu[k]),
          100 * (min(cpu[k]) / min(cpu[0]) - 1));
    }
    System.out.printf(
        Locale.ROOT,
        "the PNG folder read alone, no training: process CPU %.2f .. %.2f ms per batch (%.1f%% of"
            + " the best step on tensors)%n",
        min(alone),
        max(alone),
        100 * min(alone) / min(cpu[0]));
  }

  private static double min(double[] v) {
    return java.util.Arrays.stream(v).min().orElseThrow();
  }

  private static double max(double[] v) {
    return java.util.Arrays.stream(v).max().orElseThrow();
  }

  /** The CPU time this process has used, every thread (the JIT and GC's included). */
  private static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  private static double time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void memory(Path dir, double gigabytes) throws IOException {
    int features = 1024;
    int rowsPerShard = 65_536; // 256 MB of float32 per shard
    int shards = (int) Math.ceil(gigabytes * 4);
    List<Path> xs = new ArrayList<>();
    List<Path> ys = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      Path xf = dir.resolve(String.format("x-%03d.npy", s));
      Path yf = dir.resolve(String.format("y-%03d.npy", s));
      if (!Files.exists(xf)) {
        writeShard(xf, rowsPerShard, features, s);
        writeShard(yf, rowsPerShard, 1, s);
      }
      xs.add(xf);
      ys.add(yf);
    }
    Dataset<List<Tensor>> ds =
        Dataset.zip(Dataset.fromNpy(xs), Dataset.fromNpy(ys)).batch(256).prefetch(4);
    seed(1);
    var in = input(features);
    Model m = model(in, dense(1).on(dense(16).activation("relu").on(in)));
    m.compile(sgd(0.0001, 0, false), "mse");
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
        Locale.ROOT,
        "%.2f GB of float32 rows (%d x %d) in %d shards; max heap %.0f MB; peak heap %.1f MB;"
            + " one epoch %.1f s%n",
        (double) shards * rowsPerShard * features * 4 / (1L << 30),
        (long) shards * rowsPerShard,
        features,
        shards,
        Runtime.getRuntime().maxMemory() / 1048576.0,
        peak / 1048576.0,
        seconds);
  }

  private static void writeShard(Path f, int rows, int cols, int seed) throws IOException {
    String dict =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
    int unpadded = 10 + dict.length() + 1;
    String h = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    try (OutputStream out = Files.newOutputStream(f)) {
      ByteBuffer head = ByteBuffer.allocate(10 + h.length()).order(ByteOrder.LITTLE_ENDIAN);
      head.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
      head.putShort((short) h.length());
      head.put(h.getBytes(StandardCharsets.US_ASCII));
      out.write(head.array());
      ByteBuffer block = ByteBuffer.allocate(4 * cols * 256).order(ByteOrder.LITTLE_ENDIAN);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          block.putFloat(((r * 31 + c * 7 + seed) % 97) / 97f);
        }
        if (!block.hasRemaining() || r == rows - 1) {
          out.write(block.array(), 0, block.position());
          block.clear();
        }
      }
    }
  }
}
