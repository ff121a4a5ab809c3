package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code DepthwiseConv2D} on channels-last images: each input channel {@code c} is
 * convolved on its own with {@code depth_multiplier} filters, giving output channels {@code c * M +
 * m}; weights {@code depthwise_kernel (kh, kw, C, M)} ({@code glorot_uniform}) and {@code bias (C *
 * M)} (zeros); strides, dilation, {@code valid} (default) or {@code same} padding, activation.
 */
public final class DepthwiseConv2D extends SpatialConv<DepthwiseConv2D> {
  private int depthMultiplier = 1;
  private Initializer depthwiseInitializer = Initializers.glorotUniform();
  private Variable kernel;
  private Variable bias;

  /**
   * A window of size {@code (kh, kw)}.
   *
   * @param kh the window's height
   * @param kw the window's width
   * @throws IllegalArgumentException for non-positive sizes
   */
  public DepthwiseConv2D(int kh, int kw) {
    super(2, kh, kw);
  }

  /**
   * A square window of size {@code k}.
   *
   * @param k the window's height and width
   */
  public DepthwiseConv2D(int k) {
    this(k, k);
  }

  /**
   * Filters per input channel, M (default 1); returns this.
   *
   * @param m the number of filters per input channel, at least 1
   * @return this layer, for chaining
   */
  public DepthwiseConv2D depthMultiplier(int m) {
    checkArgument(m > 0, "DepthwiseConv2D", "depth_multiplier", m);
    requireUnbuilt("depth_multiplier");
    this.depthMultiplier = m;
    return this;
  }

  /**
   * Sets the depthwise kernel's initializer; returns this.
   *
   * @param init draws the depthwise kernel's starting values when the layer is built
   * @return this layer, for chaining
   */
  public DepthwiseConv2D depthwiseInitializer(Initializer init) {
    requireUnbuilt("depthwise_initializer");
    this.depthwiseInitializer = init;
    return this;
  }

  @Override
  protected void build(List<Shape> in) {
    int c = channels(in.get(0));
    kernel =
        addWeight(
            "depthwise_kernel", kernelShape(c, depthMultiplier), depthwiseInitializer, true, null);
    if (useBias()) {
      bias = addWeight("bias", Shape.of(c * depthMultiplier), biasInitializer(), true, null);
    }
  }

  @Override
  protected Shape outputShape(Shape x) {
    int c = kernel.shape().dim(2);
    checkChannels(x, c);
    return slidingOutput(x, c * depthMultiplier);
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return finish(
        dev.graft.autograd.ops.DepthwiseConv2D.of(
            image(x),
            kernel2d(read(ctx, kernel)),
            useBias() ? read(ctx, bias) : null,
            strides2d(),
            dilation2d(),
            padding()));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("depth_multiplier", depthMultiplier);
    c.put("depthwise_initializer", Configs.of(depthwiseInitializer));
    c.put("depthwise_regularizer", null);
    c.put("depthwise_constraint", null);
    return c;
  }
}
