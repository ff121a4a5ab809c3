package dev.graft.dsl;

import dev.graft.autograd.Node;
import dev.graft.autograd.TrainingMode;
import dev.graft.autograd.Variable;
import dev.graft.layers.CallContext;
import dev.graft.layers.Initializer;
import dev.graft.layers.NameScope;
import dev.graft.layers.Regularizer;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Keras layer: validates its arguments when constructed, creates its weights in {@link #build}
 * the first time it is called, infers output shapes in {@link #outputShapes}, and emits graph IR in
 * {@link #call}. Calling it on symbolic tensors with {@link #on} records a {@link LayerCall};
 * calling the same layer object again shares its weights.
 *
 * <pre>{@code
 * jshell> var x = input(16);
 * jshell> dense(8).activation("relu").on(x)
 * $2 ==> <SymbolicTensor shape=(None, 8), name=dense>
 * }</pre>
 *
 * <p>This class is declared by the {@code layers} module in the {@code dev.graft.dsl} package so
 * that every layer class can extend it and users find it with one import beside the DSL.
 */
public abstract class Layer {
  private String name;
  private boolean trainable = true;
  private boolean built;
  private List<Shape> builtShapes;
  private Shape declaredInputShape;
  private final List<Weight> weights = new ArrayList<>();
  private final List<LayerCall> calls = new ArrayList<>();

  /** A weight of this layer and how it was declared. */
  public record Weight(Variable variable, boolean trainableByDesign, Regularizer regularizer) {}

  /**
   * Keras's class name, e.g. {@code Dense} (used in summaries and saved configs).
   *
   * @return the Keras class name of this layer's type
   */
  public String className() {
    return getClass().getSimpleName();
  }

  /**
   * The name, given or automatic ({@code dense}, {@code dense_1}, ...).
   *
   * @return the layer's name, unique among the layers made in this JVM unless given
   */
  public String name() {
    if (name == null) {
      name = NameScope.unique(NameScope.snakeCase(className()));
    }
    return name;
  }

  /**
   * Names this layer; returns this.
   *
   * @param newName the new name, which weights and summaries use
   * @return this layer, for chaining
   * @throws IllegalStateException once the layer has weights (they are named after it)
   */
  public Layer name(String newName) {
    if (newName == null || newName.isBlank() || newName.contains("/")) {
      throw new IllegalArgumentException(
          "A layer name must be non-empty and contain no '/'; Received: name=" + newName);
    }
    if (built && !weights.isEmpty() && !newName.equals(name)) {
      throw new IllegalStateException(
          "Layer \"" + name() + "\" is built: rename it before its first call");
    }
    this.name = newName;
    return this;
  }

  /**
   * Whether {@code fit} updates this layer's weights.
   *
   * @return false once {@link #trainable(boolean)} froze the layer
   */
  public boolean trainable() {
    return trainable;
  }

  /**
   * Freezes ({@code false}) or unfreezes this layer's weights; weights that are never trainable
   * (moving statistics) stay frozen. Returns this. As in Keras, a frozen BatchNormalization also
   * runs in inference mode; other layers keep the run's mode (see {@link #on(SymbolicTensor,
   * boolean)} to fix it for a call).
   *
   * @param value false to freeze, true to unfreeze
   * @return this layer, for chaining
   */
  public Layer trainable(boolean value) {
    this.trainable = value;
    for (Weight w : weights) {
      w.variable().trainable(value && w.trainableByDesign());
    }
    return this;
  }

  /**
   * Declares the input shape without the batch, as Keras's {@code input_shape}; returns this.
   *
   * @param dims the sizes of the input's axes after the batch
   * @return this layer, for chaining
   */
  public Layer inputShape(int... dims) {
    this.declaredInputShape = Shape.batched(dims);
    return this;
  }

  /**
   * The declared input shape with the batch ({@code None}), or {@code null}.
   *
   * @return the shape with an unknown batch axis first, or {@code null} if none was declared
   */
  public Shape declaredInputShape() {
    return declaredInputShape;
  }

  /**
   * Calls this layer on one or more inputs; returns its single output.
   *
   * @param inputs the symbolic inputs, one per input the layer takes
   * @return the single output; a layer with several outputs throws (use {@link #onAll(List)})
   */
  public final SymbolicTensor on(SymbolicTensor... inputs) {
    return single(onAll(List.of(inputs)));
  }

  /**
   * Calls this layer on a list of inputs; returns its single output.
   *
   * @param inputs the symbolic inputs, one per input the layer takes
   * @return the single output; a layer with several outputs throws (use {@link #onAll(List)})
   */
  public final SymbolicTensor on(List<SymbolicTensor> inputs) {
    return single(onAll(inputs));
  }

  private SymbolicTensor single(List<SymbolicTensor> outs) {
    if (outs.size() != 1) {
      throw new IllegalStateException(
          "Layer \"" + name() + "\" has " + outs.size() + " outputs; use onAll(...) to get them");
    }
    return outs.get(0);
  }

  /**
   * Calls this layer; returns all its outputs (e.g. an LSTM's sequence and states).
   *
   * @param inputs the symbolic inputs, one per input the layer takes
   * @return every output, in the layer's order
   */
  public final List<SymbolicTensor> onAll(List<SymbolicTensor> inputs) {
    return onAll(inputs, TrainingMode.FOLLOW_PLAN);
  }

  /**
   * Calls this layer with Keras's {@code training=} argument: {@code false} runs this call (a
   * model's every layer, nested ones included) in inference mode whatever {@code fit} does (dropout
   * off, BatchNormalization with its moving statistics, which it then does not update), {@code
   * true} always in training mode. Keras's {@code base_model(x, training=False)}, the way to keep a
   * pre-trained backbone's batch normalisation in inference mode while fine-tuning it:
   *
   * <pre>{@code
   * jshell> base.trainable(false);
   * jshell> var features = base.on(x, false);
   * }</pre>
   *
   * <p>It is recorded with the call, so it is saved and loaded with the model.
   *
   * @param input the symbolic input
   * @param training false to run in inference mode, true to run in training mode
   * @return the single output
   */
  public final SymbolicTensor on(SymbolicTensor input, boolean training) {
    return on(List.of(input), training);
  }

  /**
   * Calls this layer on a list of inputs with Keras's {@code training=} argument (see above).
   *
   * @param inputs the symbolic inputs
   * @param training false to run in inference mode, true to run in training mode
   * @return the single output
   */
  public final SymbolicTensor on(List<SymbolicTensor> inputs, boolean training) {
    return single(onAll(inputs, training));
  }

  /**
   * Calls this layer with Keras's {@code training=} argument; returns all its outputs.
   *
   * @param inputs the symbolic inputs
   * @param training false to run in inference mode, true to run in training mode
   * @return every output, in the layer's order
   */
  public final List<SymbolicTensor> onAll(List<SymbolicTensor> inputs, boolean training) {
    return onAll(inputs, training ? TrainingMode.TRAINING : TrainingMode.INFERENCE);
  }

  /**
   * Calls this layer in {@code mode} ({@link TrainingMode#FOLLOW_PLAN}: no {@code training=}
   * argument); returns all its outputs. Loaders use it to replay a saved call.
   *
   * @param inputs the symbolic inputs
   * @param mode the call's training mode
   * @return every output, in the layer's order
   */
  public final List<SymbolicTensor> onAll(List<SymbolicTensor> inputs, TrainingMode mode) {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("Layer \"" + name() + "\" was called with no inputs");
    }
    return record(inputs, mode);
  }

  /**
   * Records this layer's call with no inputs: how an input layer makes its tensor.
   *
   * @return the output tensor of the recorded call
   */
  protected final SymbolicTensor sourceOutput() {
    return single(record(List.of(), TrainingMode.FOLLOW_PLAN));
  }

  private List<SymbolicTensor> record(List<SymbolicTensor> inputs, TrainingMode mode) {
    List<Shape> shapes = new ArrayList<>();
    for (SymbolicTensor t : inputs) {
      shapes.add(t.shape());
    }
    ensureBuilt(shapes);
    List<Shape> outs = outputShapes(shapes);
    LayerCall call = new LayerCall(this, inputs, outs, calls.size(), mode);
    calls.add(call);
    return call.outputs();
  }

  /**
   * Builds this layer for the given input shapes if it is not built yet.
   *
   * @param inputShapes the shapes of the inputs, batch axis first
   */
  public final void ensureBuilt(List<Shape> inputShapes) {
    if (!built) {
      checkInputs(inputShapes);
      build(inputShapes);
      built = true;
      builtShapes = List.copyOf(inputShapes);
    }
  }

  /**
   * Fails if the layer is built: settings that shape its weights must come before its first call.
   *
   * @param setting the setting's name, for the error message
   */
  protected final void requireUnbuilt(String setting) {
    if (built) {
      throw new IllegalStateException(
          "Layer \"" + name() + "\" is already built; set " + setting + " before calling it");
    }
  }

  /**
   * True once the layer has created its weights.
   *
   * @return true once {@link #build} has run
   */
  public boolean built() {
    return built;
  }

  /**
   * The input shapes the layer was built for, or {@code null}.
   *
   * @return the shapes given to {@link #build}, or {@code null} before it ran
   */
  public List<Shape> builtInputShapes() {
    return builtShapes;
  }

  /**
   * The recorded calls of this layer (Keras's inbound nodes), oldest first.
   *
   * @return the calls, unmodifiable
   */
  public List<LayerCall> calls() {
    return Collections.unmodifiableList(calls);
  }

  /**
   * Checks the input shapes before building; the message names the layer and the shapes (see {@link
   * #incompatible}). The default accepts anything.
   *
   * @param inputShapes the shapes of the inputs, batch axis first
   */
  protected void checkInputs(List<Shape> inputShapes) {}

  /**
   * Creates the weights for these input shapes with {@link #addWeight}.
   *
   * @param inputShapes the shapes of the inputs, batch axis first
   */
  protected void build(List<Shape> inputShapes) {}

  /**
   * The output shapes for these input shapes, checking them against the built weights.
   *
   * @param inputShapes the shapes of the inputs, batch axis first, {@code Shape.UNKNOWN} where
   *     unknown
   * @return one shape per output
   * @throws IllegalArgumentException naming the layer and the shapes when they are incompatible
   */
  public abstract List<Shape> outputShapes(List<Shape> inputShapes);

  /**
   * Emits this layer's computation into {@code ctx}'s graph; returns one node per output.
   *
   * @param ctx where the nodes go, and where losses and updates are registered
   * @param inputs one node per input, shaped as {@link #outputShapes} was told
   * @return one node per output
   */
  public abstract List<Node> call(CallContext ctx, List<Node> inputs);

  /**
   * A layer's emitted outputs, one node per output, and each output's Keras mask: a node holding 1
   * for a kept step and 0 for a masked one, or {@code null} when the output has no mask.
   */
  public record Emitted(List<Node> outputs, List<Node> masks) {}

  /**
   * Emits this layer given its inputs' masks ({@code null} where an input has none; Keras's {@code
   * mask} argument) and returns its outputs with their masks (Keras's {@code compute_mask}). Models
   * use this to carry masks from {@code Embedding(mask_zero)} or {@code Masking} to the layers that
   * read them.
   *
   * @param ctx where the nodes go
   * @param inputs one node per input
   * @param masks one mask node per input, or {@code null} entries
   * @return the output nodes and one mask (or {@code null}) per output
   */
  public Emitted callMasked(CallContext ctx, List<Node> inputs, List<Node> masks) {
    boolean any = false;
    for (Node m : masks) {
      any |= m != null;
    }
    List<Node> outs = any ? call(ctx, inputs, masks) : call(ctx, inputs);
    return new Emitted(outs, computeMask(ctx, inputs, masks, outs.size()));
  }

  /**
   * Emits this layer on inputs some of which carry a mask. The default ignores the masks: layers
   * that read them (recurrent layers, pooling over time) override this.
   *
   * @param ctx where the nodes go
   * @param inputs one node per input
   * @param masks one mask node per input, or {@code null} entries
   * @return one node per output
   */
  public List<Node> call(CallContext ctx, List<Node> inputs, List<Node> masks) {
    return call(ctx, inputs);
  }

  /**
   * Keras's {@code supports_masking}: whether an input's mask passes through this layer to its
   * outputs unchanged (element-wise layers, {@code Dense}, {@code Dropout}, ...). False by default:
   * the mask is dropped, as Keras drops it for layers that do not support masking.
   *
   * @return false by default
   */
  protected boolean supportsMasking() {
    return false;
  }

  /**
   * Keras's {@code compute_mask}: each output's mask given the inputs and their masks ({@code null}
   * = none). The default gives every output the first input's mask when the layer {@link
   * #supportsMasking}, and no masks otherwise.
   *
   * @param ctx where the nodes go
   * @param inputs one node per input
   * @param masks one mask node per input, or {@code null} entries
   * @param outs the number of outputs
   * @return {@code outs} masks, {@code null} where an output has none
   */
  protected List<Node> computeMask(CallContext ctx, List<Node> inputs, List<Node> masks, int outs) {
    Node m = supportsMasking() && !masks.isEmpty() ? masks.get(0) : null;
    return Collections.nCopies(outs, m);
  }

  /**
   * Creates a weight named {@code <layer>/<weightName>} with a value from {@code init}.
   *
   * @param trainable false for statistics that gradients never update (moving mean, ...)
   * @param weightName the name after the layer's, e.g. {@code kernel}
   * @param shape the weight's shape
   * @param init draws the starting value
   * @param reg the weight's penalty, or {@code null} for none
   * @return the new variable, also listed by {@link #weights()}
   */
  protected final Variable addWeight(
      String weightName, Shape shape, Initializer init, boolean trainable, Regularizer reg) {
    dev.graft.layers.WeightBudget.check(name(), className(), weightName, shape);
    Tensor value = init.create(shape, Rng.global());
    Variable v = new Variable(name() + "/" + weightName, value, trainable && this.trainable);
    weights.add(new Weight(v, trainable, reg));
    return v;
  }

  /**
   * Reads weight {@code v} and adds its penalty, if it has a regularizer, to the loss.
   *
   * @param ctx where the nodes go
   * @param v one of this layer's weights
   * @return the node reading {@code v}
   */
  protected final Node read(CallContext ctx, Variable v) {
    Node n = ctx.read(v);
    for (Weight w : weights) {
      if (w.variable() == v && w.regularizer() != null) {
        ctx.addLoss(w.regularizer().penalty(n));
      }
    }
    return n;
  }

  /**
   * All weights in creation order (Keras's {@code weights}).
   *
   * @return the weights, unmodifiable
   */
  public List<Variable> weights() {
    List<Variable> out = new ArrayList<>();
    for (Weight w : weights) {
      out.add(w.variable());
    }
    return out;
  }

  /**
   * The weights with their declarations.
   *
   * @return each weight with its initializer, regularizer and trainability, in creation order
   */
  public List<Weight> weightDeclarations() {
    return Collections.unmodifiableList(weights);
  }

  /**
   * The weights that {@code fit} updates.
   *
   * @return the trainable weights of a trainable layer, else none
   */
  public List<Variable> trainableWeights() {
    return weights().stream().filter(Variable::trainable).toList();
  }

  /**
   * The weights that {@code fit} leaves alone.
   *
   * @return the weights not trained: frozen ones and statistics
   */
  public List<Variable> nonTrainableWeights() {
    return weights().stream().filter(v -> !v.trainable()).toList();
  }

  /**
   * The number of scalars in all weights.
   *
   * @return the total number of weight elements
   */
  public long countParams() {
    long n = 0;
    for (Variable v : weights()) {
      n += v.shape().size();
    }
    return n;
  }

  /**
   * Copies of the weight values, in {@link #weights()} order (Keras's {@code get_weights}).
   *
   * @return new tensors, one per weight
   */
  public List<Tensor> getWeights() {
    return weights().stream().map(v -> v.value().copy()).toList();
  }

  /**
   * Sets the weight values, in {@link #weights()} order; nothing changes unless all fit.
   *
   * @param values one tensor per weight, of its shape
   * @throws IllegalArgumentException naming the weight and both shapes on a mismatch
   */
  public void setWeights(List<Tensor> values) {
    List<Variable> vs = weights();
    if (values.size() != vs.size()) {
      throw new IllegalArgumentException(
          "Layer \""
              + name()
              + "\" has "
              + vs.size()
              + " weights but "
              + values.size()
              + " values were given");
    }
    for (int i = 0; i < vs.size(); i++) {
      if (!values.get(i).shape().equals(vs.get(i).shape())) {
        throw new IllegalArgumentException(
            "Layer \""
                + name()
                + "\": weight "
                + vs.get(i).name()
                + " has shape "
                + vs.get(i).shape()
                + " but the value has shape "
                + values.get(i).shape());
      }
    }
    for (int i = 0; i < vs.size(); i++) {
      vs.get(i).assign(values.get(i));
    }
  }

  /**
   * Keras's {@code get_config()}: the arguments that rebuild this layer.
   *
   * @return a new mutable map of Keras config keys to JSON-ready values
   */
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name());
    c.put("trainable", trainable);
    c.put("dtype", "float32");
    return c;
  }

  /**
   * The error for an incompatible input: {@code Input 0 of layer "dense_2" is incompatible:
   * expected last axis 128, got shape (None, 64)}.
   *
   * @param input the index of the input
   * @param expected what the layer needs, in words
   * @param got the shape it received
   * @return the exception to throw
   */
  protected IllegalArgumentException incompatible(int input, String expected, Shape got) {
    return new IllegalArgumentException(
        "Input "
            + input
            + " of layer \""
            + name()
            + "\" is incompatible: expected "
            + expected
            + ", got shape "
            + got);
  }

  /**
   * Checks a constructor argument: {@code Invalid value for argument units of Dense: Received:
   * units=-1}.
   *
   * @param ok the check's result; false throws
   * @param layer the Keras class name
   * @param argument the argument's Keras name
   * @param value the value received
   */
  protected static void checkArgument(boolean ok, String layer, String argument, Object value) {
    if (!ok) {
      throw new IllegalArgumentException(
          "Invalid value for argument "
              + argument
              + " of "
              + layer
              + ". Received: "
              + argument
              + "="
              + value);
    }
  }

  @Override
  public String toString() {
    return "<" + className() + " name=" + name() + ", built=" + built + ">";
  }
}
