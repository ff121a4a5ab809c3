package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Pool;
import dev.graft.autograd.ops.Reshape;

/**
 * Keras's {@code GlobalMaxPooling1D}: the maximum over time, {@code (N, T, C)} to {@code (N, C)},
 * or {@code (N, 1, C)} with {@code keepdims}. Runs as a global 2-D max pooling of {@code (N, 1, T,
 * C)}.
 */
public final class GlobalMaxPooling1D extends GlobalPooling1D {
  @Override
  protected Node call(CallContext ctx, Node x) {
    if (!SampleShape.known(x.shape())) {
      throw incompatible(0, "known sizes after the batch when the graph is built", x.shape());
    }
    Node pooled = Pool.global(Pool.Kind.GLOBAL_MAX, Reshape.of(x, Pooling1D.as2d(x.shape())));
    return Reshape.of(pooled, outputShape(x.shape()));
  }
}
