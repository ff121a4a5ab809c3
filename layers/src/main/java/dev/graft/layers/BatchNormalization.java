package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.BatchNorm;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code BatchNormalization} over the last axis (channels): weights {@code gamma} (ones),
 * {@code beta} (zeros), and the non-trainable {@code moving_mean} (zeros) and {@code
 * moving_variance} (ones), in that order.
 *
 * <p>Training and inference are the plan's mode, separate from {@link #trainable}: in training
 * ({@code fit}) it normalises with the batch's mean and variance and moves the moving statistics
 * toward them ({@code moving = moving * momentum + batch * (1 - momentum)}); in inference ({@code
 * predict}, {@code evaluate}) it uses the moving statistics. A frozen layer ({@code
 * trainable(false)}) updates none of its four weights. (Keras 3 additionally switches a frozen
 * BatchNormalization to inference mode; here the mode stays the plan's.)
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
   * @throws IllegalArgumentException unless {@code epsilon > 0}
   */
  public BatchNormalization epsilon(double value) {
    setEpsilon(value);
    return this;
  }

  @Override
  protected void build(List<Shape> in) {
    super.build(in);
    Shape c = gamma.shape();
    movingMean = addWeight("moving_mean", c, Initializers.zeros(), false, null);
    movingVariance = addWeight("moving_variance", c, Initializers.ones(), false, null);
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Node y =
        BatchNorm.of(
            x,
            read(ctx, gamma),
            read(ctx, beta),
            read(ctx, movingMean),
            read(ctx, movingVariance),
            epsilon,
            BatchNorm.Mode.FOLLOW_PLAN);
    ctx.addUpdate(BatchNorm.updateMoving(y, momentum, this::trainable));
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
