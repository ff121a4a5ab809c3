package dev.graft.autograd.ops;

import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import java.util.List;

/** Base of one-input element-wise ops: same shape out, may run in place. */
public abstract class Elementwise extends Op {
  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 1);
    return inputs.get(0);
  }

  @Override
  public boolean canRunInPlace(int input) {
    return true;
  }
}
