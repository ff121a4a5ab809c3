package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Pool;
import dev.graft.autograd.ops.Reshape;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code GlobalMaxPooling1D}: the maximum over time, {@code (N, T, C)} to {@code (N, C)},
 * or {@code (N, 1, C)} with {@code keepdims}. Runs as a global 2-D max pooling of {@code (N, 1, T,
 * C)}.
 */
public final class GlobalMaxPooling1D extends SingleInput {
  private boolean keepdims;

  /** Whether to keep the time axis as a 1 (default false); returns this. */
  public GlobalMaxPooling1D keepdims(boolean value) {
    requireUnbuilt("keepdims");
    this.keepdims = value;
    return this;
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
  protected Node call(CallContext ctx, Node x) {
    if (!SampleShape.known(x.shape())) {
      throw incompatible(0, "known sizes after the batch when the graph is built", x.shape());
    }
    Node pooled = Pool.global(Pool.Kind.GLOBAL_MAX, Reshape.of(x, Pooling1D.as2d(x.shape())));
    return Reshape.of(pooled, outputShape(x.shape()));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("data_format", "channels_last");
    c.put("keepdims", keepdims);
    return c;
  }
}
