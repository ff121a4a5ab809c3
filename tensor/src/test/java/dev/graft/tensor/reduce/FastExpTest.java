package dev.graft.tensor.reduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The softmax exponential against {@code Math.exp} in double over its whole range. */
class FastExpTest {
  @Test
  void withinTwoUlpOfExpForNonPositiveInputs() {
    double worst = 0;
    for (float x = 0f; x > -87.3f; x -= 0.000713f) {
      double want = Math.exp(x);
      float got = FastExp.nonPositive(x);
      double ulps = Math.abs(got - want) / Math.ulp((float) want);
      worst = Math.max(worst, ulps);
    }
    assertTrue(worst <= 2, "worst error " + worst + " ulp");
    assertEquals(1f, FastExp.nonPositive(0f));
    assertEquals(0f, FastExp.nonPositive(-1e9f));
    assertEquals(0f, FastExp.nonPositive(Float.NEGATIVE_INFINITY));
    assertTrue(Float.isNaN(FastExp.nonPositive(Float.NaN)));
  }
}
