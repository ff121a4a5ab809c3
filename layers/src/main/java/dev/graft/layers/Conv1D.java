package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.ZeroPad;
import dev.graft.dsl.Activation;
import dev.graft.tensor.Shape;
import dev.graft.tensor.conv.ConvGeometry;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Conv1D} on {@code (N, T, C)}: kernel {@code (k, C, filters)} ({@code
 * glorot_uniform}), bias {@code (filters)} (zeros), strides, dilation, {@code valid} (default),
 * {@code same} or {@code causal} padding, and an activation. {@code causal} puts {@code (k - 1) *
 * dilation} zeros before the steps and none after, then convolves {@code valid}: step {@code t}
 * sees only steps up to {@code t}. Runs as a 2-D convolution of {@code (N, 1, T, C)} with a {@code
 * (1, k)} kernel, so it shares Conv2D's kernels and gradient.
 */
public final class Conv1D extends SingleInput {
  private final int filters;
  private final int kernelSize;
  private int strides = 1;
  private int dilation = 1;
  private ConvGeometry.Padding padding = ConvGeometry.Padding.VALID;
  private boolean causal;
  private Activation activation = Activation.LINEAR;
  private boolean useBias = true;
  private Initializer kernelInitializer = Initializers.glorotUniform();
  private Initializer biasInitializer = Initializers.zeros();
  private Variable kernel;
  private Variable bias;

  /**
   * {@code filters} filters spanning {@code kernelSize} steps.
   *
   * @param filters the number of output channels
   * @param kernelSize the window's length in steps
   * @throws IllegalArgumentException for non-positive sizes
   */
  public Conv1D(int filters, int kernelSize) {
    checkArgument(filters > 0, "Conv1D", "filters", filters);
    checkArgument(kernelSize > 0, "Conv1D", "kernel_size", kernelSize);
    this.filters = filters;
    this.kernelSize = kernelSize;
  }

  /**
   * Strides (default 1); returns this.
   *
   * @param s the step between windows, at least 1
   * @return this layer, for chaining
   */
  public Conv1D strides(int s) {
    checkArgument(s > 0, "Conv1D", "strides", s);
    requireUnbuilt("strides");
    this.strides = s;
    return this;
  }

  /**
   * Dilation rate (default 1); returns this.
   *
   * @param d the spacing between the window's taps, at least 1
   * @return this layer, for chaining
   */
  public Conv1D dilationRate(int d) {
    checkArgument(d > 0, "Conv1D", "dilation_rate", d);
    requireUnbuilt("dilation_rate");
    this.dilation = d;
    return this;
  }

  /**
   * {@code "valid"} (default), {@code "same"} or {@code "causal"}; returns this.
   *
   * @param p the padding's Keras name ({@code "causal"} pads only at the start)
   * @return this layer, for chaining
   * @throws IllegalArgumentException for an unknown name
   */
  public Conv1D padding(String p) {
    boolean isCausal = "causal".equals(p);
    ConvGeometry.Padding parsed =
        isCausal ? ConvGeometry.Padding.VALID : ConvGeometry.Padding.parse(p);
    requireUnbuilt("padding");
    this.causal = isCausal;
    this.padding = parsed;
    return this;
  }

  /** The zeros a causal convolution puts before the steps: {@code (k - 1) * dilation}. */
  private int causalPad() {
    return causal ? (kernelSize - 1) * dilation : 0;
  }

  /**
   * Sets the activation by Keras name; returns this.
   *
   * @param name a Keras activation name such as {@code relu} or {@code softmax}; {@code null} or
   *     {@code linear} for none
   * @return this layer, for chaining
   */
  public Conv1D activation(String name) {
    return activation(Activation.of(name));
  }

  /**
   * Sets the activation; returns this.
   *
   * @param a the activation applied to the output, {@link dev.graft.dsl.Activation#LINEAR} for none
   * @return this layer, for chaining
   */
  public Conv1D activation(Activation a) {
    this.activation = a;
    return this;
  }

  /**
   * Whether to add a bias (default true); returns this.
   *
   * @param value false to build the layer without a bias weight
   * @return this layer, for chaining
   */
  public Conv1D useBias(boolean value) {
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
  public Conv1D kernelInitializer(Initializer init) {
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
  public Conv1D biasInitializer(Initializer init) {
    requireUnbuilt("bias_initializer");
    this.biasInitializer = init;
    return this;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    Shape x = in.get(0);
    if (x.rank() != 3 || x.dim(2) == Shape.UNKNOWN) {
      throw incompatible(0, "rank 3 (batch, steps, channels) with known channels", x);
    }
  }

  @Override
  protected void build(List<Shape> in) {
    int channels = in.get(0).dim(2);
    kernel =
        addWeight("kernel", Shape.of(kernelSize, channels, filters), kernelInitializer, true, null);
    if (useBias) {
      bias = addWeight("bias", Shape.of(filters), biasInitializer, true, null);
    }
  }

  @Override
  protected Shape outputShape(Shape x) {
    int channels = kernel.shape().dim(1);
    if (x.rank() != 3 || x.dim(2) != channels) {
      throw incompatible(0, "rank 3 with " + channels + " channels", x);
    }
    ConvGeometry g;
    Shape padded = x.dim(1) == Shape.UNKNOWN ? x : x.withDim(1, x.dim(1) + causalPad());
    try {
      g =
          ConvGeometry.forInput(
              Pooling1D.as2d(UnknownDims.assumeKnown(padded)),
              1,
              kernelSize,
              1,
              strides,
              1,
              dilation,
              padding);
    } catch (IllegalArgumentException e) {
      throw incompatible(
          0, "a sequence at least as long as the kernel (" + e.getMessage() + ")", x);
    }
    return UnknownDims.keepUnknown(x, Shape.of(x.dim(0), g.outW(), filters));
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Node k = Reshape.of(read(ctx, kernel), Shape.of(1, kernelSize, kernel.shape().dim(1), filters));
    Node padded = ZeroPad.of(x, 1, causalPad(), 0);
    Node y =
        dev.graft.autograd.ops.Conv2D.of(
            Reshape.of(padded, Pooling1D.as2d(padded.shape())),
            k,
            useBias ? read(ctx, bias) : null,
            new int[] {1, strides},
            new int[] {1, dilation},
            padding);
    return activation.apply(Reshape.of(y, outputShape(x.shape())));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("filters", filters);
    c.put("kernel_size", new int[] {kernelSize});
    c.put("strides", new int[] {strides});
    c.put("padding", causal ? "causal" : padding.name().toLowerCase(java.util.Locale.ROOT));
    c.put("data_format", "channels_last");
    c.put("dilation_rate", new int[] {dilation});
    c.put("groups", 1);
    c.put("activation", activation.kerasName());
    c.put("use_bias", useBias);
    c.put("kernel_initializer", Configs.of(kernelInitializer));
    c.put("bias_initializer", Configs.of(biasInitializer));
    return c;
  }
}
