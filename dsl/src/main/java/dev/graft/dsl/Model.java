package dev.graft.dsl;

import dev.graft.autograd.Node;
import dev.graft.autograd.TrainingMode;
import dev.graft.autograd.Variable;
import dev.graft.autograd.optim.Optimizer;
import dev.graft.dsl.internal.Arguments;
import dev.graft.dsl.internal.ExclusiveCall;
import dev.graft.dsl.internal.FunctionalGraph;
import dev.graft.dsl.internal.ModelInputs;
import dev.graft.dsl.internal.Predictor;
import dev.graft.dsl.internal.Summary;
import dev.graft.dsl.internal.Trainer;
import dev.graft.dsl.internal.WeightsLock;
import dev.graft.layers.CallContext;
import dev.graft.layers.InputLayer;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model: a graph of layer calls from inputs to outputs that trains, evaluates and predicts. A
 * model is also a layer: {@code model.on(x)} uses it (and its weights) as a block of a bigger
 * model.
 *
 * <p>Three ways to make one: {@code Graft.model(inputs, outputs)} (functional), {@code
 * Graft.sequential(layers...)}, or a subclass overriding {@link #call(List)}, traced once into the
 * same graph on first use (or by {@link #build(Shape...)}).
 *
 * <pre>{@code
 * jshell> var in = input(10);
 * jshell> Model m = model(in, dense(1).activation("sigmoid").on(dense(8).on(in)));
 * jshell> m.compile(adam(), "binary_crossentropy", "accuracy");
 * jshell> m.fit(Tensor.rand(64, 10), Tensor.randint(0, 2, 64, 1), epochs(3).verbose(0));
 * }</pre>
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li><b>Thread-safe:</b> {@code predict}, {@code predictOnBatch} and {@code evaluate} may be
 *       called from any number of threads at once, and while another thread trains the model. Each
 *       call computes with buffers of its own and, for {@code evaluate}, its own copies of the
 *       metrics ({@link Metric#copy()}); what runs beside it does not change its results. With
 *       {@code Graft.seed} set, repeating a call gives bit-identical results (at a given {@code
 *       graft.threads}); without, the {@code auto} back-end's timing may change the last bit.
 *   <li><b>Exclusive:</b> {@code fit}, {@code trainOnBatch}, {@code gradients}, {@code compile},
 *       {@code setWeights} and {@code loadWeights} change the model. One thread at a time: a second
 *       such call from another thread while one runs is refused at once with an {@link
 *       IllegalStateException} naming the running call, its model and its thread (not queued: two
 *       threads training one model is a bug in the caller). The thread that runs one may make
 *       others inside it (a callback's {@code setWeights} during {@code fit}).
 *   <li><b>Nested models:</b> a model used inside another shares its weights with it. While the
 *       outer model trains, the inner model's exclusive calls are refused too (naming the outer
 *       model's call), and its {@code predict} sees its weights as the outer model's training
 *       leaves them after each step.
 *   <li><b>During training:</b> a {@code predict}, {@code evaluate}, {@code getWeights} or {@code
 *       save} made while another thread trains sees the weights of a completed step, never a
 *       half-updated set: each batch of a prediction holds the read side of one process-wide
 *       read-write lock, and a training step holds the write side only while its optimizer updates
 *       run (the end of the step), as do {@code setWeights} and {@code loadWeights} while they
 *       assign. Which step a prediction sees depends on timing.
 *   <li><b>Not covered:</b> changes made to a model's parts directly ({@code layer.setWeights}, a
 *       {@code Variable}'s value, {@code trainable(...)}, a layer's options) while another thread
 *       uses the model; a {@link Metric} of your own without {@link Metric#copy()} makes {@code
 *       evaluate} calls take turns (and wait for a running {@code fit}).
 * </ul>
 */
public class Model extends Layer {
  private volatile FunctionalGraph graph;
  private Trainer trainer;
  private volatile Predictor predictor;

  /** For subclasses: the graph is traced from {@link #call(List)} on first use. */
  protected Model() {}

  /**
   * A functional model from inputs to outputs (see {@code Graft.model}).
   *
   * @param inputs the model's inputs, each from {@code input(...)}
   * @param outputs the model's outputs
   */
  protected Model(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
    this.graph = new FunctionalGraph(inputs, outputs);
    ensureBuilt(inputShapes());
  }

  /** Sets the functional graph (for {@link Sequential}, which grows layer by layer). */
  void define(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
    this.graph = new FunctionalGraph(inputs, outputs);
    this.predictor = null;
    if (trainer != null) {
      trainer.invalidate();
    }
  }

  /** Names this model (Keras's {@code name=}); returns this. */
  @Override
  public Model name(String newName) {
    super.name(Arguments.notNull("name", "newName", newName));
    return this;
  }

  @Override
  public String className() {
    return isSubclassed() ? getClass().getSimpleName() : "Functional";
  }

  private boolean isSubclassed() {
    return getClass() != Model.class && !(this instanceof Sequential);
  }

  /**
   * The subclass's forward pass on symbolic inputs, traced once into the graph. Functional models
   * do not override it.
   *
   * @param inputs one symbolic tensor per model input
   * @return the model's output tensor
   */
  public SymbolicTensor call(List<SymbolicTensor> inputs) {
    throw new UnsupportedOperationException(
        "Model \"" + name() + "\" has no graph: subclasses override call(List<SymbolicTensor>)");
  }

  /**
   * Traces a subclassed model for inputs of these shapes (without the batch), so that {@link
   * #summary()} shows real shapes. Returns this.
   *
   * @param sampleShapes one shape per input, without the batch axis
   * @return this model, for chaining
   */
  public Model build(Shape... sampleShapes) {
    List<Shape> shapes = new ArrayList<>();
    for (Shape s : Arguments.all("build", "sampleShapes", sampleShapes)) {
      shapes.add(s.prepend(Shape.UNKNOWN));
    }
    ensureBuilt(shapes);
    return this;
  }

  @Override
  protected void build(List<Shape> inputShapes) {
    if (graph == null) {
      trace(inputShapes);
    }
  }

  private void trace(List<Shape> shapes) {
    List<SymbolicTensor> ins = new ArrayList<>();
    for (Shape s : shapes) {
      ins.add(new InputLayer(s.withBatch(Shape.UNKNOWN), null).output());
    }
    SymbolicTensor out = call(ins);
    if (out == null) {
      throw new IllegalStateException("call(...) of model \"" + name() + "\" returned null");
    }
    graph = new FunctionalGraph(ins, List.of(out));
  }

  /**
   * True once the model has a graph (functional, or a traced subclass).
   *
   * @return true if {@link #inputs()} and {@link #outputs()} are known
   */
  public boolean hasGraph() {
    return graph != null;
  }

  /** The model's graph. */
  FunctionalGraph graph() {
    if (graph == null) {
      throw new IllegalStateException(
          "Model \"" + name() + "\" is not built yet: call build(shapes...), fit or predict first");
    }
    return graph;
  }

  /**
   * The model's input tensors.
   *
   * @return the inputs, unmodifiable
   */
  public List<SymbolicTensor> inputs() {
    return graph().inputs();
  }

  /**
   * The model's output tensors.
   *
   * @return the outputs, unmodifiable
   */
  public List<SymbolicTensor> outputs() {
    return graph().outputs();
  }

  /**
   * The input shapes, batch ({@code None}) included.
   *
   * @return one shape per input, unmodifiable
   */
  public List<Shape> inputShapes() {
    List<Shape> s = new ArrayList<>();
    for (SymbolicTensor t : inputs()) {
      s.add(t.shape());
    }
    return s;
  }

  /**
   * The input names, in order.
   *
   * @return the inputs' names
   */
  public List<String> inputNames() {
    List<String> s = new ArrayList<>();
    for (SymbolicTensor t : inputs()) {
      s.add(t.producer().layer().name());
    }
    return s;
  }

  /**
   * The distinct layers, inputs first, in call order (nested models count as one layer).
   *
   * @return the layers, unmodifiable
   */
  public List<Layer> layers() {
    if (graph == null) {
      return trackedFields();
    }
    return graph.layers();
  }

  /** Layers held in fields of a subclass (tracked before the model is traced). */
  private List<Layer> trackedFields() {
    return ModelInputs.layerFields(this, Model.class);
  }

  /**
   * The layer with this name; a path {@code "outer/inner"} reaches into nested models.
   *
   * @param path a layer name, or names joined by {@code /}
   * @return the layer
   * @throws IllegalArgumentException naming the known layers if there is none
   */
  public Layer getLayer(String path) {
    String[] parts = Arguments.notNull("getLayer", "path", path).split("/", 2);
    for (Layer l : layers()) {
      if (l.name().equals(parts[0])) {
        if (parts.length == 1) {
          return l;
        }
        if (l instanceof Model m) {
          return m.getLayer(parts[1]);
        }
        throw new IllegalArgumentException(
            "Layer \"" + parts[0] + "\" of model \"" + name() + "\" is not a model: no " + path);
      }
    }
    List<String> names = new ArrayList<>();
    for (Layer l : layers()) {
      names.add(l.name());
    }
    throw new IllegalArgumentException(
        "Model \"" + name() + "\" has no layer \"" + parts[0] + "\"; its layers are " + names);
  }

  @Override
  public Layer trainable(boolean value) {
    super.trainable(value);
    for (Layer l : layers()) {
      l.trainable(value);
    }
    if (trainer != null) {
      trainer.invalidate();
    }
    return this;
  }

  @Override
  public List<Variable> weights() {
    return collectWeights();
  }

  /**
   * The weights of this model's current graph, computed once per graph and shared (read-only): what
   * the exclusive calls hold at every training step, without walking the layers again.
   *
   * @return the weights, unmodifiable
   */
  public List<Variable> graphWeights() {
    FunctionalGraph g = graph;
    if (g == null) {
      return collectWeights();
    }
    WeightsOfGraph cached = weightsOfGraph;
    if (cached == null || cached.graph() != g) {
      cached = new WeightsOfGraph(g, List.copyOf(collectWeights()));
      weightsOfGraph = cached;
    }
    return cached.weights();
  }

  private record WeightsOfGraph(FunctionalGraph graph, List<Variable> weights) {}

  private volatile WeightsOfGraph weightsOfGraph;

  private List<Variable> collectWeights() {
    Set<Variable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Variable> out = new ArrayList<>();
    for (Layer l : layers()) {
      for (Variable v : l.weights()) {
        if (seen.add(v)) {
          out.add(v);
        }
      }
    }
    return out;
  }

  @Override
  public void setWeights(List<Tensor> values) {
    List<Variable> vs = weights();
    if (Arguments.elements("setWeights", "values", values).size() != vs.size()) {
      throw new IllegalArgumentException(
          "Model \"" + name() + "\" has " + vs.size() + " weights; got " + values.size());
    }
    for (int i = 0; i < vs.size(); i++) {
      if (!vs.get(i).shape().equals(values.get(i).shape())) {
        throw new IllegalArgumentException(
            "Model \""
                + name()
                + "\": weight "
                + vs.get(i).name()
                + " has shape "
                + vs.get(i).shape()
                + ", the value "
                + values.get(i).shape());
      }
    }
    Runnable assign =
        () -> {
          for (int i = 0; i < vs.size(); i++) {
            vs.get(i).assign(values.get(i));
          }
        };
    ExclusiveCall.run(this, "setWeights", () -> WeightsLock.writing(assign));
  }

  /** Copies of the weights, all of one completed training step when another thread trains. */
  @Override
  public List<Tensor> getWeights() {
    return WeightsLock.read(super::getWeights);
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    List<Shape> want = inputShapes();
    if (in.size() != want.size()) {
      throw new IllegalArgumentException(
          "Model \""
              + name()
              + "\" expects "
              + want.size()
              + " input(s) "
              + want
              + "; got "
              + in.size()
              + " "
              + in);
    }
    for (int i = 0; i < in.size(); i++) {
      if (!in.get(i).isCompatibleWith(want.get(i))) {
        throw incompatible(i, "shape " + want.get(i), in.get(i));
      }
    }
    List<Shape> out = new ArrayList<>();
    for (SymbolicTensor t : outputs()) {
      out.add(t.shape().rank() > 0 ? t.shape().withBatch(in.get(0).dim(0)) : t.shape());
    }
    return out;
  }

  /** Emits the model's whole graph (nested models inlined, shared layers sharing variables). */
  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    return callMasked(ctx, inputs, java.util.Collections.nCopies(inputs.size(), null)).outputs();
  }

  /**
   * Emits the model's graph as {@link #call} does, carrying each layer call's output masks to the
   * calls that read those outputs (Keras's mask propagation); returns the outputs' masks too, so a
   * nested model passes them on.
   */
  @Override
  public Emitted callMasked(CallContext ctx, List<Node> inputs, List<Node> masks) {
    Map<SymbolicTensor, Node> env = new IdentityHashMap<>();
    Map<SymbolicTensor, Node> maskEnv = new IdentityHashMap<>();
    List<SymbolicTensor> ins = inputs();
    for (int i = 0; i < ins.size(); i++) {
      env.put(ins.get(i), inputs.get(i));
      maskEnv.put(ins.get(i), masks.get(i));
    }
    Set<LayerCall> fed = Feeds.passThrough(this);
    for (LayerCall c : graph().order()) {
      if (fed.contains(c)) { // preprocessing ran on the data: the placeholder holds its output
        env.put(c.outputs().get(0), env.get(c.inputs().get(0)));
        continue;
      }
      List<Node> args = new ArrayList<>();
      List<Node> argMasks = new ArrayList<>();
      for (SymbolicTensor t : c.inputs()) {
        args.add(env.get(t));
        argMasks.add(maskEnv.get(t));
      }
      if (!(c.layer() instanceof Model) || !Feeds.any((Model) c.layer())) {
        checkConcrete(c, args);
      }
      // Scoped by the layer's name, so errors about its nodes (a plan too big) can name it.
      Emitted outs =
          ctx.graph()
              .inScope(
                  c.layer().name(),
                  () ->
                      c.mode() == TrainingMode.FOLLOW_PLAN
                          ? c.layer().callMasked(ctx, args, argMasks)
                          : ctx.graph()
                              .inMode(c.mode(), () -> c.layer().callMasked(ctx, args, argMasks)));
      for (int j = 0; j < outs.outputs().size(); j++) {
        env.put(c.outputs().get(j), outs.outputs().get(j));
        maskEnv.put(c.outputs().get(j), outs.masks().get(j));
      }
    }
    List<Node> result = new ArrayList<>();
    List<Node> resultMasks = new ArrayList<>();
    for (SymbolicTensor t : outputs()) {
      result.add(env.get(t));
      resultMasks.add(maskEnv.get(t));
    }
    return new Emitted(result, resultMasks);
  }

  /**
   * Where the model was traced with {@code None} dimensions and is now emitted for concrete ones,
   * asks the layer for its output shapes first, so that an input it cannot take (a sequence shorter
   * than a convolution's kernel) is refused naming the layer and the shape, not deep in an op.
   */
  private static void checkConcrete(LayerCall c, List<Node> args) {
    List<Shape> shapes = new ArrayList<>(args.size());
    boolean specialised = false;
    for (int i = 0; i < args.size(); i++) {
      Shape traced = c.inputs().get(i).shape();
      Shape s = args.get(i).shape();
      shapes.add(s);
      specialised |= !s.equals(traced);
    }
    if (specialised) {
      c.layer().outputShapes(shapes);
    }
  }

  // ---- training API ----

  /**
   * Configures training with an optimizer, a loss and metrics, each an object or Keras name.
   *
   * @param optimizer an {@code Optimizer} or its Keras name ({@code "adam"})
   * @param loss a {@code Loss} or its Keras name ({@code "mse"})
   * @param metrics {@code Metric}s or their Keras names
   * @return this model, for chaining
   */
  public Model compile(Object optimizer, Object loss, Object... metrics) {
    this.trainer =
        Trainer.compile(
            this,
            Arguments.notNull("compile", "optimizer", optimizer),
            Arguments.one("compile", "loss", loss),
            Arguments.all("compile", "metrics", metrics));
    return this;
  }

  /**
   * Configures training with one loss per output (or one for all). {@code metrics} applies to every
   * output, or holds one list per output ({@code List.of(List.of("accuracy"), List.of())}). With
   * several outputs, logs name each output's loss and metrics after it ({@code "dense_3_loss"},
   * {@code "dense_3_accuracy"}).
   *
   * @param optimizer an {@code Optimizer} or its Keras name
   * @param losses one loss per output, or one for all
   * @param metrics metrics for every output, or one list per output
   * @return this model, for chaining
   */
  public Model compile(Object optimizer, List<?> losses, List<?> metrics) {
    Arguments.notNull("compile", "optimizer", optimizer);
    Arguments.elements("compile", "losses", losses);
    Arguments.elements("compile", "metrics", metrics);
    this.trainer = Trainer.compile(this, optimizer, losses, metrics);
    return this;
  }

  /**
   * Configures training with per-output losses weighted by {@code lossWeights} (Keras's {@code
   * loss_weights}): the loss minimised is {@code sum_k lossWeights[k] * loss_k}.
   *
   * @param optimizer an {@code Optimizer} or its Keras name
   * @param losses one loss per output, or one for all
   * @param lossWeights one factor per output
   * @param metrics metrics for every output, or one list per output
   * @return this model, for chaining
   */
  public Model compile(
      Object optimizer, List<?> losses, List<? extends Number> lossWeights, List<?> metrics) {
    Arguments.notNull("compile", "optimizer", optimizer);
    Arguments.elements("compile", "losses", losses);
    Arguments.notNull("compile", "lossWeights", lossWeights);
    Arguments.elements("compile", "metrics", metrics);
    Trainer t = Trainer.compile(this, optimizer, losses, metrics);
    List<Float> w = new ArrayList<>();
    for (Number x : lossWeights) {
      if (x == null || !Float.isFinite(x.floatValue()) || x.floatValue() < 0) {
        throw new IllegalArgumentException(
            "compile: loss weights must be finite and >= 0; Received: loss_weights=" + lossWeights);
      }
      w.add(x.floatValue());
    }
    t.lossWeights(w);
    this.trainer = t;
    return this;
  }

  private Trainer trainer() {
    if (trainer == null) {
      throw new IllegalStateException(
          "You must call compile() before using model \"" + name() + "\" for training");
    }
    return trainer;
  }

  /**
   * This compiled model's training step split between gradients and update, for data-parallel
   * trainers (graft-spark); {@code fit} does not need it.
   *
   * @return the step, sharing this model's weights and optimizer
   */
  public dev.graft.dsl.internal.GradientStep gradientStep() {
    return trainer().gradientStep();
  }

  /**
   * The optimizer given to {@link #compile}, or {@code null}.
   *
   * @return the optimizer, or {@code null} before {@code compile}
   */
  public Optimizer optimizer() {
    return trainer == null ? null : trainer.optimizer();
  }

  /**
   * Keras's {@code get_compile_config()}: what {@link #compile} was given, or {@code null}.
   *
   * @return a new map of Keras's keys, or {@code null} before {@code compile}
   */
  public Map<String, Object> compileConfig() {
    return trainer == null ? null : trainer.compileConfig();
  }

  /**
   * Trains for {@code epochs} epochs with batch size 32.
   *
   * @param x the input data, batch axis first
   * @param y the targets, batch axis first
   * @param epochs the number of epochs, at least 1
   * @return the loss and metrics of each epoch
   */
  public History fit(Tensor x, Tensor y, int epochs) {
    return fit(
        Arguments.one("fit", "x", x), Arguments.one("fit", "y", y), FitOptions.epochs(epochs));
  }

  /**
   * Trains a multi-input model for {@code epochs} epochs.
   *
   * @param x one tensor per model input, in input order, batch axis first
   * @param y the targets, batch axis first
   * @param epochs the number of epochs, at least 1
   * @return the loss and metrics of each epoch
   */
  public History fit(List<Tensor> x, Tensor y, int epochs) {
    return fit(x, Arguments.one("fit", "y", y), FitOptions.epochs(epochs));
  }

  /**
   * Trains with options ({@code epochs(5).batchSize(64).validationSplit(0.2)}).
   *
   * @param x the input data, batch axis first
   * @param y the targets, batch axis first
   * @param options the training settings, e.g. {@code epochs(5).batchSize(64)}
   * @return the loss and metrics of each epoch
   */
  public History fit(Tensor x, Tensor y, FitOptions options) {
    return fit(Arguments.one("fit", "x", x), Arguments.one("fit", "y", y), options);
  }

  /**
   * Trains a multi-input model with options.
   *
   * @param x one tensor per model input, in input order, batch axis first
   * @param y the targets, batch axis first
   * @param options the training settings, e.g. {@code epochs(5).batchSize(64)}
   * @return the loss and metrics of each epoch
   */
  public History fit(List<Tensor> x, Tensor y, FitOptions options) {
    return fit(x, Arguments.one("fit", "y", y), options);
  }

  /**
   * Trains a model with several inputs and outputs.
   *
   * @param x one tensor per model input, in input order, batch axis first
   * @param y one tensor per model output, in output order
   * @param options the training settings, e.g. {@code epochs(5).batchSize(64)}
   * @return the loss and metrics of each epoch
   */
  public History fit(List<Tensor> x, List<Tensor> y, FitOptions options) {
    Arguments.elements("fit", "x", x);
    Arguments.elements("fit", "y", y);
    Arguments.notNull("fit", "options", options);
    ensureTraced(x);
    List<Tensor> fed = Feeds.encode(this, x);
    return ExclusiveCall.call(this, "fit", () -> trainer().fit(fed, y, options));
  }

  /**
   * Trains a model whose inputs are given by name.
   *
   * @param x each input's name to its data
   * @param y the targets, batch axis first
   * @param options the training settings, e.g. {@code epochs(5).batchSize(64)}
   * @return the loss and metrics of each epoch
   */
  public History fit(Map<String, Tensor> x, Tensor y, FitOptions options) {
    Arguments.notNull("fit", "options", options);
    List<Tensor> targets = Arguments.one("fit", "y", y);
    return fit(byName("fit", x), targets, options);
  }

  /**
   * Trains on a {@link dev.graft.dsl.data.Dataset} of batches, each holding the inputs then the
   * targets, then optionally one loss weight per sample as Keras's {@code (x, y, sample_weight)}
   * ({@code Dataset.fromTensorSlices(x, y).shuffle(1024).batch(32).prefetch(2)}); the options'
   * batch size does not apply, {@code stepsPerEpoch} and {@code validationData(dataset)} do.
   *
   * @param data a dataset of batches: each element a tensor or a list of tensors, inputs first
   * @param options the training settings, e.g. {@code epochs(5).batchSize(64)}
   * @return the loss and metrics of each epoch
   */
  public History fit(dev.graft.dsl.data.Dataset<?> data, FitOptions options) {
    Arguments.notNull("fit", "data", data);
    Arguments.notNull("fit", "options", options);
    Trainer t = trainer();
    return ExclusiveCall.call(
        this,
        "fit",
        () ->
            t.withSharedMetrics(
                () ->
                    dev.graft.dsl.internal.DatasetLoop.fit(
                        this, t, data, options, this::ensureTraced)));
  }

  /**
   * Trains on a dataset of batches for {@code epochs} epochs.
   *
   * @param data a dataset of batches: each element a tensor or a list of tensors, inputs first
   * @param epochs the number of epochs, at least 1
   * @return the loss and metrics of each epoch
   */
  public History fit(dev.graft.dsl.data.Dataset<?> data, int epochs) {
    return fit(Arguments.notNull("fit", "data", data), FitOptions.epochs(epochs));
  }

  /**
   * The loss (and metrics) over a dataset of {@code (inputs..., targets...)} batches.
   *
   * @param data a dataset of batches: each element a tensor or a list of tensors, inputs first
   * @return the mean loss, then the loss of each output when there are several, then each metric,
   *     as {@link #metricsNames()} names them
   */
  public double[] evaluate(dev.graft.dsl.data.Dataset<?> data) {
    Arguments.notNull("evaluate", "data", data);
    return dev.graft.dsl.internal.DatasetLoop.evaluate(
        this, trainer(), data, null, this::ensureTraced);
  }

  /**
   * Predictions (first output) for a dataset of batches of inputs (targets after them are ignored),
   * concatenated.
   *
   * @param data a dataset of batches: each element a tensor or a list of tensors, inputs first
   * @return the first output's predictions, one row per sample
   */
  public Tensor predict(dev.graft.dsl.data.Dataset<?> data) {
    return predictOutputs(Arguments.notNull("predict", "data", data)).get(0);
  }

  /**
   * Predictions of every output for a dataset of batches, each concatenated.
   *
   * @param data a dataset of batches: each element a tensor or a list of tensors, inputs first
   * @return one tensor per output, one row per sample
   */
  public List<Tensor> predictOutputs(dev.graft.dsl.data.Dataset<?> data) {
    return dev.graft.dsl.internal.DatasetLoop.predict(
        this, Arguments.notNull("predictOutputs", "data", data), null);
  }

  /**
   * The loss (and metrics) on data; returns {@code [loss, metric...]}.
   *
   * @param x the input data, batch axis first
   * @param y the targets, batch axis first
   * @return the mean loss, then the loss of each output when there are several, then each metric,
   *     as {@link #metricsNames()} names them
   */
  public double[] evaluate(Tensor x, Tensor y) {
    return evaluate(Arguments.one("evaluate", "x", x), Arguments.one("evaluate", "y", y));
  }

  /**
   * The loss (and metrics) of a multi-input model.
   *
   * @param x one tensor per model input, in input order, batch axis first
   * @param y the targets, batch axis first
   * @return the mean loss, then the loss of each output when there are several, then each metric,
   *     as {@link #metricsNames()} names them
   */
  public double[] evaluate(List<Tensor> x, Tensor y) {
    return evaluate(x, Arguments.one("evaluate", "y", y));
  }

  /**
   * The loss (and metrics) of a model with several inputs and outputs.
   *
   * @param x one tensor per model input, in input order, batch axis first
   * @param y one tensor per model output, in output order
   * @return the mean loss, then the loss of each output when there are several, then each metric,
   *     as {@link #metricsNames()} names them
   */
  public double[] evaluate(List<Tensor> x, List<Tensor> y) {
    Arguments.elements("evaluate", "x", x);
    Arguments.elements("evaluate", "y", y);
    ensureTraced(x);
    x = Feeds.encode(this, x);
    return trainer().evaluate(x, y, 32);
  }

  /**
   * The named results of {@link #evaluate}: {@code loss}, then each metric.
   *
   * @return the names, in the order of {@link #evaluate}'s values
   */
  public List<String> metricsNames() {
    return trainer().metricNames();
  }

  /**
   * Predictions for {@code x}, in batches of 32.
   *
   * @param x the input data, batch axis first
   * @return the first output's predictions, one row per sample
   */
  public Tensor predict(Tensor x) {
    return predict(Arguments.one("predict", "x", x)).get(0);
  }

  /**
   * Predictions of a multi-input model (first output).
   *
   * @param x one tensor per model input, in input order, batch axis first
   * @return the first output's predictions, one row per sample
   */
  public Tensor predict(Tensor... x) {
    return predict(Arguments.all("predict", "x", x)).get(0);
  }

  /**
   * Predictions of every output. Safe to call from several threads at once.
   *
   * @param x one tensor per model input, in input order, batch axis first
   * @return one tensor per output, one row per sample
   */
  public List<Tensor> predict(List<Tensor> x) {
    return predict(x, 32);
  }

  /**
   * Predictions of every output, in batches of {@code batchSize}.
   *
   * @param x one tensor per model input, in input order, batch axis first
   * @param batchSize the rows per forward pass, at least 1
   * @return one tensor per output, one row per sample
   */
  public List<Tensor> predict(List<Tensor> x, int batchSize) {
    Arguments.elements("predict", "x", x);
    ensureTraced(x);
    x = Feeds.encode(this, x);
    return predictor().predict(x, batchSize);
  }

  private Predictor predictor() {
    Predictor p = predictor;
    if (p == null) {
      synchronized (this) {
        if (predictor == null) {
          predictor = new Predictor(this);
        }
        p = predictor;
      }
    }
    return p;
  }

  /**
   * Predictions of a model whose inputs are given by name.
   *
   * @param x each input's name to its data
   * @return one tensor per output, one row per sample
   */
  public List<Tensor> predict(Map<String, Tensor> x) {
    return predict(byName("predict", x));
  }

  /**
   * Predictions (first output) for raw inputs, one per model input: strings ({@code String[]} with
   * one string per sample, or {@code String[][]}) for inputs read by preprocessing layers such as
   * {@code TextVectorization}, tensors for the others. Keras's {@code model.predict([texts,
   * features])}.
   *
   * @param inputs one raw batch per model input
   * @return the first output's predictions, one row per sample
   */
  public Tensor predict(Object... inputs) {
    Arguments.all("predict", "inputs", inputs);
    return predictor().predict(encodeInputs(inputs), 32).get(0);
  }

  /**
   * Predictions (first output) of a model whose one input takes strings.
   *
   * @param texts one string per sample
   * @return the first output's predictions, one row per sample
   */
  public Tensor predict(String... texts) {
    return predict(new Object[] {Arguments.all("predict", "texts", texts).toArray(new String[0])});
  }

  /**
   * Trains on raw inputs (strings or tensors, one per model input; see {@link
   * #predict(Object...)}).
   *
   * @param x one raw batch per model input
   * @param y the targets, batch axis first
   * @param options the training settings, e.g. {@code epochs(5).batchSize(64)}
   * @return the loss and metrics of each epoch
   */
  public History fit(Object[] x, Tensor y, FitOptions options) {
    Arguments.all("fit", "x", x);
    Arguments.notNull("fit", "y", y);
    Arguments.notNull("fit", "options", options);
    List<Tensor> fed = encodeInputs(x);
    return ExclusiveCall.call(this, "fit", () -> trainer().fit(fed, List.of(y), options));
  }

  /**
   * Trains a model whose one input takes strings.
   *
   * @param x one string per sample
   * @param y the targets, batch axis first
   * @param options the training settings, e.g. {@code epochs(5).batchSize(64)}
   * @return the loss and metrics of each epoch
   */
  public History fit(String[] x, Tensor y, FitOptions options) {
    return fit(new Object[] {Arguments.all("fit", "x", x).toArray(new String[0])}, y, options);
  }

  /**
   * The loss and metrics on raw inputs (strings or tensors, one per model input).
   *
   * @param x one raw batch per model input
   * @param y the targets, batch axis first
   * @return the mean loss, then the loss of each output when there are several, then each metric,
   *     as {@link #metricsNames()} names them
   */
  public double[] evaluate(Object[] x, Tensor y) {
    Arguments.all("evaluate", "x", x);
    Arguments.notNull("evaluate", "y", y);
    return trainer().evaluate(encodeInputs(x), List.of(y), 32);
  }

  /**
   * The tensors the model's compiled plans are fed for raw inputs (one per model input): strings or
   * tensors run through the preprocessing layers that read each input. For {@code validationData}
   * and datasets of raw batches.
   *
   * @param x one raw batch per model input
   * @return one tensor per model input
   */
  public List<Tensor> encodeInputs(Object... x) {
    return Feeds.encode(this, Arguments.all("encodeInputs", "x", x));
  }

  /**
   * The shapes (batch {@code None}) of the tensors the compiled plans are fed: each input's shape,
   * or, for an input read by preprocessing layers, their output's.
   *
   * @return one shape per model input
   */
  public List<Shape> feedShapes() {
    return Feeds.shapes(this);
  }

  /**
   * One training step on one batch; returns {@code [loss, metric...]}.
   *
   * @param x one tensor per model input, in input order, batch axis first
   * @param y one tensor per model output, in output order
   * @return the mean loss, then the loss of each output when there are several, then each metric,
   *     as {@link #metricsNames()} names them, for this batch
   */
  public double[] trainOnBatch(List<Tensor> x, List<Tensor> y) {
    Arguments.elements("trainOnBatch", "x", x);
    Arguments.elements("trainOnBatch", "y", y);
    ensureTraced(x);
    List<Tensor> fed = Feeds.encode(this, x);
    return ExclusiveCall.call(this, "trainOnBatch", () -> trainer().trainOnBatch(fed, y));
  }

  /**
   * One training step on one batch of a single-input, single-output model.
   *
   * @param x the input data, batch axis first
   * @param y the targets, batch axis first
   * @return the mean loss, then the loss of each output when there are several, then each metric,
   *     as {@link #metricsNames()} names them, for this batch
   */
  public double[] trainOnBatch(Tensor x, Tensor y) {
    return trainOnBatch(
        Arguments.one("trainOnBatch", "x", x), Arguments.one("trainOnBatch", "y", y));
  }

  /**
   * The gradients of the compiled loss on one batch with respect to each trainable weight, keyed by
   * weight name ({@code "dense/kernel"}); the weights, the optimizer and the moving statistics are
   * left unchanged. The model runs in training mode, as in {@code fit}: Keras's {@code
   * tape.gradient(loss, model.trainable_weights)} around {@code model(x, training=True)}.
   *
   * @param x one tensor per model input, in input order, batch axis first
   * @param y one tensor per model output, in output order
   * @return each trainable weight's name to its gradient, shaped like the weight
   */
  public Map<String, Tensor> gradients(List<Tensor> x, List<Tensor> y) {
    return gradients(x, y, true);
  }

  /**
   * The gradients of the compiled loss (see above) with the model run in training mode ({@code
   * true}: dropout active, batch statistics) or inference mode ({@code false}: Keras's {@code
   * model(x, training=False)} under the tape). Calls made with a fixed mode ({@code on(x, false)})
   * keep it.
   *
   * @param x one tensor per model input, in input order, batch axis first
   * @param y one tensor per model output, in output order
   * @param training true for training mode, false for inference mode
   * @return each trainable weight's name to its gradient, shaped like the weight
   */
  public Map<String, Tensor> gradients(List<Tensor> x, List<Tensor> y, boolean training) {
    Arguments.elements("gradients", "x", x);
    Arguments.elements("gradients", "y", y);
    ensureTraced(x);
    List<Tensor> fed = Feeds.encode(this, x);
    return ExclusiveCall.call(this, "gradients", () -> trainer().gradients(fed, y, training));
  }

  /**
   * The gradients of the loss for a single-input, single-output model (see above).
   *
   * @param x the input data, batch axis first
   * @param y the targets, batch axis first
   * @return each trainable weight's name to its gradient, shaped like the weight
   */
  public Map<String, Tensor> gradients(Tensor x, Tensor y) {
    return gradients(Arguments.one("gradients", "x", x), Arguments.one("gradients", "y", y));
  }

  /**
   * The gradients of the loss for a single-input, single-output model in a chosen mode.
   *
   * @param x the input data, batch axis first
   * @param y the targets, batch axis first
   * @param training true for training mode, false for inference mode
   * @return each trainable weight's name to its gradient, shaped like the weight
   */
  public Map<String, Tensor> gradients(Tensor x, Tensor y, boolean training) {
    return gradients(
        Arguments.one("gradients", "x", x), Arguments.one("gradients", "y", y), training);
  }

  /**
   * Predictions for one batch.
   *
   * @param x one tensor per model input, in input order, batch axis first, one batch
   * @return one tensor per output
   */
  public List<Tensor> predictOnBatch(List<Tensor> x) {
    Arguments.elements("predictOnBatch", "x", x);
    return predict(x, x.isEmpty() ? 1 : x.get(0).shape().dim(0));
  }

  private void ensureTraced(List<Tensor> x) {
    if (graph == null) {
      synchronized (this) { // threads predicting at once trace a subclassed model once
        if (graph == null) {
          List<Shape> shapes = new ArrayList<>();
          for (Tensor t : x) {
            shapes.add(t.shape().withBatch(Shape.UNKNOWN));
          }
          ensureBuilt(shapes);
        }
      }
    }
  }

  private List<Tensor> byName(String method, Map<String, Tensor> x) {
    return ModelInputs.byName(name(), inputNames(), Arguments.notNull(method, "x", x));
  }

  // ---- saving ----

  /**
   * Saves architecture, weights, compile config and optimizer state as Keras 3's {@code .keras}
   * archive (atomically: a failed save keeps the previous file).
   *
   * @param file the {@code .keras} file
   * @throws dev.graft.dsl.io.ModelFileException naming the file and the problem
   */
  public void save(java.nio.file.Path file) {
    Arguments.notNull("save", "file", file);
    WeightsLock.reading(() -> dev.graft.dsl.io.ModelIO.save(this, file));
  }

  /**
   * Loads a model saved by {@link #save} or by Keras ({@code .keras}, legacy {@code .h5}), or a
   * TensorFlow.js {@code model.json}; the format is detected from the file's content.
   *
   * @param file the model file
   * @return the model with its weights, and its compile set-up when the file holds one
   * @throws dev.graft.dsl.io.ModelFileException naming the file and what is wrong with it
   */
  public static Model load(java.nio.file.Path file) {
    return dev.graft.dsl.io.ModelIO.load(Arguments.notNull("load", "file", file));
  }

  /**
   * Saves the weights only ({@code .weights.h5}); works for subclassed models too.
   *
   * @param file the {@code .weights.h5} file, replaced atomically
   */
  public void saveWeights(java.nio.file.Path file) {
    Arguments.notNull("saveWeights", "file", file);
    WeightsLock.reading(() -> dev.graft.dsl.io.ModelIO.saveWeights(this, file));
  }

  /**
   * Loads weights saved by {@link #saveWeights} (or held by a {@code .keras} archive or a {@code
   * model.json}) into this model (same architecture); nothing changes unless all of them fit.
   *
   * @param file the weights file
   * @throws dev.graft.dsl.io.ModelFileException naming the missing or mis-shaped weight
   */
  public void loadWeights(java.nio.file.Path file) {
    Arguments.notNull("loadWeights", "file", file);
    ExclusiveCall.run(this, "loadWeights", () -> dev.graft.dsl.io.ModelIO.loadWeights(this, file));
  }

  // ---- summary ----

  /**
   * Draws the model's graph to {@code path}: SVG for {@code .svg}, Graphviz DOT for {@code .dot}
   * (nested models as boxes around their layers, frozen parts dashed). Returns this.
   *
   * @param path the file; its extension chooses the format
   * @return this model, for chaining
   */
  public Model plot(String path) {
    java.nio.file.Path file = java.nio.file.Path.of(Arguments.notNull("plot", "path", path));
    dev.graft.dsl.plot.ModelPlot.write(Diagrams.of(this), file);
    return this;
  }

  /** Prints Keras's summary table to standard output. */
  public void summary() {
    System.out.print(summaryText(false));
  }

  /**
   * Prints the summary; with {@code expandNested}, nested models' layers too.
   *
   * @param expandNested true to list nested models' layers too
   */
  public void summary(boolean expandNested) {
    System.out.print(summaryText(expandNested));
  }

  /**
   * The summary table as text.
   *
   * @param expandNested true to list nested models' layers too
   * @return the table Keras's {@code summary()} prints
   */
  public String summaryText(boolean expandNested) {
    return Summary.of(this, expandNested);
  }
}
