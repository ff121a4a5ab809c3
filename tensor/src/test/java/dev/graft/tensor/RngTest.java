package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The bulk draws give the values of the one-at-a-time calls, in order, so that a seed keeps giving
 * the same weights and dropout masks whichever a caller uses.
 */
class RngTest {
  @Test
  void bulkUniformEqualsOneCallAtATime() {
    Rng one = new Rng(42);
    Rng bulk = new Rng(42);
    float[] expected = new float[1003];
    for (int i = 3; i < 1003; i++) {
      expected[i] = one.uniform(-0.7f, 0.3f);
    }
    float[] got = new float[1003];
    bulk.uniform(got, 3, 1003, -0.7f, 0.3f);
    assertArrayEquals(expected, got);
    assertEquals(one.nextLong(), bulk.nextLong(), "both generators advanced alike");
  }

  @Test
  void bulkMasksAndGaussiansEqualOneCallAtATime() {
    Rng one = new Rng(7);
    Rng bulk = new Rng(7);
    float[] expected = new float[600];
    for (int i = 0; i < 300; i++) {
      expected[i] = one.nextFloat() < 0.3f ? 0f : 1.5f;
    }
    for (int i = 300; i < 600; i++) {
      expected[i] = (float) one.nextGaussian();
    }
    float[] got = new float[600];
    bulk.keepMask(got, 0, 300, 0.3f, 1.5f);
    bulk.nextGaussians(got, 300, 600);
    assertArrayEquals(expected, got);
    assertEquals(one.nextLong(), bulk.nextLong(), "both generators advanced alike");
  }

  @Test
  void bulkNormalsEqualOneCallAtATimeWithRedraws() {
    Rng one = new Rng(11);
    Rng bulk = new Rng(11);
    float[] expected = new float[2000];
    int redrawn = 0;
    for (int i = 0; i < 1000; i++) {
      double z = one.nextGaussian();
      while (Math.abs(z) > 2) {
        z = one.nextGaussian();
        redrawn++;
      }
      expected[i] = (float) (0.5 + 0.1 * z);
    }
    for (int i = 1000; i < 2000; i++) {
      expected[i] = (float) (-1 + 3 * one.nextGaussian());
    }
    float[] got = new float[2000];
    bulk.normal(got, 0, 1000, 0.5, 0.1, 2);
    bulk.normal(got, 1000, 2000, -1, 3, Double.POSITIVE_INFINITY);
    assertArrayEquals(expected, got);
    assertTrue(redrawn > 20, "the truncation redrew " + redrawn + " values");
    assertEquals(one.nextLong(), bulk.nextLong(), "both generators advanced alike");
    assertThrows(IllegalArgumentException.class, () -> bulk.normal(got, 0, 1, 0, 1, 0));
  }

  @Test
  void tensorFactoriesKeepTheirValues() {
    Rng one = new Rng(3);
    Tensor u = Tensor.uniform(new Rng(3), -1f, 1f, 4, 5);
    Tensor n = Tensor.randn(new Rng(3), 4, 5);
    Rng other = new Rng(3);
    for (int i = 0; i < 20; i++) {
      assertEquals(one.uniform(-1f, 1f), u.getFlat(i));
      assertEquals((float) other.nextGaussian(), n.getFlat(i));
    }
  }

  @Test
  void aRangeOutsideTheArrayIsRefusedBeforeAnyDraw() {
    Rng r = new Rng(1);
    Rng same = new Rng(1);
    float[] a = new float[4];
    assertThrows(IndexOutOfBoundsException.class, () -> r.uniform(a, 2, 5, 0f, 1f));
    assertThrows(IndexOutOfBoundsException.class, () -> r.keepMask(a, -1, 2, 0.5f, 2f));
    assertThrows(IndexOutOfBoundsException.class, () -> r.nextGaussians(a, 3, 2));
    assertArrayEquals(new float[4], a);
    assertEquals(same.nextLong(), r.nextLong(), "nothing drawn");
  }
}
