package dev.graft.tensor.support;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;

/** Argument checks shared by the kernel families; messages name the op and the shapes. */
public final class Checks {
  private Checks() {}

  /**
   * Turns a possibly negative axis into one in {@code [0, rank)}.
   *
   * @param op the op named in the error message
   * @param s the shape the axis indexes
   * @param axis the axis, negative counting from the end
   * @return the axis in {@code [0, s.rank())}
   * @throws IllegalArgumentException naming {@code op} and the shape if it is out of range
   */
  public static int axis(String op, Shape s, int axis) {
    int rank = s.rank();
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new IllegalArgumentException(
          op + ": axis " + axis + " is out of range for shape " + s + " of rank " + rank);
    }
    return a;
  }

  /**
   * Requires {@code out} to have {@code x}'s shape.
   *
   * @param op the op named in the error message
   * @param x the input
   * @param out the output
   * @throws IllegalArgumentException if the shapes differ
   */
  public static void sameShape(String op, Tensor x, Tensor out) {
    if (!x.shape().equals(out.shape())) {
      throw new IllegalArgumentException(
          op + ": out has shape " + out.shape() + " but the input has shape " + x.shape());
    }
  }

  /**
   * Requires two inputs of equal shape.
   *
   * @param op the op named in the error message
   * @param a the first input
   * @param b the second input
   * @throws IllegalArgumentException if the shapes differ
   */
  public static void equalShapes(String op, Tensor a, Tensor b) {
    if (!a.shape().equals(b.shape())) {
      throw new IllegalArgumentException(
          op + ": shapes " + a.shape() + " and " + b.shape() + " must be equal");
    }
  }
}
