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
   * @param size the repetition factor
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
    if (x.rank() != 3) {
      throw incompatible(0, "rank 3 (batch, steps, channels)", x);
    }
    return Shape.of(x.dim(0), SampleShape.times(x.dim(1), size), x.dim(2));
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    if (!SampleShape.known(x.shape())) {
      throw incompatible(0, "known sizes after the batch when the graph is built", x.shape());
    }
    return UpSampling2D.repeat(x, size);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("size", size);
    return c;
  }
}
