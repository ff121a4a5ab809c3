package dev.graft.tensor.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Lane reductions in a fixed order, and the one rule every kernel of this package follows: <b>the
 * vector a method is called on has a type C2 knows while parsing</b> — fresh from a load, a
 * broadcast or another operation, never a variable merged from two paths (a loop's accumulator
 * after the loop, a value set in an {@code if}) nor a parameter. C2 decides whether to inline the
 * call on such a merged vector from the type profile of a call site inside the JDK's code; a JVM
 * whose C2 queue was long when the kernel compiled (methods then compile at tier 2, which records
 * no profile) had none, left the call out of line, and the operation ran on the Java fallback, lane
 * by lane, for the JVM's life: MultiHeadAttention's softmax took 10 ms a call instead of 0.3 in
 * about one fresh JVM in six. Arguments may be merged vectors (the operations cast them to the
 * exact class); where the receiver must be one, {@link #known} retypes it, and commutative
 * accumulations put the fresh vector first ({@code acc = v.add(acc)}). Where {@code known} costs
 * ({@code VectorProducts}' four-wide block: sixteen of them made a 1024³ product 22 ms instead of
 * 16), the last iteration is taken after the loop and its fresh results stored.
 */
final class Lanes {
  private Lanes() {}

  private static final FloatVector ZERO = FloatVector.zero(FloatVector.SPECIES_PREFERRED);
  private static final VectorMask<Float> ALL = FloatVector.SPECIES_PREFERRED.maskAll(true);

  /**
   * {@code v} bit for bit (a blend taking every lane of it), as a vector of the exact class: call
   * methods on the result, not on a merged {@code v}.
   */
  static FloatVector known(FloatVector v) {
    return ZERO.blend(v, ALL);
  }

  /**
   * The lanes' sum, added from lane 0 up. {@code reduceLanes(ADD)} leaves the order unspecified: on
   * Java 17 C2's intrinsic and the interpreter's Java code both add in lane order (checked: a
   * 64x1100 dot product and softmax gave the same bits interpreted and compiled, and the same as
   * this), but nothing promises it for another JDK or CPU, and a seeded run's numbers must not
   * depend on whether a kernel was compiled yet.
   */
  static float sum(FloatVector v) {
    FloatVector k = known(v);
    float sum = k.lane(0);
    for (int i = 1; i < k.length(); i++) {
      sum += k.lane(i);
    }
    return sum;
  }
}
