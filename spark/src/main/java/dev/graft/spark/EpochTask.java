package dev.graft.spark;

import dev.graft.dsl.Model;
import dev.graft.dsl.internal.GradientStep;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One epoch of one worker, run as a barrier task (one per partition): loads the model from the
 * epoch's starting state, reads its partition into tensors, meets the other workers once through
 * {@code allGather} (addresses, row counts, weight hashes), then for each step computes its
 * gradients, all-reduces them over the ring and applies the same optimizer step as every other
 * worker. Worker 0 returns the final state; every worker returns its weight hash.
 */
final class EpochTask extends AbstractFunction1<Iterator<Row>, Iterator<EpochTask.Result>>
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What a worker reports to the driver. */
  record Result(int rank, double lossSum, double count, long steps, String hash, byte[] state)
      implements Serializable {}

  /** A test hook: fails {@code rank}'s task once at {@code (epoch, step)}, marked by a file. */
  record FailOnce(int epoch, int step, int rank, String marker) implements Serializable {}

  private final Broadcast<byte[]> start;
  private final InputColumns inputs;
  private final InputColumns targets;
  private final int epoch;
  private final int batchSize;
  private final boolean shuffle;
  private final long seed;
  private final long timeoutMillis;
  private final FailOnce failOnce;

  EpochTask(
      Broadcast<byte[]> start,
      InputColumns inputs,
      InputColumns targets,
      int epoch,
      int batchSize,
      boolean shuffle,
      long seed,
      long timeoutMillis,
      FailOnce failOnce) {
    this.start = start;
    this.inputs = inputs;
    this.targets = targets;
    this.epoch = epoch;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.seed = seed;
    this.timeoutMillis = timeoutMillis;
    this.failOnce = failOnce;
  }

  @Override
  public Iterator<Result> apply(Iterator<Row> rows) {
    BarrierTaskContext ctx = BarrierTaskContext.get();
    try {
      return CollectionConverters.asScala(List.of(run(ctx, rows)).iterator());
    } catch (IOException e) {
      throw new UncheckedIOException("SparkTrainer: " + e.getMessage(), e);
    }
  }

  private Result run(BarrierTaskContext ctx, Iterator<Row> rows) throws IOException {
    int rank = ctx.partitionId();
    BarrierTaskInfo[] infos = ctx.getTaskInfos();
    int size = infos.length;
    Model model = ModelFiles.fromBytes(start.value());
    List<Row> mine = new ArrayList<>();
    rows.foreach(r -> mine.add(r));
    List<Tensor> x = inputs.tensors(mine, model.inputShapes());
    List<Shape> outShapes = new ArrayList<>();
    model.outputs().forEach(o -> outShapes.add(o.shape()));
    List<Tensor> y = targets.tensors(mine, outShapes);
    String host = infos[rank].address().replaceFirst(":\\d+$", "");
    try (Ring ring = Ring.listen(rank, size, host, timeoutMillis, () -> ctx.isInterrupted())) {
      String hash = StateHash.of(model);
      String[] all = ctx.allGather(ring.address() + " " + mine.size() + " " + hash);
      List<String> addresses = new ArrayList<>();
      int steps = 0;
      for (int r = 0; r < size; r++) {
        String[] parts = all[r].split(" ");
        addresses.add(parts[0]);
        int n = Integer.parseInt(parts[1]);
        if (n == 0) {
          throw new IllegalArgumentException(
              "SparkTrainer: worker " + r + "'s partition of the training data is empty");
        }
        if (!parts[2].equals(all[0].split(" ")[2])) {
          throw new IllegalStateException(
              "SparkTrainer: worker "
                  + r
                  + "'s model differs from worker 0's at the start of epoch "
                  + epoch
                  + " (weights hash "
                  + parts[2]
                  + " vs "
                  + all[0].split(" ")[2]
                  + ")");
        }
        steps = Math.max(steps, (n + batchSize - 1) / batchSize);
      }
      ring.connect(addresses);
      GradientStep step = model.gradientStep();
      int size0 = step.prepare(x, y);
      float[] buf = new float[size0 + 2];
      int n = mine.size();
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      if (shuffle) {
        new Rng(seed + 1_000_003L * epoch + 7919L * rank).shuffle(order);
      }
      double lossSum = 0;
      double count = 0;
      for (int s = 0; s < steps; s++) {
        int from = s * batchSize;
        int b = Math.max(0, Math.min(batchSize, n - from));
        if (b > 0) {
          double loss = step.compute(x, y, order, from, b, buf);
          // Weighted by rows so that uneven last batches average as one big batch would.
          for (int i = 0; i < size0; i++) {
            buf[i] *= b;
          }
          buf[size0] = b;
          buf[size0 + 1] = (float) (loss * b);
        } else {
          java.util.Arrays.fill(buf, 0f);
        }
        maybeFail(rank, s);
        ring.sum(buf, buf.length);
        float total = buf[size0];
        for (int i = 0; i < size0; i++) {
          buf[i] /= total;
        }
        step.apply(buf);
        lossSum += buf[size0 + 1];
        count += total;
      }
      return new Result(
          rank,
          lossSum,
          count,
          steps,
          StateHash.of(model),
          rank == 0 ? ModelFiles.toBytes(model) : null);
    }
  }

  private void maybeFail(int rank, int s) throws IOException {
    if (failOnce != null
        && failOnce.epoch() == epoch
        && failOnce.step() == s
        && failOnce.rank() == rank) {
      Path marker = Path.of(failOnce.marker());
      if (!Files.exists(marker)) {
        Files.createFile(marker);
        throw new IllegalStateException(
            "SparkTrainer test hook: worker " + rank + " fails at epoch " + epoch + " step " + s);
      }
    }
  }
}
