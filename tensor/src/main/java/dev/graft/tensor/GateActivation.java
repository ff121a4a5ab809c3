package dev.graft.tensor;

/**
 * The activation of the fused recurrent kernels' gates (Keras's {@code recurrent_activation}): the
 * i, f, o gates of {@link Lstm}, the z, r gates of {@link Gru}.
 */
public enum GateActivation {
  /** {@code 1 / (1 + exp(-x))}: Keras 2 and 3's default. */
  SIGMOID,
  /**
   * {@code clip(0.2 x + 0.5, 0, 1)}: {@code hard_sigmoid} as Keras 2, tf.keras and TensorFlow.js
   * files mean it (and TensorFlow.js's default for LSTM/GRU). Its slope is 0.2 inside (0, 1), else
   * 0.
   */
  HARD_SIGMOID;

  /** Applies the activation to {@code a[from, to)} in place. */
  void applyInPlace(float[] a, int from, int to) {
    if (this == SIGMOID) {
      RecurrentSupport.sigmoidInPlace(a, from, to);
    } else {
      for (int i = from; i < to; i++) {
        a[i] = Math.max(0f, Math.min(1f, 0.2f * a[i] + 0.5f));
      }
    }
  }

  /** The derivative at the point whose activation is {@code y}. */
  float slope(float y) {
    return this == SIGMOID ? y * (1f - y) : y > 0f && y < 1f ? 0.2f : 0f;
  }
}
