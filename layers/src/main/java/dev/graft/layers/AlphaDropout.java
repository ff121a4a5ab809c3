package dev.graft.layers;

import dev.graft.autograd.ops.Noise;
import java.util.Map;

/**
 * Keras's {@code AlphaDropout}, for SELU networks: in training each element is dropped with
 * probability {@code rate} to SELU's negative saturation {@code alpha' = -1.7581}, then {@code a x
 * + b} with {@code a = ((1 - rate)(1 + rate alpha'²))^-1/2}, {@code b = -a alpha' rate} keeps the
 * mean and variance; in inference, the identity. Its random values come from {@code Graft.seed}.
 */
public final class AlphaDropout extends NoiseLayer {
  private final double rate;

  /**
   * Alpha dropout at {@code rate}.
   *
   * @param rate the fraction of values dropped in training, in {@code [0, 1)}
   * @throws IllegalArgumentException unless {@code 0 <= rate < 1}
   */
  public AlphaDropout(double rate) {
    super(Noise.Kind.ALPHA_DROPOUT, GaussianDropout.checkedRate("AlphaDropout", rate), false);
    this.rate = rate;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("rate", rate);
    c.put("noise_shape", null);
    c.put("seed", null);
    return c;
  }
}
