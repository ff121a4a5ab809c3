package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

/**
 * Helpers shared by kernel tests: seeded random tensors and arrays, tolerant and bit-exact
 * comparisons.
 */
public final class TestTensors {
  private TestTensors() {}

  /** Uniform values in [-1, 1) from a fixed seed. */
  public static Tensor random(long seed, int... dims) {
    return Tensor.uniform(new Rng(seed), -1f, 1f, dims);
  }

  /**
   * Fails unless {@code |got - want| <= atol + rtol * |want|} everywhere; the message names the
   * first bad position, both values and the shapes.
   */
  public static void assertClose(double[] want, Tensor got, double rtol, double atol, String what) {
    if (want.length != got.size()) {
      fail(what + ": expected " + want.length + " values, got shape " + got.shape());
    }
    for (int i = 0; i < want.length; i++) {
      double g = got.getFlat(i);
      if (!(Math.abs(g - want[i]) <= atol + rtol * Math.abs(want[i]))) {
        fail(
            what
                + ": element "
                + i
                + " of shape "
                + got.shape()
                + " is "
                + g
                + ", expected "
                + want[i]);
      }
    }
  }

  /** {@link #assertClose(double[], Tensor, double, double, String)} against another tensor. */
  public static void assertClose(Tensor want, Tensor got, double rtol, double atol, String what) {
    if (!want.shape().equals(got.shape())) {
      fail(what + ": expected shape " + want.shape() + ", got " + got.shape());
    }
    double[] w = new double[want.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = want.getFlat(i);
    }
    assertClose(w, got, rtol, atol, what);
  }

  /** {@code n} Gaussian values from {@code r}. */
  public static float[] random(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  /** Fails unless both arrays hold the same bits (NaN payloads and signed zeros included). */
  public static void assertBits(float[] expected, float[] actual, String what) {
    int[] e = new int[expected.length];
    int[] a = new int[actual.length];
    for (int i = 0; i < e.length; i++) {
      e[i] = Float.floatToRawIntBits(expected[i]);
      a[i] = Float.floatToRawIntBits(actual[i]);
    }
    assertArrayEquals(e, a, what);
  }
}
