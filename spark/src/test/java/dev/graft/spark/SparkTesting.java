package dev.graft.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Spark sessions for tests: loopback only, no UI, few partitions. */
final class SparkTesting {
  private SparkTesting() {}

  private static SparkConf base(String master) {
    return new SparkConf()
        .setMaster(master)
        .setAppName("graft-spark-test")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.ui.enabled", "false")
        .set("spark.sql.shuffle.partitions", "2")
        .set("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "2")
        .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s");
  }

  /** One JVM, {@code threads} task slots. */
  static SparkSession local(int threads) {
    return SparkSession.builder().config(base("local[" + threads + "]")).getOrCreate();
  }

  /**
   * {@code workers} separate executor JVMs of one core each (Spark's local-cluster, no Spark home
   * needed); waits until they have registered. The executors get the test class path and pin the
   * pure-Java matrix products so that results compare bit for bit with the driver's.
   */
  static SparkSession cluster(int workers) {
    return cluster(workers, 1024, "768m");
  }

  /** As {@link #cluster(int)}, with {@code workerMb} per worker and {@code executorMemory}. */
  static SparkSession cluster(int workers, int workerMb, String executorMemory) {
    SparkConf conf =
        base("local-cluster[" + workers + ",1," + workerMb + "]")
            .set("spark.executorEnv.SPARK_TESTING", "1")
            .set("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
            .set("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1")
            .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
            .set(
                "spark.executor.extraJavaOptions",
                "-Dgraft.blas=java --add-modules=jdk.incubator.vector")
            .set("spark.executor.memory", executorMemory);
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    // Executor JVMs start in seconds on an idle machine; a loaded CI box may take minutes.
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < workers + 1) {
      if (System.nanoTime() > deadline) {
        int registered = spark.sparkContext().statusTracker().getExecutorInfos().length - 1;
        spark.stop();
        throw new IllegalStateException(
            registered + " of " + workers + " executors registered within 180 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return spark;
  }
}
