package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.tensor.Tensor;

/**
 * A reusable array of an op's input tensors, for kernels that take {@code Tensor[]}: filled per
 * call without allocating. Thread-confined per call: ops are shared, so one array per thread.
 */
final class Tensors {
  private final ThreadLocal<Tensor[]> cache = new ThreadLocal<>();

  Tensor[] inputs(Args a) {
    Tensor[] t = cache.get();
    if (t == null || t.length != a.inputCount()) {
      t = new Tensor[a.inputCount()];
      cache.set(t);
    }
    for (int i = 0; i < t.length; i++) {
      t[i] = a.input(i);
    }
    return t;
  }
}
