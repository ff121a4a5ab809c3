package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Reshape;
import dev.graft.dsl.Activation;
import dev.graft.tensor.Shape;
import dev.graft.tensor.conv.ConvGeometry;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the depthwise, separable and transposed convolutions share, in 1-D ({@code (N, T, C)}) or
 * 2-D ({@code (N, H, W, C)}, channels last): kernel size, strides, dilation, padding, activation
 * and bias options with their Keras config keys. A 1-D layer runs as the 2-D one on {@code (N, 1,
 * T, C)} with a {@code (1, k)} window, so both share one set of kernels and gradients.
 *
 * @param <L> the concrete layer, returned by the fluent setters
 */
public abstract class SpatialConv<L extends SpatialConv<L>> extends SingleInput {
  private final int rank;
  private final int[] kernelSize;
  private int[] strides;
  private int[] dilation;
  private ConvGeometry.Padding padding = ConvGeometry.Padding.VALID;
  private Activation activation = Activation.LINEAR;
  private boolean useBias = true;
  private Initializer biasInitializer = Initializers.zeros();

  /**
   * A layer over {@code rank} spatial axes (1 or 2) with the given window.
   *
   * @throws IllegalArgumentException for a non-positive or mis-sized kernel size
   */
  SpatialConv(int rank, int... kernelSize) {
    checkArgument(
        kernelSize.length == rank && Arrays.stream(kernelSize).allMatch(k -> k > 0),
        getClass().getSimpleName(),
        "kernel_size",
        Arrays.toString(kernelSize));
    this.rank = rank;
    this.kernelSize = kernelSize.clone();
    this.strides = ones(rank);
    this.dilation = ones(rank);
  }

  private static int[] ones(int rank) {
    int[] a = new int[rank];
    Arrays.fill(a, 1);
    return a;
  }

  /** This layer as its concrete type, for the fluent setters. */
  @SuppressWarnings("unchecked")
  final L self() {
    return (L) this;
  }

  /** One positive value per spatial axis, or one for all; checked with the Keras argument name. */
  int[] perAxis(String argument, int[] values, int min) {
    boolean ok =
        (values.length == 1 || values.length == rank)
            && Arrays.stream(values).allMatch(v -> v >= min);
    checkArgument(ok, getClass().getSimpleName(), argument, Arrays.toString(values));
    int[] a = new int[rank];
    for (int i = 0; i < rank; i++) {
      a[i] = values[values.length == 1 ? 0 : i];
    }
    return a;
  }

  /**
   * Strides (default 1): one per spatial axis, or one for all; returns this.
   *
   * @param values the step between windows along each spatial axis, at least 1
   * @return this layer, for chaining
   */
  public L strides(int... values) {
    int[] s = perAxis("strides", values, 1);
    requireUnbuilt("strides");
    this.strides = s;
    return self();
  }

  /**
   * Dilation rate (default 1): one per spatial axis, or one for all; returns this.
   *
   * @param values the spacing between the window's taps along each spatial axis, at least 1
   * @return this layer, for chaining
   */
  public L dilationRate(int... values) {
    int[] d = perAxis("dilation_rate", values, 1);
    requireUnbuilt("dilation_rate");
    this.dilation = d;
    return self();
  }

  /**
   * {@code "valid"} (default) or {@code "same"}; returns this.
   *
   * @param p {@code "valid"} (no padding) or {@code "same"} (output size {@code ceil(input /
   *     stride)}), case-insensitive
   * @return this layer, for chaining
   * @throws IllegalArgumentException for any other name ({@code "causal"} included)
   */
  public L padding(String p) {
    checkArgument(
        "valid".equalsIgnoreCase(p) || "same".equalsIgnoreCase(p),
        getClass().getSimpleName(),
        "padding",
        p);
    return padding(ConvGeometry.Padding.parse(p));
  }

  /**
   * The padding; returns this.
   *
   * @param p {@code VALID} or {@code SAME}
   * @return this layer, for chaining
   */
  public L padding(ConvGeometry.Padding p) {
    requireUnbuilt("padding");
    this.padding = p;
    return self();
  }

  /**
   * Sets the activation by Keras name; returns this.
   *
   * @param name a Keras activation name such as {@code relu} or {@code softmax}; {@code null} or
   *     {@code linear} for none
   * @return this layer, for chaining
   */
  public L activation(String name) {
    return activation(Activation.of(name));
  }

  /**
   * Sets the activation; returns this.
   *
   * @param a the activation applied to the output, {@link dev.graft.dsl.Activation#LINEAR} for none
   * @return this layer, for chaining
   */
  public L activation(Activation a) {
    this.activation = a;
    return self();
  }

  /**
   * Whether to add a bias (default true); returns this.
   *
   * @param value false to build the layer without a bias weight
   * @return this layer, for chaining
   */
  public L useBias(boolean value) {
    requireUnbuilt("use_bias");
    this.useBias = value;
    return self();
  }

  /**
   * Sets the bias initializer (default zeros); returns this.
   *
   * @param init draws the bias's starting values when the layer is built (see {@link Initializers})
   * @return this layer, for chaining
   */
  public L biasInitializer(Initializer init) {
    requireUnbuilt("bias_initializer");
    this.biasInitializer = init;
    return self();
  }

  // ---- for the subclasses ----

  /** The kernel's spatial size. */
  int[] kernelSize() {
    return kernelSize;
  }

  boolean useBias() {
    return useBias;
  }

  Initializer biasInitializer() {
    return biasInitializer;
  }

  ConvGeometry.Padding padding() {
    return padding;
  }

  /** {@code v} as the 2-D kernels take it: itself in 2-D, {@code (pad, v[0])} in 1-D. */
  int[] as2d(int[] v, int pad) {
    return rank == 2 ? v.clone() : new int[] {pad, v[0]};
  }

  int[] strides2d() {
    return as2d(strides, 1);
  }

  int[] dilation2d() {
    return as2d(dilation, 1);
  }

  int[] kernel2d() {
    return as2d(kernelSize, 1);
  }

  /** The input as the 2-D kernels see it: itself, or {@code (N, 1, T, C)} in 1-D. */
  Shape image(Shape x) {
    return rank == 2 ? x : Pooling1D.as2d(x);
  }

  /** {@link #image(Shape)} of a node. */
  Node image(Node x) {
    return rank == 2 ? x : Reshape.of(x, image(x.shape()));
  }

  /** A 2-D result {@code (N, OH, OW, F)} back as this layer's output: {@code (N, OW, F)} in 1-D. */
  Shape unimage(Shape y) {
    return rank == 2 ? y : Shape.of(y.dim(0), y.dim(2), y.dim(3));
  }

  /** The activation on a 2-D result brought back to this layer's rank. */
  Node finish(Node y) {
    return activation.apply(rank == 2 ? y : Reshape.of(y, unimage(y.shape())));
  }

  /** A weight of spatial shape {@code kernelSize} then {@code rest}, as the 2-D kernels read it. */
  Node kernel2d(Node k) {
    if (rank == 2) {
      return k;
    }
    Shape s = k.shape();
    return Reshape.of(k, Shape.of(1, s.dim(0), s.dim(1), s.dim(2)));
  }

  /** The shape of a kernel: the window, then {@code rest}. */
  Shape kernelShape(int... rest) {
    int[] d = Arrays.copyOf(kernelSize, rank + rest.length);
    System.arraycopy(rest, 0, d, rank, rest.length);
    return Shape.of(d);
  }

  /** The input's channel count (known, checked by {@link #checkInputs}). */
  int channels(Shape x) {
    return x.dim(rank + 1);
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    Shape x = in.get(0);
    // Spatial sizes may be unknown (None): the weights depend on the channels only.
    if (x.rank() != rank + 2 || x.dim(rank + 1) == Shape.UNKNOWN) {
      throw incompatible(
          0,
          rank == 2
              ? "rank 4 (batch, height, width, channels) with known channels"
              : "rank 3 (batch, steps, channels) with known channels",
          x);
    }
  }

  /** Checks the channels of a later call against the built kernel's. */
  void checkChannels(Shape x, int channels) {
    if (x.rank() != rank + 2 || x.dim(rank + 1) != channels) {
      throw incompatible(0, "rank " + (rank + 2) + " with " + channels + " channels", x);
    }
  }

  /**
   * The output shape of the window sliding over {@code x} with this layer's strides, dilation and
   * padding, with {@code outChannels} channels.
   */
  Shape slidingOutput(Shape x, int outChannels) {
    int[] k = kernel2d();
    int[] s = strides2d();
    int[] d = dilation2d();
    ConvGeometry g;
    try {
      g =
          ConvGeometry.forInput(
              image(UnknownDims.assumeKnown(x)), k[0], k[1], s[0], s[1], d[0], d[1], padding);
    } catch (IllegalArgumentException e) {
      throw incompatible(0, "an input at least as large as the window (" + e.getMessage() + ")", x);
    }
    return UnknownDims.keepUnknown(x, unimage(Shape.of(x.dim(0), g.outH(), g.outW(), outChannels)));
  }

  int[] strides() {
    return strides;
  }

  int[] dilation() {
    return dilation;
  }

  /** The Keras keys every such layer writes; the subclass adds its own. */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("kernel_size", kernelSize.clone());
    c.put("strides", strides.clone());
    c.put("padding", padding.name().toLowerCase(java.util.Locale.ROOT));
    c.put("data_format", "channels_last");
    c.put("dilation_rate", dilation.clone());
    c.put("activation", activation.kerasName());
    c.put("use_bias", useBias);
    c.put("bias_initializer", Configs.of(biasInitializer));
    c.put("bias_regularizer", null);
    c.put("activity_regularizer", null);
    c.put("bias_constraint", null);
    return c;
  }
}
