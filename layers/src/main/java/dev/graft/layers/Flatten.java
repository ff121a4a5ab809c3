package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.tensor.Shape;
import java.util.Map;

/**
 * Keras's {@code Flatten}: {@code (N, d1, ..., dk)} to {@code (N, d1·...·dk)}, row-major; {@code
 * (N, None)} when a {@code di} is unknown ({@code None}).
 */
public final class Flatten extends SingleInput {
  @Override
  protected Shape outputShape(Shape in) {
    if (in.rank() < 2) {
      return in.rank() == 1 ? Shape.of(in.dim(0), 1) : in;
    }
    for (int i = 1; i < in.rank(); i++) {
      if (in.dim(i) == Shape.UNKNOWN) {
        // As Keras: the width is unknown too, and a Dense after it is refused for that.
        return Shape.of(in.dim(0), Shape.UNKNOWN);
      }
    }
    return Shape.of(in.dim(0), in.sizeFrom(1));
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return dev.graft.autograd.ops.Reshape.of(x, outputShape(x.shape()));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("data_format", "channels_last");
    return c;
  }
}
