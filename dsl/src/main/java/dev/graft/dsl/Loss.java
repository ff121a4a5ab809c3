package dev.graft.dsl;

import dev.graft.tensor.reduce.Losses;
import java.util.Locale;

/**
 * A loss function with Keras semantics (per-sample values averaged over the batch, weighted by
 * sample weights if given). Strings name them as Keras does: {@code "binary_crossentropy"}, {@code
 * "mse"}, ...
 */
public final class Loss {
  private final Losses.Kind kind;
  private final String name;
  private final float delta;

  private Loss(Losses.Kind kind, String name, float delta) {
    this.kind = kind;
    this.name = name;
    this.delta = delta;
  }

  /**
   * Binary cross-entropy on probabilities, or on logits with {@code fromLogits}.
   *
   * @param fromLogits true if the model outputs logits rather than sigmoid probabilities
   * @return the loss
   */
  public static Loss binaryCrossentropy(boolean fromLogits) {
    return new Loss(
        fromLogits ? Losses.Kind.BINARY_CROSSENTROPY_LOGITS : Losses.Kind.BINARY_CROSSENTROPY,
        "binary_crossentropy",
        0);
  }

  /**
   * Categorical cross-entropy on one-hot (or soft) targets.
   *
   * @param fromLogits true if the model outputs logits rather than softmax probabilities
   * @return the loss
   */
  public static Loss categoricalCrossentropy(boolean fromLogits) {
    return new Loss(
        fromLogits
            ? Losses.Kind.CATEGORICAL_CROSSENTROPY_LOGITS
            : Losses.Kind.CATEGORICAL_CROSSENTROPY,
        "categorical_crossentropy",
        0);
  }

  /**
   * Categorical cross-entropy on integer class targets.
   *
   * @param fromLogits true if the model outputs logits rather than softmax probabilities
   * @return the loss
   */
  public static Loss sparseCategoricalCrossentropy(boolean fromLogits) {
    return new Loss(
        fromLogits
            ? Losses.Kind.SPARSE_CATEGORICAL_CROSSENTROPY_LOGITS
            : Losses.Kind.SPARSE_CATEGORICAL_CROSSENTROPY,
        "sparse_categorical_crossentropy",
        0);
  }

  /**
   * Mean squared error.
   *
   * @return the loss
   */
  public static Loss meanSquaredError() {
    return new Loss(Losses.Kind.MEAN_SQUARED_ERROR, "mean_squared_error", 0);
  }

  /**
   * Mean absolute error.
   *
   * @return the loss
   */
  public static Loss meanAbsoluteError() {
    return new Loss(Losses.Kind.MEAN_ABSOLUTE_ERROR, "mean_absolute_error", 0);
  }

  /**
   * Huber loss with threshold {@code delta} (Keras's default 1).
   *
   * @param delta where the loss turns from quadratic to linear
   * @return the loss
   * @throws IllegalArgumentException if {@code delta <= 0}
   */
  public static Loss huber(float delta) {
    if (!(delta > 0)) {
      throw new IllegalArgumentException("Huber: Received: delta=" + delta);
    }
    return new Loss(Losses.Kind.HUBER, "huber", delta);
  }

  /**
   * The loss with Keras's name.
   *
   * @param name the snake-case Keras name, e.g. {@code categorical_crossentropy}
   * @return the loss
   * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
   */
  public static Loss of(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "binary_crossentropy", "bce" -> binaryCrossentropy(false);
      case "categorical_crossentropy", "cce" -> categoricalCrossentropy(false);
      case "sparse_categorical_crossentropy" -> sparseCategoricalCrossentropy(false);
      case "mean_squared_error", "mse" -> meanSquaredError();
      case "mean_absolute_error", "mae" -> meanAbsoluteError();
      case "huber", "huber_loss" -> huber(1f);
      default ->
          throw new IllegalArgumentException(
              "Unknown loss \""
                  + name
                  + "\"; expected one of binary_crossentropy, categorical_crossentropy,"
                  + " sparse_categorical_crossentropy, mean_squared_error (mse),"
                  + " mean_absolute_error (mae), huber");
    };
  }

  /** Turns a loss argument (a {@code Loss} or a name) into a {@code Loss}. */
  static Loss from(Object o) {
    if (o instanceof Loss l) {
      return l;
    }
    if (o instanceof String s) {
      return of(s);
    }
    throw new IllegalArgumentException(
        "A loss must be a Loss or a Keras loss name; Received: loss=" + o);
  }

  /**
   * The kernel kind.
   *
   * @return the kernel's loss kind
   */
  public Losses.Kind kind() {
    return kind;
  }

  /**
   * Keras's name.
   *
   * @return the snake-case name
   */
  public String name() {
    return name;
  }

  /**
   * Huber's threshold.
   *
   * @return the threshold, meaningful for the Huber loss only
   */
  public float delta() {
    return delta;
  }

  /**
   * True for cross-entropies on probabilities or logits of binary targets.
   *
   * @return true for binary cross-entropy
   */
  public boolean binary() {
    return kind == Losses.Kind.BINARY_CROSSENTROPY
        || kind == Losses.Kind.BINARY_CROSSENTROPY_LOGITS;
  }

  @Override
  public String toString() {
    return name;
  }
}
