package dev.graft.spark;

import static dev.graft.dsl.FitOptions.epochs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.History;
import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes: Spark's local-cluster with two executor JVMs (separate processes, talking over
 * loopback TCP). A two-input merged model trains to a falling loss; 100k rows score as the driver's
 * {@code predict} does, bit for bit.
 */
class LocalClusterTest {
  private static SparkSession spark;
  private static Blas previous;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    previous = Blas.current();
    Blas.use(Blas.named("java")); // the executors run with -Dgraft.blas=java
    spark = SparkTesting.cluster(2);
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    Blas.use(previous);
  }

  @Test
  void twoExecutorJvmsTrainAMergedModel() {
    Tensor[] d = SparkTrainerTest.data(512, 11);
    Dataset<Row> train = SparkTrainerTest.dataset(spark, SparkTrainerTest.rows(d, 0, 512), 2);
    Model m = SparkTrainerTest.twoInputs(5);
    History h =
        SparkTrainerTest.trainer(spark).fit(m, train, epochs(4).batchSize(16).seed(2).verbose(1));
    List<Double> loss = h.get("loss");
    assertEquals(4, loss.size());
    assertTrue(loss.get(3) < 0.8 * loss.get(0), "loss should fall: " + loss);
    List<Integer> pids =
        spark
            .range(0, 4, 1, 2)
            .javaRDD()
            .map(x -> (int) ProcessHandle.current().pid())
            .distinct()
            .collect();
    assertEquals(2, pids.size(), "two executor processes");
    assertTrue(!pids.contains((int) ProcessHandle.current().pid()), "not the driver's process");
  }

  @Test
  @Tag("slow")
  void scoresInExecutorJvmsEqualPredictBitForBit() {
    Path file = dir.resolve("two.keras");
    GraftTransformerTest.twoInOut().save(file);
    Dataset<Row> data = GraftTransformerTest.generated(spark, GraftTransformerTest.ROWS, 4);
    Dataset<Row> scored =
        new GraftTransformer()
            .setModelPath(file.toString())
            .setInputCols("x,y", "arr,vec")
            .setOutputCols("score", "probs")
            .setBatchSize(500)
            .transform(data);
    GraftTransformerTest.assertScoresEqualPredict(scored, file, GraftTransformerTest.ROWS);
  }

  @Test
  @Tag("slow")
  void aFailedExecutorTaskIsRetriedFromTheCheckpoint() throws Exception {
    Tensor[] d = SparkTrainerTest.data(96, 2);
    Dataset<Row> train = SparkTrainerTest.dataset(spark, SparkTrainerTest.rows(d, 0, 96), 2);
    Model reference = SparkTrainerTest.twoInputs(7);
    Model failing = SparkTrainerTest.twoInputs(7);
    failing.setWeights(reference.getWeights());
    var options = epochs(2).batchSize(8).seed(3).verbose(0);
    Path marker = dir.resolve("failed-once");
    SparkTrainerTest.trainer(spark).fit(reference, train, options);
    SparkTrainerTest.trainer(spark)
        .checkpoint(dir.resolve("ckpt.keras").toString())
        .failOnce(1, 2, 0, marker.toString())
        .fit(failing, train, options);
    assertTrue(java.nio.file.Files.exists(marker), "the hook fired");
    SparkTrainerTest.assertClose(reference, failing, 0);
  }
}
