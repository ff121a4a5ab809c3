package dev.graft.tensor;

/**
 * NumPy broadcasting: the result shape of two operands. Reducing a broadcast gradient back to an
 * operand's shape is {@code Reduce.sumToShape} (in {@code dev.graft.tensor.reduce}).
 *
 * <p>Shapes are aligned from the right; a dimension of size 1 (or a missing leading dimension)
 * stretches to match the other. {@code (3, 1)} and {@code (1, 4)} give {@code (3, 4)}; {@code (2,
 * 3, 4)} and {@code (4,)} give {@code (2, 3, 4)}.
 */
public final class Broadcast {
  private Broadcast() {}

  /**
   * The shape both operands broadcast to.
   *
   * @param a the first operand's shape
   * @param b the second operand's shape
   * @return the shape both broadcast to (aligned from the last axis, as in NumPy)
   * @throws IllegalArgumentException if some aligned dimensions differ and neither is 1
   */
  public static Shape broadcastShape(Shape a, Shape b) {
    return broadcastShape("broadcast", a, b);
  }

  /**
   * {@link #broadcastShape(Shape, Shape)} with {@code op} named in the error message.
   *
   * @param op the op named in the error message
   * @param a the first operand's shape
   * @param b the second operand's shape
   * @return the shape both broadcast to
   * @throws IllegalArgumentException if some aligned dimensions differ and neither is 1
   */
  public static Shape broadcastShape(String op, Shape a, Shape b) {
    if (a.equals(b)) {
      return a;
    }
    int rank = Math.max(a.rank(), b.rank());
    int[] d = new int[rank];
    for (int i = 0; i < rank; i++) {
      d[i] = broadcastDim(op, a, b, i, rank);
    }
    return Shape.of(d);
  }

  /** The broadcast dimension at axis {@code i} of a result of rank {@code rank}. */
  private static int broadcastDim(String op, Shape a, Shape b, int i, int rank) {
    int da = alignedDim(a, i, rank);
    int db = alignedDim(b, i, rank);
    if (da == db || db == 1) {
      return da;
    }
    if (da == 1) {
      return db;
    }
    throw new IllegalArgumentException(
        op
            + ": shapes "
            + a
            + " and "
            + b
            + " cannot broadcast (axis "
            + i
            + ": "
            + da
            + " vs "
            + db
            + ")");
  }

  /**
   * The dimension of {@code s} at axis {@code i} when right-aligned to {@code rank} axes.
   *
   * @param s the shape
   * @param i the axis of the aligned shape
   * @param rank the rank {@code s} is aligned to (at least its own)
   * @return the dimension, 1 for a missing leading axis
   */
  public static int alignedDim(Shape s, int i, int rank) {
    int j = i - (rank - s.rank());
    return j < 0 ? 1 : s.dim(j);
  }

  /**
   * Checks without allocating that {@code out} has the broadcast shape of {@code a} and {@code b}.
   *
   * @param op the op named in the error message
   * @param a the first operand's shape
   * @param b the second operand's shape
   * @param out the output to check
   * @throws IllegalArgumentException if {@code out} has another shape, or the shapes do not
   *     broadcast
   */
  public static void checkOut(String op, Shape a, Shape b, Tensor out) {
    Shape o = out.shape();
    int rank = Math.max(a.rank(), b.rank());
    boolean ok = o.rank() == rank;
    for (int i = 0; ok && i < rank; i++) {
      ok = o.dim(i) == broadcastDim(op, a, b, i, rank);
    }
    if (!ok) {
      throw new IllegalArgumentException(
          op
              + ": out has shape "
              + o
              + " but shapes "
              + a
              + " and "
              + b
              + " broadcast to "
              + broadcastShape(op, a, b));
    }
  }
}
