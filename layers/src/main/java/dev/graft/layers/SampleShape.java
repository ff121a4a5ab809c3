package dev.graft.layers;

import dev.graft.tensor.Shape;

/**
 * Checks on the sample part of a shape (all but the batch). Layers accept unknown lengths when a
 * model is defined (variable-length inputs) but need them known once a graph is built for concrete
 * inputs.
 */
final class SampleShape {
  private SampleShape() {}

  /** True if every dimension after the batch is known. */
  static boolean known(Shape s) {
    for (int i = 1; i < s.rank(); i++) {
      if (s.dim(i) == Shape.UNKNOWN) {
        return false;
      }
    }
    return true;
  }

  /** {@code d * factor}, or unknown if {@code d} is. */
  static int times(int d, int factor) {
    return d == Shape.UNKNOWN ? d : d * factor;
  }
}
