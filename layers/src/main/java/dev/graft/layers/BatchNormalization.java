package dev.graft.layers;

import dev.graft.autograd.Graph;
import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.BatchNorm;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code BatchNormalization} over the last axis (channels): weights {@code gamma} (ones,
 * absent with {@code scale(false)}), {@code beta} (zeros, absent with {@code center(false)}), and
 * the non-trainable {@code moving_mean} (zeros) and {@code moving_variance} (ones), in that order.
 *
 * <p>In training ({@code fit}) it normalises with the batch's mean and variance and moves the
 * moving statistics toward them ({@code moving = moving * momentum + batch * (1 - momentum)}); in
 * inference ({@code predict}, {@code evaluate}, or a call made with {@code on(x, false)}) it uses
 * the moving statistics. As in Keras (2.1+ on TensorFlow 2, and 3), a frozen layer ({@code
 * trainable(false)}, set on it or on an enclosing model) runs in inference mode in {@code fit} too:
 * it normalises with the moving statistics and updates none of its weights, so a frozen pre-trained
 * block computes what it computed before. Freezing or unfreezing takes effect at the next step.
 */
public final class BatchNormalization extends FeatureNormalization {
  private float momentum = 0.99f;
  private Variable movingMean;
  private Variable movingVariance;

  /** A batch normalisation with Keras's defaults: axis -1, momentum 0.99, epsilon 1e-3. */
  public BatchNormalization() {}

  /**
   * The moving-average momentum (default 0.99); returns this.
   *
   * @param value the weight the old moving statistics keep at each training step
   * @return this layer, for chaining
   * @throws IllegalArgumentException unless {@code 0 <= momentum <= 1}
   */
  public BatchNormalization momentum(double value) {
    checkArgument(value >= 0 && value <= 1, "BatchNormalization", "momentum", value);
    this.momentum = (float) value;
    return this;
  }

  /**
   * The variance epsilon (default 1e-3); returns this.
   *
   * @param value the value added to the variance before its square root, above 0
   * @return this layer, for chaining
   * @throws IllegalArgumentException unless {@code epsilon > 0}
   */
  public BatchNormalization epsilon(double value) {
    setEpsilon(value);
    return this;
  }

  /**
   * Keras's {@code center}: whether to add the offset {@code beta} (default true); returns this.
   *
   * @param value false to build the layer without {@code beta}
   * @return this layer, for chaining
   * @throws IllegalStateException once the layer is built
   */
  public BatchNormalization center(boolean value) {
    setCenter(value);
    return this;
  }

  /**
   * Keras's {@code scale}: whether to multiply by {@code gamma} (default true); returns this.
   *
   * @param value false to build the layer without {@code gamma}
   * @return this layer, for chaining
   * @throws IllegalStateException once the layer is built
   */
  public BatchNormalization scale(boolean value) {
    setScale(value);
    return this;
  }

  @Override
  protected void build(List<Shape> in) {
    super.build(in);
    Shape c = Shape.of(in.get(0).dim(-1));
    movingMean = addWeight("moving_mean", c, Initializers.zeros(), false, null);
    movingVariance = addWeight("moving_variance", c, Initializers.ones(), false, null);
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return normalize(ctx, x, null);
  }

  /** Keras's {@code call(inputs, mask=...)}: batch statistics over the kept steps only. */
  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs, List<Node> masks) {
    return List.of(normalize(ctx, inputs.get(0), masks.get(0)));
  }

  /** Keras's {@code supports_masking = True}: the mask passes on. */
  @Override
  protected boolean supportsMasking() {
    return true;
  }

  private Node normalize(CallContext ctx, Node x, Node mask) {
    // Without gamma or beta the fused op gets constant ones or zeros: the same formula, and
    // nothing to train.
    Graph g = ctx.graph();
    Shape c = Shape.of(channels());
    Node scale = gamma == null ? g.constant(Tensor.ones(c.toArray())) : read(ctx, gamma);
    Node offset = beta == null ? g.constant(Tensor.zeros(c.toArray())) : read(ctx, beta);
    Node y =
        BatchNorm.of(
            x,
            scale,
            offset,
            read(ctx, movingMean),
            read(ctx, movingVariance),
            mask,
            epsilon,
            this::trainable);
    ctx.addUpdate(BatchNorm.updateMoving(y, momentum));
    return y;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("momentum", momentum);
    c.put("moving_mean_initializer", Configs.of(Initializers.zeros()));
    c.put("moving_variance_initializer", Configs.of(Initializers.ones()));
    return c;
  }
}
