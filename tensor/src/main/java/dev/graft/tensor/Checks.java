package dev.graft.tensor;

/** Argument checks shared by the kernel families; messages name the op and the shapes. */
final class Checks {
  private Checks() {}

  /**
   * Turns a possibly negative axis into one in {@code [0, rank)}.
   *
   * @throws IllegalArgumentException naming {@code op} and the shape if it is out of range
   */
  static int axis(String op, Shape s, int axis) {
    int rank = s.rank();
    int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new IllegalArgumentException(
          op + ": axis " + axis + " is out of range for shape " + s + " of rank " + rank);
    }
    return a;
  }

  /** Requires {@code out} to have {@code x}'s shape. */
  static void sameShape(String op, Tensor x, Tensor out) {
    if (!x.shape().equals(out.shape())) {
      throw new IllegalArgumentException(
          op + ": out has shape " + out.shape() + " but the input has shape " + x.shape());
    }
  }

  /** Requires two inputs of equal shape. */
  static void equalShapes(String op, Tensor a, Tensor b) {
    if (!a.shape().equals(b.shape())) {
      throw new IllegalArgumentException(
          op + ": shapes " + a.shape() + " and " + b.shape() + " must be equal");
    }
  }
}
