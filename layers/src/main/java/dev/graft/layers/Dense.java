package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.MatMul;
import dev.graft.dsl.Activation;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Dense}: {@code activation(x · kernel + bias)} on the last axis, kernel {@code (in,
 * units)} initialised {@code glorot_uniform}, bias {@code (units)} zeros.
 */
public final class Dense extends Layer {
  private final int units;
  private Activation activation = Activation.LINEAR;
  private boolean useBias = true;
  private Initializer kernelInitializer = Initializers.glorotUniform();
  private Initializer biasInitializer = Initializers.zeros();
  private Regularizer kernelRegularizer;
  private Regularizer biasRegularizer;
  private Variable kernel;
  private Variable bias;

  /**
   * A dense layer with {@code units} outputs.
   *
   * @param units the size of the output's last axis
   * @throws IllegalArgumentException if {@code units <= 0}
   */
  public Dense(int units) {
    checkArgument(units > 0, "Dense", "units", units);
    this.units = units;
  }

  /**
   * Sets the activation by Keras name; returns this.
   *
   * @param name a Keras activation name such as {@code relu} or {@code softmax}; {@code null} or
   *     {@code linear} for none
   * @return this layer, for chaining
   */
  public Dense activation(String name) {
    return activation(Activation.of(name));
  }

  /**
   * Sets the activation; returns this.
   *
   * @param a the activation applied to the output, {@link dev.graft.dsl.Activation#LINEAR} for none
   * @return this layer, for chaining
   */
  public Dense activation(Activation a) {
    this.activation = a;
    return this;
  }

  /**
   * Whether to add a bias (default true); returns this.
   *
   * @param value false to build the layer without a bias weight
   * @return this layer, for chaining
   */
  public Dense useBias(boolean value) {
    requireUnbuilt("use_bias");
    this.useBias = value;
    return this;
  }

  /**
   * Sets the kernel initializer; returns this.
   *
   * @param init draws the kernel's starting values when the layer is built (see {@link
   *     Initializers})
   * @return this layer, for chaining
   */
  public Dense kernelInitializer(Initializer init) {
    requireUnbuilt("kernel_initializer");
    this.kernelInitializer = init;
    return this;
  }

  /**
   * Sets the kernel initializer by Keras name; returns this.
   *
   * @param name a Keras initializer name such as {@code glorot_uniform} or {@code he_normal}
   * @return this layer, for chaining
   */
  public Dense kernelInitializer(String name) {
    return kernelInitializer(Initializers.of(name));
  }

  /**
   * Sets the bias initializer; returns this.
   *
   * @param init draws the bias's starting values when the layer is built (see {@link Initializers})
   * @return this layer, for chaining
   */
  public Dense biasInitializer(Initializer init) {
    requireUnbuilt("bias_initializer");
    this.biasInitializer = init;
    return this;
  }

  /**
   * Adds a penalty on the kernel to the loss; returns this.
   *
   * @param reg the kernel's penalty, added to the training loss at each step
   * @return this layer, for chaining
   */
  public Dense kernelRegularizer(Regularizer reg) {
    requireUnbuilt("kernel_regularizer");
    this.kernelRegularizer = reg;
    return this;
  }

  /**
   * Adds a penalty on the bias to the loss; returns this.
   *
   * @param reg the bias's penalty, added to the training loss at each step
   * @return this layer, for chaining
   */
  public Dense biasRegularizer(Regularizer reg) {
    requireUnbuilt("bias_regularizer");
    this.biasRegularizer = reg;
    return this;
  }

  /**
   * The number of outputs.
   *
   * @return the size of the output's last axis
   */
  public int units() {
    return units;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    if (in.size() != 1 || in.get(0).rank() < 2 || in.get(0).dim(-1) == Shape.UNKNOWN) {
      throw incompatible(0, "one input of rank >= 2 with a known last axis", in.get(0));
    }
  }

  @Override
  protected void build(List<Shape> in) {
    int inDim = in.get(0).dim(-1);
    kernel =
        addWeight("kernel", Shape.of(inDim, units), kernelInitializer, true, kernelRegularizer);
    if (useBias) {
      bias = addWeight("bias", Shape.of(units), biasInitializer, true, biasRegularizer);
    }
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    Shape x = in.get(0);
    int want = kernel.shape().dim(0);
    if (in.size() != 1 || x.rank() < 2 || x.dim(-1) != want) {
      throw incompatible(0, "last axis " + want, x);
    }
    return List.of(x.withDim(-1, units));
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    Node y = MatMul.of(inputs.get(0), read(ctx, kernel));
    if (useBias) {
      y = Add.of(y, read(ctx, bias));
    }
    return List.of(activation.apply(y));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("units", units);
    c.put("activation", activation.kerasName());
    c.put("use_bias", useBias);
    c.put("kernel_initializer", Configs.of(kernelInitializer));
    c.put("bias_initializer", Configs.of(biasInitializer));
    c.put("kernel_regularizer", Configs.of(kernelRegularizer));
    c.put("bias_regularizer", Configs.of(biasRegularizer));
    c.put("kernel_constraint", null);
    c.put("bias_constraint", null);
    return c;
  }

  /** Keras's {@code supports_masking}: an input's mask passes through to the output. */
  @Override
  protected boolean supportsMasking() {
    return true;
  }
}
