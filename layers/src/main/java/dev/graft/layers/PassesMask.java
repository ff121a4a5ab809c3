package dev.graft.layers;

/**
 * Base of one-input layers that act on each step on its own (activations, noise, normalisation of
 * the last axes): Keras marks them {@code supports_masking}, so an input's mask passes through.
 */
public abstract class PassesMask extends SingleInput {
  @Override
  protected boolean supportsMasking() {
    return true;
  }
}
