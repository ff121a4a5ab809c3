package dev.graft.tensor.support;

/**
 * Inputs for the {@link JitWarmup} exercises: small arrays of fixed, finite values. Only the
 * warm-up thread touches them, one family at a time; the arrays are made once per family.
 */
public final class Exercise {
  private Exercise() {}

  /** An input of 1024 values in [-1, 1). */
  public static final float[] X = floats(1024);

  /**
   * A new array of {@code n} values in [-1, 1), the same each time.
   *
   * @param n the length
   * @return the new array
   */
  public static float[] floats(int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = ((i * 37 + 11) % 64) / 32f - 1f;
    }
    return a;
  }
}
