package dev.graft.tensor.reduce;

/**
 * {@code exp(x)} in float for {@code x <= 0}, as softmax needs after subtracting the lane maximum:
 * {@code 2^n · e^f} with {@code n} the nearest integer to {@code x / ln 2} and {@code e^f} a
 * degree-7 polynomial on {@code |f| <= ln 2 / 2}; within 2 ulp of {@code Math.exp}, several times
 * faster than it on the JDKs where {@code Math.exp} is not an intrinsic.
 */
final class FastExp {
  private static final float LOG2E = 1.44269504f;
  // ln 2 split so that n · LN2_HI is exact for |n| < 2^9.
  private static final float LN2_HI = 0.693145752f;
  private static final float LN2_LO = 1.42860677e-6f;

  /** Below this, {@code exp(x)} is under the smallest normal float: 0 (as softmax wants). */
  private static final float MIN = -87.33f;

  private FastExp() {}

  /** {@code exp(x)} for {@code x <= 0}; NaN stays NaN. */
  static float nonPositive(float x) {
    if (x < MIN) {
      return 0f;
    }
    int n = (int) (x * LOG2E - 0.5f);
    float f = x - n * LN2_HI - n * LN2_LO;
    float p =
        1f
            + f
                * (1f
                    + f
                        * (0.5f
                            + f
                                * (1f / 6
                                    + f
                                        * (1f / 24
                                            + f * (1f / 120 + f * (1f / 720 + f * (1f / 5040)))))));
    return p * Float.intBitsToFloat((n + 127) << 23);
  }
}
