package dev.graft.layers;

import dev.graft.autograd.ops.Noise;
import java.util.Map;

/**
 * Keras's {@code GaussianDropout}: in training multiplies each element by {@code N(1, rate / (1 -
 * rate))} noise; in inference, the identity. Its random values come from {@code Graft.seed}.
 */
public final class GaussianDropout extends NoiseLayer {
  private final double rate;

  /**
   * Gaussian dropout at {@code rate}.
   *
   * @param rate sets the noise's standard deviation {@code sqrt(rate / (1 - rate))}, in {@code [0,
   *     1)}
   * @throws IllegalArgumentException unless {@code 0 <= rate < 1}
   */
  public GaussianDropout(double rate) {
    super(Noise.Kind.GAUSSIAN_DROPOUT, checkedRate("GaussianDropout", rate), false);
    this.rate = rate;
  }

  static float checkedRate(String layer, double rate) {
    checkArgument(rate >= 0 && rate < 1, layer, "rate", rate);
    return (float) rate;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("rate", rate);
    c.put("seed", null);
    return c;
  }
}
