package dev.graft.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.layers.Initializer;
import dev.graft.layers.Initializers;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * docs/guide-layers.md's "Keras's initializers": each draws from Keras's distribution. A
 * convolution kernel of shape (3, 3, 40, 50) has Keras's fans 360 and 450 (receptive field times
 * channels); the sample's bounds and variance are checked against Keras's formulas (variance within
 * 3%: three to four standard errors of 18,000 draws; the draws are seeded, so the check is
 * repeatable).
 */
class InitializersTest {
  private static final Shape KERNEL = Shape.of(3, 3, 40, 50);
  private static final double FAN_IN = 360;
  private static final double FAN_OUT = 450;

  private static float[] draw(String kerasName) {
    Initializer init = Initializers.of(kerasName);
    return init.create(KERNEL, new Rng(7)).toArray();
  }

  private static double variance(float[] w) {
    double mean = 0;
    for (float v : w) {
      mean += v;
    }
    mean /= w.length;
    double var = 0;
    for (float v : w) {
      var += (v - mean) * (v - mean);
    }
    return var / w.length;
  }

  private static double maxAbs(float[] w) {
    double m = 0;
    for (float v : w) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  /** Uniform in ±sqrt(3 var): every draw inside, the largest near the bound, Keras's variance. */
  private static void uniform(String name, double var) {
    float[] w = draw(name);
    double limit = Math.sqrt(3 * var);
    assertTrue(maxAbs(w) <= limit, name + " exceeds " + limit);
    assertTrue(maxAbs(w) > 0.99 * limit, name + " does not reach " + limit);
    assertEquals(var, variance(w), 0.03 * var, name);
  }

  /** Keras's truncated normal keeps the variance and cuts at two of its (widened) deviations. */
  private static void truncatedNormal(String name, double var) {
    float[] w = draw(name);
    double std = Math.sqrt(var) / 0.87962566103423978;
    assertTrue(maxAbs(w) <= 2 * std * (1 + 1e-6), name + " exceeds two deviations");
    assertTrue(maxAbs(w) > 1.9 * std, name + " is cut too early");
    assertEquals(var, variance(w), 0.03 * var, name);
  }

  @Test
  void varianceScalingFamilyFollowsKeras() {
    uniform("glorot_uniform", 2 / (FAN_IN + FAN_OUT));
    uniform("he_uniform", 2 / FAN_IN);
    uniform("lecun_uniform", 1 / FAN_IN);
    truncatedNormal("glorot_normal", 2 / (FAN_IN + FAN_OUT));
    truncatedNormal("he_normal", 2 / FAN_IN);
    truncatedNormal("lecun_normal", 1 / FAN_IN);
  }

  @Test
  void fixedDistributionsUseKerasDefaults() {
    float[] u = draw("random_uniform");
    assertTrue(maxAbs(u) <= 0.05 && maxAbs(u) > 0.049, "random_uniform in [-0.05, 0.05)");
    assertEquals(0.05 * 0.05, variance(draw("random_normal")), 0.03 * 0.05 * 0.05);
    float[] t = draw("truncated_normal");
    assertTrue(maxAbs(t) <= 0.1 * (1 + 1e-6), "truncated_normal within two deviations");
    for (String constant : new String[] {"zeros", "ones"}) {
      for (float v : draw(constant)) {
        assertEquals(constant.equals("ones") ? 1f : 0f, v);
      }
    }
  }

  @Test
  void orthogonalGivesOrthonormalColumns() {
    // Keras flattens to (prod of all but the last axis, last axis): 360 x 50, columns orthonormal.
    Tensor w = Initializers.of("orthogonal").create(KERNEL, new Rng(3));
    float[] a = w.toArray();
    int rows = 360;
    int cols = 50;
    for (int i = 0; i < cols; i++) {
      for (int j = 0; j < cols; j++) {
        double dot = 0;
        for (int r = 0; r < rows; r++) {
          dot += (double) a[r * cols + i] * a[r * cols + j];
        }
        assertEquals(i == j ? 1 : 0, dot, 1e-4, "column " + i + " . column " + j);
      }
    }
  }
}
