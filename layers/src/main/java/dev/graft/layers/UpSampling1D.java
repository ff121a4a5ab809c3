package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code UpSampling1D}: each step of {@code (N, T, C)} repeated {@code size} times, giving
 * {@code (N, T * size, C)}.
 */
public final class UpSampling1D extends SingleInput {
  private final int size;

  /**
   * Repeats each step {@code size} times (Keras's default is 2).
   *
   * @throws IllegalArgumentException for a factor below 1
   */
  public UpSampling1D(int size) {
    checkArgument(size > 0, "UpSampling1D", "size", size);
    this.size = size;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    outputShape(in.get(0));
  }

  @Override
  protected Shape outputShape(Shape x) {
    if (x.rank() != 3 || x.dim(1) == Shape.UNKNOWN || x.dim(2) == Shape.UNKNOWN) {
      throw incompatible(0, "rank 3 (batch, steps, channels) with known steps and channels", x);
    }
    return Shape.of(x.dim(0), x.dim(1) * size, x.dim(2));
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return UpSampling2D.repeat(x, size);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("size", size);
    return c;
  }
}
