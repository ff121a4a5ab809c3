package dev.graft.tensor.vector;

import jdk.incubator.vector.FloatVector;

/** Lane reductions in a fixed order, for the kernels of this package. */
final class Lanes {
  private Lanes() {}

  /**
   * The lanes' sum, added from lane 0 up. {@code reduceLanes(ADD)} leaves the order unspecified: on
   * Java 17 C2's intrinsic and the interpreter's Java code both add in lane order (checked: a
   * 64x1100 dot product and softmax gave the same bits interpreted and compiled, and the same as
   * this), but nothing promises it for another JDK or CPU, and a seeded run's numbers must not
   * depend on whether a kernel was compiled yet.
   */
  static float sum(FloatVector v) {
    float sum = v.lane(0);
    for (int i = 1; i < v.length(); i++) {
      sum += v.lane(i);
    }
    return sum;
  }
}
