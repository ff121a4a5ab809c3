package dev.graft.autograd;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;

/**
 * A weight: a named tensor that lives across steps, read by graphs and updated in place by
 * optimizers. The same variable may appear in many graphs (training, prediction, a merged model);
 * they all share its value. A frozen variable ({@code trainable(false)}) gets no gradient and is
 * never updated.
 */
public final class Variable {
  private final String name;
  private final Tensor value;
  private volatile boolean trainable;

  /**
   * A variable holding {@code initial} (not copied: the variable owns it from now on).
   *
   * @param name the weight's path, as Keras names it ({@code dense/kernel})
   * @param initial the starting value
   * @param trainable whether optimizers update it
   */
  public Variable(String name, Tensor initial, boolean trainable) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("A variable needs a non-empty name");
    }
    this.name = name;
    this.value = initial;
    this.trainable = trainable;
  }

  /**
   * The name, e.g. {@code dense/kernel}.
   *
   * @return the name given at construction
   */
  public String name() {
    return name;
  }

  /**
   * The current value (shared; optimizers update it in place).
   *
   * @return the live value tensor, not a copy
   */
  public Tensor value() {
    return value;
  }

  /**
   * The shape of the value.
   *
   * @return the value's shape, fixed for the variable's life
   */
  public Shape shape() {
    return value.shape();
  }

  /**
   * Whether optimizers update this variable.
   *
   * @return false for a frozen variable
   */
  public boolean trainable() {
    return trainable;
  }

  /**
   * Freezes ({@code false}) or unfreezes this variable; returns this.
   *
   * @param trainable false to freeze
   * @return this variable, for chaining
   */
  public Variable trainable(boolean trainable) {
    this.trainable = trainable;
    return this;
  }

  /**
   * Copies {@code newValue} into this variable.
   *
   * @param newValue the new value, of this variable's shape
   * @throws IllegalArgumentException if the shapes differ
   */
  public void assign(Tensor newValue) {
    if (!newValue.shape().equals(value.shape())) {
      throw new IllegalArgumentException(
          "Cannot assign a value of shape "
              + newValue.shape()
              + " to variable \""
              + name
              + "\" of shape "
              + value.shape());
    }
    value.copyFrom(newValue);
  }

  @Override
  public String toString() {
    return "Variable(" + name + ", " + value.shape() + (trainable ? "" : ", frozen") + ")";
  }
}
