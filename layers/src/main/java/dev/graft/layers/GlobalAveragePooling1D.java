package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Reduction;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code GlobalAveragePooling1D}: the mean over time, {@code (N, T, C)} to {@code (N, C)}.
 */
public final class GlobalAveragePooling1D extends SingleInput {
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
    return Shape.of(x.dim(0), x.dim(2));
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return Reduction.mean(x, false, 1);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("data_format", "channels_last");
    c.put("keepdims", false);
    return c;
  }
}
