package dev.graft.autograd.ops;

import dev.graft.tensor.Tensor;

/** A constant tensor baked into the graph. */
public final class Constant extends Leaf {
  private final Tensor value;

  /**
   * A constant holding {@code value} (not copied).
   *
   * @param value the value every run outputs; it must not change afterwards
   */
  public Constant(Tensor value) {
    super(value.shape());
    this.value = value;
  }

  /**
   * The value.
   *
   * @return the tensor given at construction, not a copy
   */
  public Tensor value() {
    return value;
  }

  @Override
  public String kind() {
    return "constant";
  }

  @Override
  public String attributes() {
    return value.size() == 1 ? Float.toString(value.getFlat(0)) : value.shape().toString();
  }
}
