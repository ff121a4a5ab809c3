package dev.graft.dsl.internal;

import dev.graft.autograd.Plan;
import dev.graft.autograd.Variable;
import dev.graft.autograd.optim.Optimizer;
import dev.graft.dsl.FitOptions;
import dev.graft.dsl.History;
import dev.graft.dsl.Loss;
import dev.graft.dsl.Metric;
import dev.graft.dsl.Model;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled model's training machinery: the optimizer, losses and metrics from {@code compile},
 * the training and evaluation programs (built on first use for each concrete shape of the data, so
 * a model with {@code None} dimensions takes batches of any length; rebuilt when freezing changes),
 * and the loops of {@code fit}, {@code evaluate} and {@code trainOnBatch}.
 */
public final class Trainer {
  private final Model model;
  private final Optimizer optimizer;
  private final List<Loss> losses;
  private final List<Float> lossWeights;
  private final List<List<Metric>> metrics;
  // The programs of the last data shape, checked first so a step allocates no lookup key.
  private Programs programs;
  private List<Shape> programInputShapes;
  private List<Shape> programTargetShapes;
  private final ShapeCache<Programs> compiled = new ShapeCache<>();
  // Per-step scratch and the model's shapes, cached so a training step allocates (almost) nothing;
  // dropped with the programs.
  private final StepChecks checks;
  private int[] identityOrder = new int[0];
  private Tensor unitWeights = Tensor.ones(0);
  private final KeptSteps keptSteps = new KeptSteps();
  private double[] stepLosses;
  // Held by fit, trainOnBatch and evaluate when a metric cannot be copied (see Metric.copy).
  private final java.util.concurrent.locks.ReentrantLock sharedMetrics =
      new java.util.concurrent.locks.ReentrantLock();
  private final boolean metricsCopy;

  private Trainer(
      Model model,
      Optimizer optimizer,
      List<Loss> losses,
      List<Float> lossWeights,
      List<List<Metric>> metrics) {
    this.model = model;
    this.optimizer = optimizer;
    this.losses = losses;
    this.lossWeights = lossWeights;
    this.metrics = metrics;
    this.checks = new StepChecks(model, losses);
    this.metricsCopy = Evaluation.copies(metrics) != null;
  }

  /**
   * Resolves compile arguments (objects or Keras names).
   *
   * @param model the model compiled
   * @param optimizer an optimizer or its Keras name
   * @param losses one loss (object or name) per output, or one for all
   * @param metricArgs metrics (objects or names)
   * @return the training set-up
   */
  public static Trainer compile(Model model, Object optimizer, List<?> losses, List<?> metricArgs) {
    ExclusiveCall.check(model, "compile"); // refused while another thread trains it
    Optimizer opt = CompileArgs.optimizer(optimizer);
    List<Loss> ls = CompileArgs.losses(model, losses);
    List<Float> weights = new ArrayList<>(Collections.nCopies(ls.size(), 1f));
    Trainer t = new Trainer(model, opt, ls, weights, CompileArgs.metrics(metricArgs, ls));
    opt.compileUpdateSoon();
    return t;
  }

  /**
   * Sets per-output loss weights (Keras's {@code loss_weights}).
   *
   * @param w one factor per output
   */
  public void lossWeights(List<Float> w) {
    if (w.size() != losses.size()) {
      throw new IllegalArgumentException(
          "compile: " + w.size() + " loss weights for " + losses.size() + " losses");
    }
    lossWeights.clear();
    lossWeights.addAll(w);
    invalidate();
  }

  /**
   * The optimizer.
   *
   * @return the optimizer the model trains with
   */
  public Optimizer optimizer() {
    return optimizer;
  }

  /**
   * Keras's {@code compile_config}: the optimizer as {@code {class_name, config}}, the loss name (a
   * list when the outputs differ), the metric names of the first output and the loss weights.
   *
   * @return a new map, JSON-ready
   */
  public Map<String, Object> compileConfig() {
    Map<String, Object> opt = new java.util.LinkedHashMap<>();
    opt.put("module", "keras.optimizers");
    opt.put("class_name", optimizer.name());
    opt.put("config", optimizer.config());
    opt.put("registered_name", null);
    List<String> lossNames = losses.stream().map(Loss::name).toList();
    List<String> metricNames =
        metrics.isEmpty() ? List.of() : metrics.get(0).stream().map(Metric::name).toList();
    Map<String, Object> c = new java.util.LinkedHashMap<>();
    c.put("optimizer", opt);
    c.put("loss", new java.util.HashSet<>(lossNames).size() == 1 ? lossNames.get(0) : lossNames);
    c.put("loss_weights", lossWeights.stream().allMatch(w -> w == 1f) ? null : lossWeights);
    c.put("metrics", metricNames);
    c.put("weighted_metrics", null);
    c.put("run_eagerly", false);
    c.put("steps_per_execution", 1);
    c.put("jit_compile", false);
    return c;
  }

  /** Forces the programs to be rebuilt (after freezing or unfreezing layers). */
  public void invalidate() {
    programs = null;
    compiled.clear();
    checks.reset();
  }

  /**
   * How many concrete data shapes have compiled programs (bounded, see {@code ShapeCache}).
   *
   * @return the number of shapes cached
   */
  public int compiledShapes() {
    return compiled.size();
  }

  /**
   * {@code loss}, then each metric (prefixed by the output's name when there are several).
   *
   * @return the names, in the order of {@link #evaluate}'s values
   */
  public List<String> metricNames() {
    List<String> names = new ArrayList<>();
    names.add("loss");
    for (int k = 0; k < losses.size() && losses.size() > 1; k++) {
      names.add(prefix(k) + "loss");
    }
    for (int k = 0; k < metrics.size(); k++) {
      for (Metric m : metrics.get(k)) {
        names.add(prefix(k) + m.name());
      }
    }
    return names;
  }

  private String prefix(int k) {
    return metrics.size() > 1 ? model.outputs().get(k).name() + "_" : "";
  }

  private Programs programs(List<Tensor> x, List<Tensor> y) {
    if (programs != null
        && StepChecks.sameAfterBatch(x, programInputShapes)
        && StepChecks.sameAfterBatch(y, programTargetShapes)
        && !programs.stale()) {
      return programs;
    }
    if (programs != null && programs.stale()) {
      compiled.clear(); // frozen or unfrozen since: every shape's gradients cover the wrong set
    }
    programs = lookup(x, y);
    programInputShapes = ShapeCache.sampleShapes(x);
    programTargetShapes = ShapeCache.sampleShapes(y);
    stepLosses = new double[1 + losses.size()];
    return programs;
  }

  /** The programs for the data's shapes, compiled if new; touches no per-step field. */
  private Programs lookup(List<Tensor> x, List<Tensor> y) {
    if (losses.size() != model.outputs().size()) {
      throw new IllegalArgumentException(
          "The model has "
              + model.outputs().size()
              + " outputs but was compiled with "
              + losses.size()
              + " losses");
    }
    List<Shape> inputShapes = ShapeCache.sampleShapes(x);
    List<Shape> targetShapes = ShapeCache.sampleShapes(y);
    List<Shape> key = new ArrayList<>(inputShapes);
    key.addAll(targetShapes);
    return compiled.get(
        key, k -> new Programs(model, inputShapes, losses, lossWeights, targetShapes, optimizer));
  }

  private int check(List<Tensor> x, List<Tensor> y) {
    if (programs == null) {
      checks.reset();
    }
    return checks.check(x, y);
  }

  /**
   * This model's training step split at the gradients (see {@link GradientStep}).
   *
   * @return the step
   */
  public GradientStep gradientStep() {
    return new GradientStep(model, this);
  }

  /**
   * The checked programs for data shaped like {@code x} and {@code y} (for {@link GradientStep}).
   */
  Programs programsFor(List<Tensor> x, List<Tensor> y) {
    check(x, y);
    return programs(x, y);
  }

  /**
   * Keras's {@code fit}.
   *
   * @param x one tensor per model input
   * @param y one tensor per model output
   * @param o the fit's options
   * @return the losses and metrics of each epoch
   */
  public History fit(List<Tensor> x, List<Tensor> y, FitOptions o) {
    return withSharedMetrics(() -> train(x, y, o));
  }

  /**
   * Runs a call that updates the metrics, one at a time when they cannot be copied.
   *
   * @param <T> the result type
   * @param call the call
   * @return what {@code call} returned
   */
  public <T> T withSharedMetrics(java.util.function.Supplier<T> call) {
    if (metricsCopy) {
      return call.get();
    }
    sharedMetrics.lock();
    try {
      return call.get();
    } finally {
      sharedMetrics.unlock();
    }
  }

  private History train(List<Tensor> x, List<Tensor> y, FitOptions o) {
    int n = check(x, y);
    DataChecks.nonEmpty("fit", "x", n, x);
    List<Tensor> vx =
        o.validationX() == null ? null : model.encodeInputs(o.validationX().toArray());
    List<Tensor> vy = o.validationY();
    if (o.validationSplit() > 0 && vx == null) { // Keras: validation data wins over a split
      int nVal = (int) Math.floor(n * o.validationSplit());
      if (nVal == 0 || nVal == n) {
        throw new IllegalArgumentException(
            "validation_split "
                + o.validationSplit()
                + " of "
                + n
                + " samples leaves an empty set");
      }
      vx = rows(x, n - nVal, n);
      vy = rows(y, n - nVal, n);
      x = rows(x, 0, n - nVal);
      y = rows(y, 0, n - nVal);
      n -= nVal;
    } else if (vx != null) {
      int nv = DataChecks.inputs(model.name(), model.inputNames(), model.feedShapes(), vx);
      DataChecks.nonEmpty("fit", "validationData", nv, vx);
      DataChecks.targets(nv, checks.outputShapes(), losses, vy);
    }
    Tensor weights = SampleWeights.of(o, y.get(0), n);
    Rng rng = o.seed() == null ? Rng.global().split() : new Rng(o.seed());
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int rows = n;
    int steps = (n + o.batchSize() - 1) / o.batchSize();
    List<Tensor> tx = x;
    List<Tensor> ty = y;
    List<Tensor> validX = vx;
    List<Tensor> validY = vy;
    return new EpochLoop(model, this)
        .fit(
            o,
            new EpochLoop.Steps() {
              private int b;

              @Override
              public int epochBegin(int epoch) {
                if (o.shuffle()) {
                  rng.shuffle(order);
                }
                return steps;
              }

              @Override
              public double[] step(int s) {
                if (s >= steps) {
                  return null;
                }
                int from = s * o.batchSize();
                b = Math.min(o.batchSize(), rows - from);
                return Trainer.this.step(tx, ty, weights, order, from, b);
              }

              @Override
              public int batchSize() {
                return b;
              }

              @Override
              public void validate(Map<String, Double> logs) {
                if (validX != null) {
                  EpochLoop.addValidation(
                      Trainer.this, evaluate(validX, validY, o.batchSize()), logs);
                }
              }
            });
  }

  private static List<Tensor> rows(List<Tensor> ts, int from, int to) {
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : ts) {
      out.add(t.slice(from, to));
    }
    return out;
  }

  /**
   * One training step on rows {@code order[from .. from+b)}; returns the batch's total loss, then
   * each output's weighted loss.
   */
  private double[] step(List<Tensor> x, List<Tensor> y, Tensor w, int[] order, int from, int b) {
    Programs p = programs(x, y);
    Plan plan = p.train.plan(b);
    for (int i = 0; i < x.size(); i++) {
      if (p.inputNames.get(i) != null) {
        Batches.gather(x.get(i), order, from, plan.input(p.inputNames.get(i)));
      }
    }
    for (int k = 0; k < y.size(); k++) {
      Batches.gather(y.get(k), order, from, plan.input(p.targetNames.get(k)));
      // One weight per row whether the weight input is (b) or (b, 1): no reshaped views needed.
      Batches.gather(w, order, from, plan.input(p.weightNames.get(k)));
    }
    long before = optimizer.iterations();
    optimizer.beginStep();
    try {
      plan.run(true, WeightsLock.updates()); // updates seen all at once by a concurrent predict
    } catch (RuntimeException e) {
      optimizer.iterations(before);
      throw e;
    }
    updateMetrics(p, plan);
    return batchLosses(plan);
  }

  /** Adds a batch to every output's metrics; of a masked output, the kept steps only. */
  private void updateMetrics(Programs p, Plan plan) {
    keptSteps.update(p, plan, metrics);
  }

  /** The batch's losses, in a buffer reused by the next step (callers consume it at once). */
  private double[] batchLosses(Plan plan) {
    double[] out = stepLosses;
    out[0] = plan.output(0).item();
    for (int k = 0; k < losses.size(); k++) {
      out[1 + k] = plan.output(1 + losses.size() + k).item();
    }
    return out;
  }

  /**
   * Keras's {@code train_on_batch}: one step on all of {@code x}; returns loss and metrics.
   *
   * @param x one tensor per model input
   * @param y one tensor per model output
   * @return the loss, then each metric
   */
  public double[] trainOnBatch(List<Tensor> x, List<Tensor> y) {
    return withSharedMetrics(
        () -> {
          resetMetrics();
          return values(fitBatch(x, y), 1);
        });
  }

  /**
   * One training step on all of {@code x} with metrics accumulating (a loop fed batch by batch, as
   * {@code fit} over a dataset); returns the batch's total loss, then each output's, in a buffer
   * the next step reuses.
   *
   * @param x one tensor per model input
   * @param y one tensor per model output
   * @return the loss sums, in a buffer the next step reuses
   */
  public double[] fitBatch(List<Tensor> x, List<Tensor> y) {
    return fitBatch(x, y, null);
  }

  /**
   * {@link #fitBatch(List, List)} with one loss weight per sample ({@code (batch)} or {@code
   * (batch, 1)}; null: all 1), Keras's {@code sample_weight} of a dataset's batch.
   *
   * @param x one tensor per model input
   * @param y one tensor per model output
   * @param sampleWeights the weights, or {@code null}
   * @return the loss sums, in a buffer the next step reuses
   */
  public double[] fitBatch(List<Tensor> x, List<Tensor> y, Tensor sampleWeights) {
    int n = check(x, y);
    DataChecks.nonEmpty("trainOnBatch", "x", n, x);
    if (identityOrder.length < n) {
      identityOrder = new int[n];
      for (int i = 0; i < n; i++) {
        identityOrder[i] = i;
      }
      unitWeights = Tensor.ones(n);
    }
    return step(x, y, sampleWeights != null ? sampleWeights : unitWeights, identityOrder, 0, n);
  }

  /**
   * The gradients of the loss (as {@link #trainOnBatch} computes it, before the update, when {@code
   * training}; otherwise in inference mode) with respect to each trainable weight, by weight name;
   * weights the loss does not depend on get zeros. Nothing is updated.
   *
   * @param x one tensor per model input
   * @param y one tensor per model output
   * @param training true for training mode
   * @return each weight's name to its gradient
   */
  public Map<String, Tensor> gradients(List<Tensor> x, List<Tensor> y, boolean training) {
    int n = check(x, y);
    DataChecks.nonEmpty("gradients", "x", n, x);
    Programs p = programs(x, y);
    Plan plan = p.gradients.plan(n);
    for (int i = 0; i < x.size(); i++) {
      if (p.inputNames.get(i) != null) {
        Batches.slice(x.get(i), 0, plan.input(p.inputNames.get(i)));
      }
    }
    for (int k = 0; k < y.size(); k++) {
      Batches.slice(y.get(k), 0, plan.input(p.targetNames.get(k)));
      plan.input(p.weightNames.get(k)).fill(1f);
    }
    plan.run(training);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Variable v : model.weights()) {
      if (v.trainable()) {
        int k = p.gradientVariables.indexOf(v);
        out.put(v.name(), k < 0 ? Tensor.zeros(v.shape()) : plan.output(k).copy());
      }
    }
    return out;
  }

  /**
   * Keras's {@code evaluate}: mean loss and metrics over batches. Safe from several threads at once
   * and beside a running {@code fit} (see {@link Evaluation}).
   *
   * @param x one tensor per model input
   * @param y one tensor per model output
   * @param batchSize the rows per batch
   * @return the loss, then each metric
   */
  public double[] evaluate(List<Tensor> x, List<Tensor> y, int batchSize) {
    int n = checks.check(x, y);
    DataChecks.nonEmpty("evaluate", "x", n, x);
    Programs p = lookup(x, y);
    try (Evaluator ev = evaluator()) {
      for (int from = 0; from < n; from += batchSize) {
        ev.rows(p, x, y, null, from, Math.min(batchSize, n - from));
      }
      return ev.result();
    }
  }

  /**
   * One evaluation's own state (Keras's {@code evaluate}, fed batch by batch by a loop over a
   * dataset too): metrics of its own ({@link Metric#copy()}; the shared ones, one evaluation at a
   * time, when a metric cannot be copied), loss sums and buffers, so evaluations may run from
   * several threads at once and beside {@code fit}. Close it when done.
   *
   * @return a new evaluator
   */
  public Evaluator evaluator() {
    List<List<Metric>> own = Evaluation.copies(metrics);
    return own != null ? new Evaluator(own, false) : new Evaluator(metrics, true);
  }

  /** See {@link #evaluator()}. */
  public final class Evaluator implements AutoCloseable {
    private final List<List<Metric>> ms;
    private final boolean shared;
    private final KeptSteps kept = new KeptSteps();
    private final double[] lossSums = new double[1 + losses.size()];
    private int count;

    private Evaluator(List<List<Metric>> ms, boolean shared) {
      this.ms = ms;
      this.shared = shared;
      if (shared) {
        sharedMetrics.lock();
      }
      for (List<Metric> list : ms) {
        list.forEach(Metric::reset);
      }
    }

    /**
     * Evaluates all of {@code x} as one batch; returns its size.
     *
     * @param x one tensor per model input
     * @param y one tensor per model output
     * @return the number of rows
     */
    public int batch(List<Tensor> x, List<Tensor> y) {
      return batch(x, y, null);
    }

    /**
     * {@link #batch(List, List)} with one loss weight per sample (null: all 1).
     *
     * @param x one tensor per model input
     * @param y one tensor per model output
     * @param sampleWeights the weights, or {@code null}
     * @return the number of rows
     */
    public int batch(List<Tensor> x, List<Tensor> y, Tensor sampleWeights) {
      int n = checks.check(x, y);
      rows(lookup(x, y), x, y, sampleWeights, 0, n);
      return n;
    }

    void rows(Programs p, List<Tensor> x, List<Tensor> y, Tensor w, int from, int b) {
      Evaluation.batch(p, x, y, w, from, b, ms, kept, lossSums, losses.size());
      count += b;
    }

    /**
     * {@code [loss, loss of each output (when several), metric...]} so far.
     *
     * @return a new array
     */
    public double[] result() {
      return Evaluation.values(lossSums, count, ms, losses.size());
    }

    @Override
    public void close() {
      if (shared) {
        sharedMetrics.unlock();
      }
    }
  }

  /**
   * The length of the loss sums {@link #fitBatch} works with.
   *
   * @return the length
   */
  public int lossCount() {
    return 1 + losses.size();
  }

  /** The values of {@link #logs}, in the same order, without building the map. */
  private double[] values(double[] lossSums, int count) {
    return Evaluation.values(lossSums, count, metrics, losses.size());
  }

  /** Resets every metric (at the start of an epoch or an evaluation). */
  public void resetMetrics() {
    for (int k = 0; k < metrics.size(); k++) {
      List<Metric> ms = metrics.get(k);
      for (int j = 0; j < ms.size(); j++) {
        ms.get(j).reset();
      }
    }
  }

  /**
   * The logs from loss sums over {@code count} samples: total, per output, then metrics.
   *
   * @param lossSums the sums
   * @param count the number of samples
   * @return the logs by name
   */
  public Map<String, Double> logs(double[] lossSums, int count) {
    Map<String, Double> logs = new LinkedHashMap<>();
    logs.put("loss", lossSums[0] / count);
    for (int k = 0; k < losses.size() && losses.size() > 1; k++) {
      logs.put(prefix(k) + "loss", lossSums[1 + k] / count);
    }
    for (int k = 0; k < metrics.size(); k++) {
      for (Metric m : metrics.get(k)) {
        logs.put(prefix(k) + m.name(), m.result());
      }
    }
    return logs;
  }

  /**
   * Variables a step may change (for callers that need to restore them).
   *
   * @return the variables, unmodifiable
   */
  public List<Variable> variables() {
    return model.weights();
  }
}
