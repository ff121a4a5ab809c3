package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.DropoutMask;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.RecurrentSequence;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Slice;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import dev.graft.tensor.recurrent.GateActivation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Base of Keras's recurrent layers ({@code LSTM}, {@code GRU} fused; {@code SimpleRNN}) on {@code
 * (batch, time, features)}: kernel ({@code glorot_uniform}), recurrent kernel ({@code orthogonal}),
 * bias (zeros), {@code return_sequences}, {@code go_backwards} and {@code return_state} (outputs
 * {@code [output, h, c]} for LSTM, {@code [output, h]} for GRU: use {@code onAll}). Activations are
 * Keras's defaults (tanh and sigmoid), which the fused kernels implement.
 */
public abstract class Recurrent extends Layer {
  /** The number of hidden units. */
  protected final int units;

  private boolean returnSequences;
  private boolean goBackwards;
  private boolean returnState;
  private Initializer kernelInitializer = Initializers.glorotUniform();
  private Initializer recurrentInitializer = Initializers.orthogonal(1f);
  private Regularizer kernelRegularizer;
  private Regularizer recurrentRegularizer;
  private Regularizer biasRegularizer;
  private GateActivation recurrentActivation = GateActivation.SIGMOID;
  private float dropout;
  private float recurrentDropout;

  /** The input kernel {@code (in, gates·u)}. */
  protected Variable kernel;

  /** The recurrent kernel {@code (u, gates·u)}. */
  protected Variable recurrentKernel;

  /** The bias. */
  protected Variable bias;

  Recurrent(String layer, int units) {
    checkArgument(units > 0, layer, "units", units);
    this.units = units;
  }

  /** Gates per unit. */
  abstract int gates();

  /** The bias shape and initializer. */
  abstract Shape biasShape();

  /** The bias's initial value (zeros unless a cell says otherwise). */
  Initializer biasInitializer() {
    return Initializers.zeros();
  }

  /** Final states the cell carries (LSTM: h and c; GRU and SimpleRNN: h). */
  int stateCount() {
    return 1;
  }

  /** A new, unbuilt layer of the same kind and kind-specific settings (GRU's reset_after). */
  abstract Recurrent newOfSameKind();

  /**
   * An unbuilt copy named {@code name} with the same settings, reading the sequence forwards or
   * backwards: how {@link Bidirectional} makes its two directions.
   */
  Recurrent copy(String name, boolean backwards) {
    Recurrent c = newOfSameKind();
    c.name(name);
    c.returnSequences = returnSequences;
    c.returnState = returnState;
    c.goBackwards = backwards;
    c.kernelInitializer = kernelInitializer;
    c.recurrentInitializer = recurrentInitializer;
    c.kernelRegularizer = kernelRegularizer;
    c.recurrentRegularizer = recurrentRegularizer;
    c.biasRegularizer = biasRegularizer;
    c.recurrentActivation = recurrentActivation;
    c.dropout = dropout;
    c.recurrentDropout = recurrentDropout;
    c.trainable(trainable());
    return c;
  }

  /**
   * Emits the layer's outputs: the output, then the states with {@code return_state}. {@code mask}
   * is Keras's step mask {@code (N, T)} or null: a masked step keeps the states and outputs the
   * carried state (Keras's {@code zero_output_for_mask=False}).
   */
  abstract List<Node> emitAll(Node x, Node w, Node u, Node b, Node mask);

  /**
   * Whether to output every step (default: only the last); returns this.
   *
   * @param value true for {@code (batch, steps, units)}, false for {@code (batch, units)}
   * @return this layer, for chaining
   */
  public Recurrent returnSequences(boolean value) {
    this.returnSequences = value;
    return this;
  }

  /**
   * Whether to also output the final states (Keras {@code return_state}): {@code [output, h, c]}
   * for LSTM, {@code [output, h]} for GRU; returns this.
   *
   * @param value true to output the final states after the output
   * @return this layer, for chaining
   */
  public Recurrent returnState(boolean value) {
    this.returnState = value;
    return this;
  }

  /**
   * Whether the output has every step.
   *
   * @return true if every step is output
   */
  public boolean returnSequences() {
    return returnSequences;
  }

  /**
   * Whether the sequence is read from the end.
   *
   * @return true if the last step is read first
   */
  public boolean goBackwards() {
    return goBackwards;
  }

  /**
   * Whether the final states are outputs too.
   *
   * @return true if the final states are output
   */
  public boolean returnState() {
    return returnState;
  }

  /**
   * Whether to read the sequence from the end; returns this.
   *
   * @param value true to read from the last step to the first
   * @return this layer, for chaining
   */
  public Recurrent goBackwards(boolean value) {
    this.goBackwards = value;
    return this;
  }

  /**
   * Checks that an activation is the one the fused kernel runs; returns this.
   *
   * @param name the activation's Keras name ({@code tanh} for LSTM and GRU)
   * @return this layer, for chaining
   * @throws IllegalArgumentException for any other activation
   */
  public Recurrent activation(String name) {
    checkArgument("tanh".equals(name), className(), "activation", name + " (only tanh is fused)");
    return this;
  }

  /**
   * Sets the gates' activation (Keras's {@code recurrent_activation}): {@code sigmoid} (default),
   * {@code hard_sigmoid} (Keras 3's {@code relu6(x + 3) / 6}) or {@code hard_sigmoid_keras2} (Keras
   * 2's and TensorFlow.js's {@code clip(0.2 x + 0.5, 0, 1)}, what {@code hard_sigmoid} means in
   * their files); returns this.
   *
   * @param name the gates' activation's Keras name
   * @return this layer, for chaining
   * @throws IllegalArgumentException for any other name, or for SimpleRNN (which has no gates)
   */
  public Recurrent recurrentActivation(String name) {
    GateActivation g = GateActivation.named(name);
    checkArgument(
        gates() > 1 && g != null,
        className(),
        "recurrent_activation",
        name
            + (gates() > 1
                ? " (the fused kernels run sigmoid, hard_sigmoid or hard_sigmoid_keras2)"
                : " (SimpleRNN has no recurrent activation)"));
    this.recurrentActivation = g;
    return this;
  }

  /** The gates' activation. */
  GateActivation gateActivation() {
    return recurrentActivation;
  }

  /**
   * Keras's {@code dropout}: in training, the inputs are multiplied by one dropout mask per batch
   * {@code (batch, features)}, the same at every step (zeros with probability {@code rate}, else
   * {@code 1 / (1 - rate)}); identity in inference. Returns this.
   *
   * @param rate the fraction of values dropped in training, in {@code [0, 1)}
   * @return this layer, for chaining
   * @throws IllegalArgumentException unless {@code 0 <= rate < 1}
   */
  public Recurrent dropout(double rate) {
    checkArgument(rate >= 0 && rate < 1, className(), "dropout", rate);
    this.dropout = (float) rate;
    return this;
  }

  /**
   * Keras's {@code recurrent_dropout}: in training, the state entering each gate's recurrent
   * product is multiplied by that gate's dropout mask {@code (batch, units)}, drawn once per batch
   * and the same at every step (as Keras 2 and Keras 3.8+); identity in inference. Returns this.
   *
   * @param rate the fraction of values dropped in training, in {@code [0, 1)}
   * @return this layer, for chaining
   * @throws IllegalArgumentException unless {@code 0 <= rate < 1}
   */
  public Recurrent recurrentDropout(double rate) {
    checkArgument(rate >= 0 && rate < 1, className(), "recurrent_dropout", rate);
    this.recurrentDropout = (float) rate;
    return this;
  }

  /**
   * The input dropout rate.
   *
   * @return the rate, in {@code [0, 1)}
   */
  public double dropout() {
    return dropout;
  }

  /**
   * The recurrent dropout rate.
   *
   * @return the rate, in {@code [0, 1)}
   */
  public double recurrentDropout() {
    return recurrentDropout;
  }

  /**
   * Sets the kernel initializer; returns this.
   *
   * @param init draws the input kernel's starting values when the layer is built
   * @return this layer, for chaining
   */
  public Recurrent kernelInitializer(Initializer init) {
    requireUnbuilt("kernel_initializer");
    this.kernelInitializer = init;
    return this;
  }

  /**
   * Sets the recurrent kernel initializer; returns this.
   *
   * @param init draws the recurrent kernel's starting values when the layer is built
   * @return this layer, for chaining
   */
  public Recurrent recurrentInitializer(Initializer init) {
    requireUnbuilt("recurrent_initializer");
    this.recurrentInitializer = init;
    return this;
  }

  /**
   * Adds penalties on the kernels and bias to the loss (any may be null); returns this.
   *
   * @param kernel the input kernel's penalty, or {@code null}
   * @param recurrent the recurrent kernel's penalty, or {@code null}
   * @param bias the bias's penalty, or {@code null}
   * @return this layer, for chaining
   */
  public Recurrent regularizers(Regularizer kernel, Regularizer recurrent, Regularizer bias) {
    requireUnbuilt("regularizers");
    this.kernelRegularizer = kernel;
    this.recurrentRegularizer = recurrent;
    this.biasRegularizer = bias;
    return this;
  }

  /**
   * The number of units.
   *
   * @return the size of the state and of each step's output
   */
  public int units() {
    return units;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    if (in.size() != 1) {
      throw new IllegalArgumentException(
          "Layer \"" + name() + "\" takes one input; it was called on " + in.size() + ": " + in);
    }
    Shape x = in.get(0);
    if (x.rank() != 3 || x.dim(2) == Shape.UNKNOWN) {
      throw incompatible(0, "rank 3 (batch, time, features) with known features", x);
    }
  }

  @Override
  protected void build(List<Shape> in) {
    int features = in.get(0).dim(2);
    int g = gates() * units;
    kernel = addWeight("kernel", Shape.of(features, g), kernelInitializer, true, kernelRegularizer);
    recurrentKernel =
        addWeight(
            "recurrent_kernel",
            Shape.of(units, g),
            recurrentInitializer,
            true,
            recurrentRegularizer);
    bias = addWeight("bias", biasShape(), biasInitializer(), true, biasRegularizer);
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    checkInputs(in);
    Shape x = in.get(0);
    int features = kernel.shape().dim(0);
    if (x.rank() != 3 || x.dim(2) != features) {
      throw incompatible(0, "rank 3 with " + features + " features", x);
    }
    Shape state = Shape.of(x.dim(0), units);
    List<Shape> out = new ArrayList<>();
    out.add(returnSequences ? Shape.of(x.dim(0), x.dim(1), units) : state);
    for (int i = 0; returnState && i < stateCount(); i++) {
      out.add(state);
    }
    return out;
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    return call(ctx, inputs, List.of());
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs, List<Node> masks) {
    Node x = inputs.get(0);
    Node mask = masks.isEmpty() ? null : masks.get(0);
    if (dropout > 0f) {
      int f = x.shape().dim(2);
      Node m = Reshape.of(DropoutMask.of(x, f, dropout), Shape.of(Shape.UNKNOWN, 1, f));
      x = Mul.of(x, m);
    }
    return emitAll(x, read(ctx, kernel), read(ctx, recurrentKernel), read(ctx, bias), mask);
  }

  /**
   * The state's dropout masks for this call, one {@code (batch, units)} block per gate side by side
   * (Keras 2 and Keras 3.8+ draw one per gate), or null without recurrent dropout.
   */
  Node recurrentDropoutMask(Node x) {
    return recurrentDropout > 0f ? DropoutMask.of(x, gates() * units, recurrentDropout) : null;
  }

  /** Keras's RNN {@code compute_mask}: the input's mask on a sequence output, none on states. */
  @Override
  protected List<Node> computeMask(CallContext ctx, List<Node> inputs, List<Node> masks, int outs) {
    List<Node> out = new ArrayList<>(java.util.Collections.nCopies(outs, (Node) null));
    if (returnSequences && !masks.isEmpty()) {
      out.set(0, masks.get(0));
    }
    return out;
  }

  /** The outputs of a fused op's node {@code y} (packed with the states for return_state). */
  List<Node> fusedOutputs(Node y, Node x) {
    return returnState ? unpackStates(y, x.shape().dim(1)) : List.of(y);
  }

  /** Slices the packed {@code [output | h | c]} rows into the layer's outputs. */
  private List<Node> unpackStates(Node packed, int time) {
    int width = RecurrentSequence.packedWidth(units, time, 0, returnSequences);
    List<Node> outs = new ArrayList<>();
    Node first = Slice.of(packed, 1, 0, width);
    outs.add(returnSequences ? Reshape.of(first, Shape.of(Shape.UNKNOWN, time, units)) : first);
    for (int i = 0; i < stateCount(); i++) {
      outs.add(Slice.of(packed, 1, width + i * units, units));
    }
    return outs;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("units", units);
    c.put("activation", "tanh");
    c.put("recurrent_activation", recurrentActivation.kerasName());
    c.put("use_bias", true);
    c.put("kernel_initializer", Configs.of(kernelInitializer));
    c.put("recurrent_initializer", Configs.of(recurrentInitializer));
    c.put("bias_initializer", Configs.of(Initializers.zeros()));
    c.put("kernel_regularizer", Configs.of(kernelRegularizer));
    c.put("recurrent_regularizer", Configs.of(recurrentRegularizer));
    c.put("bias_regularizer", Configs.of(biasRegularizer));
    c.put("dropout", (double) dropout);
    c.put("recurrent_dropout", (double) recurrentDropout);
    c.put("return_sequences", returnSequences);
    c.put("return_state", returnState);
    c.put("go_backwards", goBackwards);
    c.put("stateful", false);
    c.put("unroll", false);
    return c;
  }
}
