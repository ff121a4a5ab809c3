package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.dsl.Activation;
import dev.graft.tensor.Shape;
import dev.graft.tensor.conv.ConvGeometry;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Conv2D} on channels-last images: kernel {@code (kh, kw, in, filters)} ({@code
 * glorot_uniform}), bias {@code (filters)} (zeros), strides, dilation, {@code valid} (default) or
 * {@code same} padding, and an activation.
 */
public final class Conv2D extends SingleInput {
  private final int filters;
  private final int[] kernelSize;
  private int[] strides = {1, 1};
  private int[] dilation = {1, 1};
  private ConvGeometry.Padding padding = ConvGeometry.Padding.VALID;
  private Activation activation = Activation.LINEAR;
  private boolean useBias = true;
  private Initializer kernelInitializer = Initializers.glorotUniform();
  private Initializer biasInitializer = Initializers.zeros();
  private Regularizer kernelRegularizer;
  private Regularizer biasRegularizer;
  private Variable kernel;
  private Variable bias;

  /**
   * {@code filters} filters of size {@code (kh, kw)}.
   *
   * @param filters the number of output channels
   * @param kh the window's height
   * @param kw the window's width
   * @throws IllegalArgumentException for non-positive sizes
   */
  public Conv2D(int filters, int kh, int kw) {
    checkArgument(filters > 0, "Conv2D", "filters", filters);
    checkArgument(kh > 0 && kw > 0, "Conv2D", "kernel_size", "(" + kh + ", " + kw + ")");
    this.filters = filters;
    this.kernelSize = new int[] {kh, kw};
  }

  /**
   * Square kernels of size {@code k}.
   *
   * @param filters the number of output channels
   * @param k the window's height and width
   */
  public Conv2D(int filters, int k) {
    this(filters, k, k);
  }

  /**
   * Strides (default 1); returns this.
   *
   * @param sh the row stride, at least 1
   * @param sw the column stride, at least 1
   * @return this layer, for chaining
   */
  public Conv2D strides(int sh, int sw) {
    checkArgument(sh > 0 && sw > 0, "Conv2D", "strides", "(" + sh + ", " + sw + ")");
    requireUnbuilt("strides");
    this.strides = new int[] {sh, sw};
    return this;
  }

  /**
   * Equal strides; returns this.
   *
   * @param s the row and column stride, at least 1
   * @return this layer, for chaining
   */
  public Conv2D strides(int s) {
    return strides(s, s);
  }

  /**
   * Dilation rate (default 1); returns this.
   *
   * @param dh the row dilation, at least 1
   * @param dw the column dilation, at least 1
   * @return this layer, for chaining
   */
  public Conv2D dilationRate(int dh, int dw) {
    checkArgument(dh > 0 && dw > 0, "Conv2D", "dilation_rate", "(" + dh + ", " + dw + ")");
    requireUnbuilt("dilation_rate");
    this.dilation = new int[] {dh, dw};
    return this;
  }

  /**
   * {@code "valid"} (default) or {@code "same"}; returns this.
   *
   * @param p {@code "valid"} (no padding) or {@code "same"} (output size {@code ceil(input /
   *     stride)}), case-insensitive
   * @return this layer, for chaining
   */
  public Conv2D padding(String p) {
    return padding(ConvGeometry.Padding.parse(p));
  }

  /**
   * The padding; returns this.
   *
   * @param p {@code VALID} or {@code SAME}
   * @return this layer, for chaining
   */
  public Conv2D padding(ConvGeometry.Padding p) {
    requireUnbuilt("padding");
    this.padding = p;
    return this;
  }

  /**
   * Sets the activation by Keras name; returns this.
   *
   * @param name a Keras activation name such as {@code relu} or {@code softmax}; {@code null} or
   *     {@code linear} for none
   * @return this layer, for chaining
   */
  public Conv2D activation(String name) {
    return activation(Activation.of(name));
  }

  /**
   * Sets the activation; returns this.
   *
   * @param a the activation applied to the output, {@link dev.graft.dsl.Activation#LINEAR} for none
   * @return this layer, for chaining
   */
  public Conv2D activation(Activation a) {
    this.activation = a;
    return this;
  }

  /**
   * Whether to add a bias (default true); returns this.
   *
   * @param value false to build the layer without a bias weight
   * @return this layer, for chaining
   */
  public Conv2D useBias(boolean value) {
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
  public Conv2D kernelInitializer(Initializer init) {
    requireUnbuilt("kernel_initializer");
    this.kernelInitializer = init;
    return this;
  }

  /**
   * Sets the bias initializer; returns this.
   *
   * @param init draws the bias's starting values when the layer is built (see {@link Initializers})
   * @return this layer, for chaining
   */
  public Conv2D biasInitializer(Initializer init) {
    requireUnbuilt("bias_initializer");
    this.biasInitializer = init;
    return this;
  }

  /**
   * Adds a kernel penalty to the loss; returns this.
   *
   * @param reg the kernel's penalty, added to the training loss at each step
   * @return this layer, for chaining
   */
  public Conv2D kernelRegularizer(Regularizer reg) {
    requireUnbuilt("kernel_regularizer");
    this.kernelRegularizer = reg;
    return this;
  }

  /**
   * Adds a bias penalty to the loss; returns this.
   *
   * @param reg the bias's penalty, added to the training loss at each step
   * @return this layer, for chaining
   */
  public Conv2D biasRegularizer(Regularizer reg) {
    requireUnbuilt("bias_regularizer");
    this.biasRegularizer = reg;
    return this;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    Shape x = in.get(0);
    if (x.rank() != 4 || x.dim(3) == Shape.UNKNOWN) {
      throw incompatible(0, "rank 4 (batch, height, width, channels)", x);
    }
  }

  @Override
  protected void build(List<Shape> in) {
    int channels = in.get(0).dim(3);
    kernel =
        addWeight(
            "kernel",
            Shape.of(kernelSize[0], kernelSize[1], channels, filters),
            kernelInitializer,
            true,
            kernelRegularizer);
    if (useBias) {
      bias = addWeight("bias", Shape.of(filters), biasInitializer, true, biasRegularizer);
    }
  }

  @Override
  protected Shape outputShape(Shape x) {
    int channels = kernel.shape().dim(2);
    if (x.rank() != 4 || x.dim(3) != channels) {
      throw incompatible(0, "rank 4 with " + channels + " channels", x);
    }
    ConvGeometry g;
    try {
      g =
          ConvGeometry.forInput(
              UnknownDims.assumeKnown(x),
              kernelSize[0],
              kernelSize[1],
              strides[0],
              strides[1],
              dilation[0],
              dilation[1],
              padding);
    } catch (IllegalArgumentException e) {
      throw incompatible(0, "an image at least as large as the kernel (" + e.getMessage() + ")", x);
    }
    return UnknownDims.keepUnknown(x, Shape.of(x.dim(0), g.outH(), g.outW(), filters));
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Node y =
        dev.graft.autograd.ops.Conv2D.of(
            x, read(ctx, kernel), useBias ? read(ctx, bias) : null, strides, dilation, padding);
    return activation.apply(y);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("filters", filters);
    c.put("kernel_size", kernelSize.clone());
    c.put("strides", strides.clone());
    c.put("padding", padding.name().toLowerCase(java.util.Locale.ROOT));
    c.put("data_format", "channels_last");
    c.put("dilation_rate", dilation.clone());
    c.put("groups", 1);
    c.put("activation", activation.kerasName());
    c.put("use_bias", useBias);
    c.put("kernel_initializer", Configs.of(kernelInitializer));
    c.put("bias_initializer", Configs.of(biasInitializer));
    c.put("kernel_regularizer", Configs.of(kernelRegularizer));
    c.put("bias_regularizer", Configs.of(biasRegularizer));
    c.put("activity_regularizer", null);
    c.put("kernel_constraint", null);
    c.put("bias_constraint", null);
    return c;
  }
}
