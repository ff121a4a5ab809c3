package dev.graft.autograd.optim;

/** Adam with decoupled weight decay (Keras's {@code AdamW}; default weight decay 0.004). */
public final class AdamW extends Adam {
  /** Keras's defaults: lr 0.001, weight decay 0.004, beta1 0.9, beta2 0.999, epsilon 1e-7. */
  public AdamW() {
    this(0.001f, 0.004f);
  }

  /**
   * AdamW with the given learning rate and weight decay.
   *
   * @param learningRate the base learning rate
   * @param weightDecay the decoupled weight decay coefficient (Keras: 0.004)
   */
  public AdamW(float learningRate, float weightDecay) {
    super(learningRate, 0.9f, 0.999f, 1e-7f, weightDecay);
  }
}
