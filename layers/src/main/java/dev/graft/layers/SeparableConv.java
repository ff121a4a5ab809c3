package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Conv2D;
import dev.graft.autograd.ops.DepthwiseConv2D;
import dev.graft.autograd.ops.Reshape;
import dev.graft.tensor.Shape;
import dev.graft.tensor.conv.ConvGeometry;
import java.util.List;
import java.util.Map;

/**
 * Keras's separable convolution ({@link SeparableConv1D}, {@link SeparableConv2D}): a depthwise
 * convolution without bias (strides, dilation and padding apply here), then a 1x1 convolution
 * mixing its {@code C * M} channels into {@code filters}, then the bias and the activation. Weights
 * in Keras's order: {@code depthwise_kernel (window, C, M)}, {@code pointwise_kernel (1[, 1], C *
 * M, filters)} (both {@code glorot_uniform}), {@code bias (filters)} (zeros).
 *
 * @param <L> the concrete layer, returned by the fluent setters
 */
public abstract class SeparableConv<L extends SeparableConv<L>> extends SpatialConv<L> {
  private final int filters;
  private int depthMultiplier = 1;
  private Initializer depthwiseInitializer = Initializers.glorotUniform();
  private Initializer pointwiseInitializer = Initializers.glorotUniform();
  private Variable depthwise;
  private Variable pointwise;
  private Variable bias;

  SeparableConv(int rank, int filters, int... kernelSize) {
    super(rank, kernelSize);
    checkArgument(filters > 0, getClass().getSimpleName(), "filters", filters);
    this.filters = filters;
  }

  /**
   * Depthwise filters per input channel, M (default 1); returns this.
   *
   * @param m the number of depthwise filters per input channel, at least 1
   * @return this layer, for chaining
   */
  public L depthMultiplier(int m) {
    checkArgument(m > 0, getClass().getSimpleName(), "depth_multiplier", m);
    requireUnbuilt("depth_multiplier");
    this.depthMultiplier = m;
    return self();
  }

  /**
   * Sets the depthwise kernel's initializer; returns this.
   *
   * @param init draws the depthwise kernel's starting values when the layer is built
   * @return this layer, for chaining
   */
  public L depthwiseInitializer(Initializer init) {
    requireUnbuilt("depthwise_initializer");
    this.depthwiseInitializer = init;
    return self();
  }

  /**
   * Sets the pointwise kernel's initializer; returns this.
   *
   * @param init draws the pointwise kernel's starting values when the layer is built
   * @return this layer, for chaining
   */
  public L pointwiseInitializer(Initializer init) {
    requireUnbuilt("pointwise_initializer");
    this.pointwiseInitializer = init;
    return self();
  }

  @Override
  protected void build(List<Shape> in) {
    int c = channels(in.get(0));
    int q = c * depthMultiplier;
    depthwise =
        addWeight(
            "depthwise_kernel", kernelShape(c, depthMultiplier), depthwiseInitializer, true, null);
    int[] ones = new int[kernelSize().length];
    java.util.Arrays.fill(ones, 1);
    int[] pw = java.util.Arrays.copyOf(ones, ones.length + 2);
    pw[ones.length] = q;
    pw[ones.length + 1] = filters;
    pointwise = addWeight("pointwise_kernel", Shape.of(pw), pointwiseInitializer, true, null);
    if (useBias()) {
      bias = addWeight("bias", Shape.of(filters), biasInitializer(), true, null);
    }
  }

  @Override
  protected Shape outputShape(Shape x) {
    checkChannels(x, depthwise.shape().dim(kernelSize().length));
    return slidingOutput(x, filters);
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Node mid =
        DepthwiseConv2D.of(
            image(x), kernel2d(read(ctx, depthwise)), null, strides2d(), dilation2d(), padding());
    int q = pointwise.shape().dim(kernelSize().length);
    Node y =
        Conv2D.of(
            mid,
            Reshape.of(read(ctx, pointwise), Shape.of(1, 1, q, filters)),
            useBias() ? read(ctx, bias) : null,
            new int[] {1, 1},
            new int[] {1, 1},
            ConvGeometry.Padding.VALID);
    return finish(y);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("filters", filters);
    c.put("depth_multiplier", depthMultiplier);
    c.put("depthwise_initializer", Configs.of(depthwiseInitializer));
    c.put("pointwise_initializer", Configs.of(pointwiseInitializer));
    c.put("depthwise_regularizer", null);
    c.put("pointwise_regularizer", null);
    c.put("depthwise_constraint", null);
    c.put("pointwise_constraint", null);
    return c;
  }
}
