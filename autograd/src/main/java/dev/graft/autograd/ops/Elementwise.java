package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
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

  /**
   * The identity's forward pass: copies the input to the output unless the plan ran it in place.
   *
   * @param a the op's arguments
   */
  protected static void copyUnlessInPlace(Args a) {
    if (a.input(0).array() != a.output().array() || a.input(0).offset() != a.output().offset()) {
      a.output().copyFrom(a.input(0));
    }
  }
}
