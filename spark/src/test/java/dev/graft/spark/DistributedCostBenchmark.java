package dev.graft.spark;

import static dev.graft.dsl.FitOptions.epochs;
import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.Model;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Not a test: measures, between two executor JVMs of local-cluster, the ring all-reduce of 0.1 M, 1
 * M and 4 M floats, and seed model 1's training step in one JVM and on two workers; prints a table.
 * Run: {@code mvn -o -pl spark -am test -Dtest=DistributedCostBenchmark -DexcludedGroups=
 * -Dgroups=slow -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class DistributedCostBenchmark {
  static final int[] SIZES = {100_000, 1_000_000, 4_000_000};
  static final int WARMUP = 3;
  static final int REPS = 15;

  /** Each barrier task times {@link Ring#sum} for each size; returns "size min median" lines. */
  static final class TimeAllReduce extends AbstractFunction1<Iterator<Long>, Iterator<String>>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<String> apply(Iterator<Long> ignored) {
      BarrierTaskContext ctx = BarrierTaskContext.get();
      int rank = ctx.partitionId();
      int n = ctx.getTaskInfos().length;
      List<String> out = new ArrayList<>();
      try (Ring ring = Ring.listen(rank, n, "127.0.0.1", 60_000, () -> false)) {
        String[] all = ctx.allGather(ring.address());
        ring.connect(Arrays.asList(all));
        for (int size : SIZES) {
          float[] data = new float[size];
          double[] t = new double[REPS];
          for (int r = 0; r < WARMUP + REPS; r++) {
            Arrays.fill(data, 1f);
            long t0 = System.nanoTime();
            ring.sum(data, size);
            if (r >= WARMUP) {
              t[r - WARMUP] = (System.nanoTime() - t0) / 1e6;
            }
          }
          Arrays.sort(t);
          out.add(
              String.format(
                  "worker %d pid %d: all-reduce %,d floats (%.1f MB): min %.1f ms, median %.1f ms",
                  rank, ProcessHandle.current().pid(), size, size * 4 / 1e6, t[0], t[REPS / 2]));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return CollectionConverters.asScala(out.iterator());
    }
  }

  /** Seed model 1 of the design (image CNN + text LSTM merged), 3,998,337 parameters. */
  static Model seedModel1() {
    var inputImage = input(64, 64, 3);
    var x = conv2d(32, 3).activation("relu").on(inputImage);
    x = maxPooling2d().on(x);
    x = flatten().on(x);
    Model modelImage = model(inputImage, dense(128).activation("relu").on(x));
    var inputText = input(100);
    var t = embedding(1000, 32).on(inputText);
    t = lstm(32).on(t);
    Model modelText = model(inputText, dense(128).activation("relu").on(t));
    var imageIn = input("image_input", 64, 64, 3);
    var textIn = input("text_input", 100);
    var merged = concatenate(modelImage.on(imageIn), modelText.on(textIn));
    merged = dense(64).activation("relu").on(merged);
    Model m = model(List.of(imageIn, textIn), dense(1).activation("sigmoid").on(merged));
    m.compile(adam(), "binary_crossentropy");
    return m;
  }

  @Test
  void measure() {
    SparkSession spark = SparkTesting.cluster(2, 2048, "1536m");
    try {
      ClassTag<String> tag = ClassTag$.MODULE$.apply(String.class);
      JavaRDD<Long> two =
          JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(0L, 1L), 2);
      List<String> lines =
          JavaRDD.fromRDD(two.rdd().barrier().mapPartitions(new TimeAllReduce(), false, tag), tag)
              .collect();
      lines.forEach(System.out::println);

      int batch = 64;
      int stepsPerWorker = 3;
      int rows = 2 * batch * stepsPerWorker;
      Rng rng = new Rng(1);
      Tensor image = Tensor.rand(rng, rows, 64, 64, 3);
      Tensor text = Tensor.randint(rng, 0, 1000, rows, 100);
      Tensor y = Tensor.randint(rng, 0, 2, rows, 1);
      Model one = seedModel1();
      List<Tensor> xb = List.of(image.slice(0, batch), text.slice(0, batch));
      List<Tensor> yb = List.of(y.slice(0, batch));
      double[] t = new double[3];
      for (int r = 0; r < 2 + t.length; r++) {
        long t0 = System.nanoTime();
        one.trainOnBatch(xb, yb);
        if (r >= 2) {
          t[r - 2] = (System.nanoTime() - t0) / 1e9;
        }
      }
      Arrays.sort(t);
      System.out.printf(
          "seed model 1, one JVM (the driver, 2 cores), batch %d: step min %.3f s, median %.3f s%n",
          batch, t[0], t[t.length / 2]);

      StructType schema =
          new StructType()
              .add("image", DataTypes.createArrayType(DataTypes.FloatType, false), false)
              .add("text", DataTypes.createArrayType(DataTypes.FloatType, false), false)
              .add("label", DataTypes.FloatType, false);
      List<Row> data = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        data.add(
            RowFactory.create(
                image.slice(i, i + 1).toArray(), text.slice(i, i + 1).toArray(), y.get(i, 0)));
      }
      Dataset<Row> train =
          spark.createDataFrame(
              JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(data, 2), schema);
      Model two2 = seedModel1();
      SparkTrainer trainer =
          new SparkTrainer(spark).workers(2).inputCols("image", "text").labelCols("label");
      trainer.fit(two2, train, epochs(2).batchSize(batch).shuffle(false).verbose(1));
      EpochTask.Result last = trainer.lastResult();
      System.out.printf(
          "seed model 1, 2 workers (2 executor JVMs sharing 2 cores), batch %d each: per step"
              + " compute %.3f s + all-reduce %.3f s (worker 0, epoch 2, %d steps)%n",
          batch,
          last.computeSeconds() / last.steps(),
          last.allReduceSeconds() / last.steps(),
          last.steps());
    } finally {
      spark.stop();
    }
  }
}
