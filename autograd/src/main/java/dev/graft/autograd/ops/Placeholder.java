package dev.graft.autograd.ops;

import dev.graft.tensor.Shape;

/** A model input; its batch dimension may be unknown until a plan fixes it. */
public final class Placeholder extends Leaf {
  private final String name;

  /**
   * An input called {@code name} of the given shape.
   *
   * @param name the name a plan's input buffer is found by
   * @param shape the input's shape, {@link dev.graft.tensor.Shape#UNKNOWN} for the batch
   */
  public Placeholder(String name, Shape shape) {
    super(shape);
    this.name = name;
  }

  /**
   * The input's name.
   *
   * @return the name given at construction
   */
  public String name() {
    return name;
  }

  @Override
  public String kind() {
    return "placeholder";
  }

  @Override
  public String attributes() {
    return name;
  }
}
