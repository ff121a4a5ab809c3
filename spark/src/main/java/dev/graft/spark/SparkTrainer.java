package dev.graft.spark;

import dev.graft.autograd.Variable;
import dev.graft.autograd.optim.Optimizer;
import dev.graft.dsl.Callback;
import dev.graft.dsl.FitOptions;
import dev.graft.dsl.History;
import dev.graft.dsl.Model;
import dev.graft.dsl.internal.TrainingRun;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Synchronous data-parallel training of a compiled Graft model on a {@code Dataset<Row>}: one
 * barrier-stage task per worker, each training on its partition of the data. Every step, each
 * worker computes the gradients of its batch, the workers all-reduce them over direct TCP
 * connections (a ring on plain Java NIO, addresses exchanged once per epoch through the barrier's
 * {@code allGather}) into the mean over all their rows, and each applies the same optimizer step,
 * so all replicas hold the same weights (checked by hash at every epoch's start and end). N workers
 * with batch b train as one model with batch N·b over the same rows.
 *
 * <p>Each epoch is one Spark job: the driver ships the model's state (the {@code .keras} archive
 * with optimizer state) to the workers, gets it back from worker 0, runs validation and the
 * callbacks ({@code History}, {@code EarlyStopping}, {@code ModelCheckpoint}, ...; per-batch
 * callbacks are not called), and writes the checkpoint. A failed task makes Spark retry the epoch's
 * barrier stage (up to {@code spark.stage.maxConsecutiveAttempts}), which restarts from the state
 * the epoch began with: the last checkpoint. A worker that hangs fails the epoch after the
 * all-reduce timeout, naming it.
 *
 * <pre>{@code
 * History h = new SparkTrainer(spark).workers(4)
 *     .inputCols("image_pixels", "text_tokens").labelCols("label")
 *     .validation(heldOut).checkpoint("hdfs:///runs/merged.keras")
 *     .fit(model, train, epochs(10).batchSize(64).seed(7).callbacks(earlyStopping("val_loss", 2)));
 * }</pre>
 *
 * <p>Limits: the model must be savable as {@code .keras} (functional or sequential); the training
 * logs hold the loss (metrics are computed for validation only); layers' moving statistics
 * (BatchNormalization) are kept per worker and the driver gets worker 0's; the validation set is
 * collected to the driver once, so keep it modest.
 */
public final class SparkTrainer {
  private static final String OWNER = "SparkTrainer";
  private final SparkContext sc;
  private int workers = 2;
  private String[] inputCols;
  private String[] labelCols;
  private Dataset<Row> validation;
  private String checkpoint;
  private Duration timeout = Duration.ofSeconds(120);
  private Duration slotWait = Duration.ofSeconds(60);
  private EpochTask.FailOnce failOnce;
  private EpochTask.Result lastResult;

  /**
   * A trainer running on {@code spark}'s cluster.
   *
   * @param spark the session whose cluster runs the workers
   */
  public SparkTrainer(org.apache.spark.sql.SparkSession spark) {
    this.sc = spark.sparkContext();
  }

  /**
   * The number of workers (barrier tasks; default 2); the cluster needs as many task slots.
   *
   * @param n the number of workers, at least 1
   * @return this trainer, for chaining
   */
  public SparkTrainer workers(int n) {
    if (n < 1) {
      throw new IllegalArgumentException(OWNER + ": workers must be >= 1; got " + n);
    }
    workers = n;
    return this;
  }

  /**
   * The columns of each model input (a column, or several separated by commas), in input order.
   *
   * @param cols one entry per model input
   * @return this trainer, for chaining
   */
  public SparkTrainer inputCols(String... cols) {
    inputCols = cols.clone();
    return this;
  }

  /**
   * The target columns of each model output, in output order.
   *
   * @param cols one column per model output
   * @return this trainer, for chaining
   */
  public SparkTrainer labelCols(String... cols) {
    labelCols = cols.clone();
    return this;
  }

  /**
   * Held-out rows (same columns) evaluated on the driver after each epoch ({@code val_*} logs).
   *
   * @param heldOut the validation rows
   * @return this trainer, for chaining
   */
  public SparkTrainer validation(Dataset<Row> heldOut) {
    validation = heldOut;
    return this;
  }

  /**
   * Saves the model (a {@code .keras} archive with optimizer state) to {@code path} after each
   * epoch; any Hadoop file system path ({@code file:}, {@code hdfs:}, {@code s3a:}, ...).
   *
   * @param path the checkpoint file
   * @return this trainer, for chaining
   */
  public SparkTrainer checkpoint(String path) {
    checkpoint = path;
    return this;
  }

  /**
   * How long a worker waits for a peer during rendezvous and all-reduce (default 120 s).
   *
   * @param d the timeout, above 0
   * @return this trainer, for chaining
   */
  public SparkTrainer timeout(Duration d) {
    timeout = d;
    return this;
  }

  /**
   * How long to wait for enough task slots (executors registering) before failing (default 60 s).
   *
   * @param d the wait, above 0
   * @return this trainer, for chaining
   */
  public SparkTrainer slotWait(Duration d) {
    slotWait = d;
    return this;
  }

  /** Test hook: worker {@code rank} fails once at {@code (epoch, step)}, once per marker file. */
  SparkTrainer failOnce(int epoch, int step, int rank, String markerFile) {
    failOnce = new EpochTask.FailOnce(epoch, step, rank, markerFile);
    return this;
  }

  /**
   * Trains {@code model} (compiled) on {@code train}; the model holds the trained weights and
   * optimizer state afterwards. Honours epochs, batchSize (per worker), shuffle (per epoch, seeded
   * by seed and epoch), seed, initialEpoch, callbacks and verbose; refuses validationSplit,
   * validationData (give {@link #validation}), sample and class weights.
   *
   * @param model the compiled model; its weights are the starting point
   * @param train the training rows
   * @param o the fit's options
   * @return the losses and metrics of each epoch
   */
  public History fit(Model model, Dataset<Row> train, FitOptions o) {
    if (model.optimizer() == null) {
      throw new IllegalStateException(OWNER + ": compile the model before fit");
    }
    if (o.validationSplit() > 0 || o.validationX() != null) {
      throw new IllegalArgumentException(
          OWNER + ": validationSplit/validationData are not supported; use validation(Dataset)");
    }
    if (o.sampleWeight() != null || o.classWeight() != null) {
      throw new IllegalArgumentException(OWNER + ": sample and class weights are not supported");
    }
    StructType schema = train.schema();
    List<Shape> outShapes = new ArrayList<>();
    model.outputs().forEach(t -> outShapes.add(t.shape()));
    List<String> outNames = new ArrayList<>();
    model.outputs().forEach(t -> outNames.add(t.name()));
    InputColumns in =
        InputColumns.resolve(
            OWNER, "inputCols", schema, inputCols, model.inputNames(), model.inputShapes());
    InputColumns out =
        InputColumns.resolve(OWNER, "labelCols", schema, labelCols, outNames, outShapes);
    List<Tensor> vx = null;
    List<Tensor> vy = null;
    if (validation != null) {
      List<Row> rows = validation.collectAsList();
      InputColumns vin =
          InputColumns.resolve(
              OWNER,
              "inputCols",
              validation.schema(),
              inputCols,
              model.inputNames(),
              model.inputShapes());
      InputColumns vout =
          InputColumns.resolve(
              OWNER, "labelCols", validation.schema(), labelCols, outNames, outShapes);
      vx = vin.tensors(rows, model.inputShapes());
      vy = vout.tensors(rows, outShapes);
    }
    awaitSlots();
    List<String> cols = new ArrayList<>(List.of(in.columns()));
    for (String c : out.columns()) {
      if (!cols.contains(c)) {
        cols.add(c);
      }
    }
    Dataset<Row> selected =
        train.select(
            cols.stream()
                .map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new));
    // Column positions changed with the select: resolve again against the selected schema.
    in =
        InputColumns.resolve(
            OWNER,
            "inputCols",
            selected.schema(),
            inputCols,
            model.inputNames(),
            model.inputShapes());
    out =
        InputColumns.resolve(OWNER, "labelCols", selected.schema(), labelCols, outNames, outShapes);
    JavaRDD<Row> rows = selected.javaRDD();
    if (rows.getNumPartitions() != workers) {
      rows = rows.repartition(workers);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    long seed = o.seed() == null ? dev.graft.tensor.Rng.global().nextLong() : o.seed();
    History history = new History();
    TrainingRun run = new TrainingRun(model);
    List<Callback> cbs = o.callbacks();
    cbs.forEach(cb -> cb.onTrainBegin(run));
    try {
      for (int epoch = o.initialEpoch(); epoch < o.epochs() && !run.stopRequested(); epoch++) {
        run.startEpoch(model.getWeights());
        for (Callback cb : cbs) {
          cb.onEpochBegin(run, epoch);
        }
        long t0 = System.nanoTime();
        Broadcast<byte[]> start = jsc.broadcast(ModelFiles.toBytes(model));
        EpochTask task =
            new EpochTask(
                start,
                in,
                out,
                epoch,
                o.batchSize(),
                o.shuffle(),
                seed,
                timeout.toMillis(),
                failOnce);
        List<EpochTask.Result> results;
        try {
          results = runBarrier(rows, task);
        } finally {
          start.destroy();
        }
        EpochTask.Result first = adopt(model, results, epoch);
        lastResult = first;
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", first.lossSum() / first.count());
        if (vx != null) {
          double[] v = model.evaluate(vx, vy);
          List<String> names = model.metricsNames();
          for (int i = 0; i < v.length; i++) {
            logs.put("val_" + names.get(i), v[i]);
          }
        }
        if (o.verbose() > 0) {
          System.out.printf(
              "Epoch %d/%d: %d workers, %d steps, %.1f s (worker 0: compute %.2f s, all-reduce %.2f s),"
                  + " %s%n",
              epoch + 1,
              o.epochs(),
              workers,
              first.steps(),
              (System.nanoTime() - t0) / 1e9,
              first.computeSeconds(),
              first.allReduceSeconds(),
              logs);
        }
        history.record(epoch, logs);
        if (checkpoint != null) {
          ModelFiles.write(checkpoint, ModelFiles.toBytes(model));
        }
        for (Callback cb : cbs) {
          cb.onEpochEnd(run, epoch, logs);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(OWNER + ": cannot write checkpoint " + checkpoint, e);
    } finally {
      for (Callback cb : cbs) {
        cb.onTrainEnd(run);
      }
    }
    return history;
  }

  /** Worker 0's report of the last epoch (its timings), for benchmarks. */
  EpochTask.Result lastResult() {
    return lastResult;
  }

  private List<EpochTask.Result> runBarrier(JavaRDD<Row> rows, EpochTask task) {
    ClassTag<EpochTask.Result> tag = ClassTag$.MODULE$.apply(EpochTask.Result.class);
    // The shuffle after the barrier stage is what makes Spark retry a failed barrier stage (a
    // failed barrier result stage is not retried).
    return JavaRDD.fromRDD(rows.rdd().barrier().mapPartitions(task, false, tag), tag)
        .repartition(1)
        .collect();
  }

  /** Checks that the workers agree and copies worker 0's state into the driver's model. */
  private static EpochTask.Result adopt(Model model, List<EpochTask.Result> results, int epoch) {
    EpochTask.Result first = null;
    for (EpochTask.Result r : results) {
      if (r.rank() == 0) {
        first = r;
      }
    }
    if (first == null) {
      throw new IllegalStateException(OWNER + ": worker 0 returned nothing in epoch " + epoch);
    }
    for (EpochTask.Result r : results) {
      if (!r.hash().equals(first.hash())) {
        throw new IllegalStateException(
            OWNER
                + ": replicas diverged in epoch "
                + epoch
                + ": worker "
                + r.rank()
                + " ends with weights hash "
                + r.hash()
                + ", worker 0 with "
                + first.hash());
      }
    }
    Model trained = ModelFiles.fromBytes(first.state());
    model.setWeights(trained.getWeights());
    Optimizer to = model.optimizer();
    Optimizer from = trained.optimizer();
    to.iterations(from.iterations());
    List<Variable> tv = trained.trainableWeights();
    List<Variable> mv = model.trainableWeights();
    for (int i = 0; i < mv.size(); i++) {
      if (from.variablesWithState().contains(tv.get(i))) {
        Tensor[] src = from.slots(tv.get(i));
        Tensor[] dst = to.slots(mv.get(i));
        for (int k = 0; k < dst.length; k++) {
          dst[k].copyFrom(src[k]);
        }
      }
    }
    String mine = StateHash.of(model);
    if (!mine.equals(first.hash())) {
      throw new IllegalStateException(
          OWNER
              + ": the driver's copy of the model differs from the workers' after epoch "
              + epoch);
    }
    return first;
  }

  /** Waits (bounded) until the cluster offers a barrier slot per worker. */
  private void awaitSlots() {
    long deadline = System.nanoTime() + slotWait.toNanos();
    int slots;
    while ((slots = sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile()))
        < workers) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            OWNER
                + ": "
                + workers
                + " workers need "
                + workers
                + " task slots at once (a barrier stage), but the cluster offers "
                + slots
                + " (executors x cores / spark.task.cpus) after waiting "
                + slotWait.toSeconds()
                + " s; lower workers(...) or add executors");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(OWNER + ": interrupted while waiting for executors", e);
      }
    }
  }
}
