package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.tensor.Shape;
import java.util.Map;

/**
 * Keras's {@code ActivityRegularization}: returns its input and adds {@code l1 · sum|x| + l2 ·
 * sum(x²)} over the whole batch output to the training loss (Keras 3's rule; tf.keras 2 divided it
 * by the batch size).
 */
public final class ActivityRegularization extends PassesMask {
  private final double l1;
  private final double l2;

  /**
   * A penalty with these factors (Keras's defaults are 0 and 0).
   *
   * @param l1 the factor of the sum of absolute outputs
   * @param l2 the factor of the sum of squared outputs
   * @throws IllegalArgumentException if a factor is negative (or NaN)
   */
  public ActivityRegularization(double l1, double l2) {
    checkArgument(l1 >= 0 && Double.isFinite(l1), "ActivityRegularization", "l1", l1);
    checkArgument(l2 >= 0 && Double.isFinite(l2), "ActivityRegularization", "l2", l2);
    this.l1 = l1;
    this.l2 = l2;
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    if (l1 > 0 || l2 > 0) {
      ctx.addLoss(Regularizer.l1l2((float) l1, (float) l2).penalty(x));
    }
    return x;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("l1", l1);
    c.put("l2", l2);
    return c;
  }
}
