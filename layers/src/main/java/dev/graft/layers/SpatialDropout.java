package dev.graft.layers;

import dev.graft.autograd.ops.Noise;
import dev.graft.tensor.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code SpatialDropout1D}, {@code SpatialDropout2D} and {@code SpatialDropout3D}: dropout
 * of whole channels (channels last), the noise shape {@code (batch, 1, ..., 1, channels)}: in
 * training each sample's channel is zeroed everywhere with probability {@code rate} and the rest
 * scaled by {@code 1 / (1 - rate)}; in inference, the identity.
 */
public final class SpatialDropout extends NoiseLayer {
  private final int spatialDims;
  private final double rate;

  /**
   * Spatial dropout at {@code rate} over inputs with {@code spatialDims} (1, 2 or 3) axes between
   * the batch and the channels.
   *
   * @param spatialDims 1 for sequences, 2 for images, 3 for volumes
   * @param rate the fraction of whole channels dropped in training
   * @throws IllegalArgumentException unless {@code 0 <= rate < 1} and {@code spatialDims} is 1, 2
   *     or 3
   */
  public SpatialDropout(int spatialDims, double rate) {
    super(Noise.Kind.DROPOUT, GaussianDropout.checkedRate("SpatialDropout", rate), true);
    checkArgument(spatialDims >= 1 && spatialDims <= 3, "SpatialDropout", "rank", spatialDims);
    this.spatialDims = spatialDims;
    this.rate = rate;
  }

  @Override
  public String className() {
    return "SpatialDropout" + spatialDims + "D";
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    if (in.get(0).rank() != spatialDims + 2) {
      throw incompatible(0, "rank " + (spatialDims + 2) + " (channels last)", in.get(0));
    }
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("rate", rate);
    c.put("seed", null);
    if (spatialDims > 1) {
      c.put("data_format", "channels_last");
    }
    return c;
  }
}
