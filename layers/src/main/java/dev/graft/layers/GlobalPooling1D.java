package dev.graft.layers;

import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Base of Keras's global 1-D poolings: {@code (N, T, C)} to {@code (N, C)}, or {@code (N, 1, C)}
 * with {@code keepdims}; subclasses reduce over time.
 */
public abstract class GlobalPooling1D extends SingleInput {
  private boolean keepdims;

  /**
   * Keeps the time axis with length 1 (Keras's {@code keepdims}, default false); returns this.
   *
   * @param value true to keep the time axis
   * @return this layer, for chaining
   */
  public GlobalPooling1D keepdims(boolean value) {
    requireUnbuilt("keepdims");
    this.keepdims = value;
    return this;
  }

  /**
   * Whether the time axis is kept with length 1.
   *
   * @return true if the time axis is kept
   */
  protected boolean keepdims() {
    return keepdims;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    outputShape(in.get(0));
  }

  @Override
  protected Shape outputShape(Shape x) {
    if (x.rank() != 3) {
      throw incompatible(0, "rank 3 (batch, steps, features)", x);
    }
    return keepdims ? Shape.of(x.dim(0), 1, x.dim(2)) : Shape.of(x.dim(0), x.dim(2));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("data_format", "channels_last");
    c.put("keepdims", keepdims);
    return c;
  }
}
