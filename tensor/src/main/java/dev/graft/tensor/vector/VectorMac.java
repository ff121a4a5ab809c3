package dev.graft.tensor.vector;

import dev.graft.tensor.conv.MacKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MacKernel} on the Vector API: whole vectors with a fused multiply-add, the tail in plain
 * Java. Nothing is checked here beyond Java's bounds checks: the callers check shapes. Made by
 * name, only when the JVM has the {@code jdk.incubator.vector} module.
 */
public final class VectorMac implements MacKernel {
  /** Made by name when the module is present (see {@link MacKernel}). */
  public VectorMac() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  @Override
  public void mac(float[] acc, int ao, float[] a, int ab, float[] b, int bb, int len) {
    int t = 0;
    for (int end = len - L; t <= end; t += L) {
      FloatVector va = FloatVector.fromArray(S, a, ab + t);
      FloatVector vb = FloatVector.fromArray(S, b, bb + t);
      va.fma(vb, FloatVector.fromArray(S, acc, ao + t)).intoArray(acc, ao + t);
    }
    for (; t < len; t++) {
      acc[ao + t] += a[ab + t] * b[bb + t];
    }
  }
}
