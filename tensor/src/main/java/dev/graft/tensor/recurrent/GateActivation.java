package dev.graft.tensor.recurrent;

/**
 * The activation of an LSTM's or GRU's gates (Keras's {@code recurrent_activation}), applied inside
 * the fused recurrent kernels.
 */
public enum GateActivation {
  /** {@code 1 / (1 + exp(-x))}: Keras 2 and 3's default. */
  SIGMOID("sigmoid", 0f),
  /**
   * {@code relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1)}: {@code hard_sigmoid} as Keras 3 means it.
   */
  HARD_SIGMOID("hard_sigmoid", 1f / 6f),
  /**
   * {@code clip(0.2 x + 0.5, 0, 1)}: {@code hard_sigmoid} as Keras 2, tf.keras and TensorFlow.js
   * files mean it (and TensorFlow.js's default for LSTM/GRU).
   */
  HARD_SIGMOID_KERAS2("hard_sigmoid_keras2", 0.2f);

  private final String kerasName;
  private final float hardSlope;

  GateActivation(String kerasName, float hardSlope) {
    this.kerasName = kerasName;
    this.hardSlope = hardSlope;
  }

  /**
   * The name a saved config uses (Graft's activation names, as {@code Activation} writes them).
   *
   * @return the name, e.g. {@code "hard_sigmoid_keras2"}; {@link #named} maps it back
   */
  public String kerasName() {
    return kerasName;
  }

  /**
   * The gate activation called {@code name} ({@code sigmoid}, {@code hard_sigmoid}, {@code
   * hard_sigmoid_keras2}), or {@code null} if the fused kernels have none of that name.
   *
   * @param name a saved activation name; not null
   * @return the matching activation, or {@code null} for any other name
   */
  public static GateActivation named(String name) {
    for (GateActivation g : values()) {
      if (g.kerasName.equals(name)) {
        return g;
      }
    }
    return null;
  }

  /** Applies the activation to {@code a[from, to)} in place. */
  void applyInPlace(float[] a, int from, int to) {
    if (this == SIGMOID) {
      RecurrentSupport.sigmoidInPlace(a, from, to);
    } else {
      for (int i = from; i < to; i++) {
        a[i] = Math.max(0f, Math.min(1f, hardSlope * a[i] + 0.5f));
      }
    }
  }

  /** The derivative at the point whose activation is {@code y}. */
  float slope(float y) {
    return this == SIGMOID ? y * (1f - y) : y > 0f && y < 1f ? hardSlope : 0f;
  }
}
