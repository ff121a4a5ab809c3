package dev.graft.layers;

import dev.graft.autograd.ops.Noise;
import java.util.Map;

/**
 * Keras's {@code GaussianNoise}: in training adds {@code N(0, stddev²)} noise to each element; in
 * inference, the identity. Its random values come from {@code Graft.seed}.
 */
public final class GaussianNoise extends NoiseLayer {
  private final double stddev;

  /**
   * Noise of standard deviation {@code stddev}.
   *
   * @param stddev the noise's standard deviation in training
   * @throws IllegalArgumentException unless {@code stddev >= 0} and finite
   */
  public GaussianNoise(double stddev) {
    super(Noise.Kind.GAUSSIAN_NOISE, checked(stddev), false);
    this.stddev = stddev;
  }

  private static float checked(double stddev) {
    checkArgument(stddev >= 0 && Double.isFinite(stddev), "GaussianNoise", "stddev", stddev);
    return (float) stddev;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("stddev", stddev);
    c.put("seed", null);
    return c;
  }
}
