package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Noise;
import dev.graft.tensor.Shape;

/**
 * Base of Keras's random regularisation layers ({@code GaussianNoise}, {@code GaussianDropout},
 * {@code AlphaDropout}, {@code SpatialDropout1D/2D/3D}): the identity in inference, random in
 * training (see {@link Noise}).
 */
public abstract class NoiseLayer extends PassesMask {
  private final Noise.Kind kind;
  private final float amount;
  private final boolean perChannel;

  NoiseLayer(Noise.Kind kind, float amount, boolean perChannel) {
    this.kind = kind;
    this.amount = amount;
    this.perChannel = perChannel;
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return amount == 0f ? x : Noise.of(x, kind, amount, perChannel);
  }
}
