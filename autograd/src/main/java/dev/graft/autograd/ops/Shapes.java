package dev.graft.autograd.ops;

import dev.graft.tensor.Shape;
import java.util.List;

/** Shape rules shared by several ops, aware of unknown (batch) dimensions. */
final class Shapes {
  private Shapes() {}

  /** Checks the input count, naming the op. */
  static void arity(String kind, List<Shape> inputs, int n) {
    if (inputs.size() != n) {
      throw new IllegalArgumentException(
          kind + ": expected " + n + " input(s), got " + inputs.size() + " " + inputs);
    }
  }

  /**
   * NumPy broadcasting where an unknown dimension matches anything but stays unknown against 1 or
   * another unknown (it is the batch, never stretched).
   */
  static Shape broadcast(String kind, Shape a, Shape b) {
    if (a.equals(b)) {
      return a;
    }
    int rank = Math.max(a.rank(), b.rank());
    int[] d = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = aligned(a, i, rank);
      int db = aligned(b, i, rank);
      if (da == db || db == 1) {
        d[i] = da;
      } else if (da == 1) {
        d[i] = db;
      } else if (da == Shape.UNKNOWN) {
        d[i] = db;
      } else if (db == Shape.UNKNOWN) {
        d[i] = da;
      } else {
        throw new IllegalArgumentException(
            kind + ": shapes " + a + " and " + b + " cannot broadcast (axis " + i + ")");
      }
    }
    return Shape.of(d);
  }

  static int aligned(Shape s, int i, int rank) {
    int j = i - (rank - s.rank());
    return j < 0 ? 1 : s.dim(j);
  }

  /** Resolves a target whose unknown dimensions take the matching (right-aligned) ones of src. */
  static Shape resolveAgainst(Shape target, Shape src) {
    if (target.isFullyDefined()) {
      return target;
    }
    int[] d = target.toArray();
    for (int i = 0; i < d.length; i++) {
      int j = i - (d.length - src.rank());
      if (d[i] == Shape.UNKNOWN && j >= 0) {
        d[i] = src.dim(j);
      }
    }
    return Shape.of(d);
  }
}
