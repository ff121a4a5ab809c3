package dev.graft.dsl;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Relu;
import dev.graft.autograd.ops.ReluVariant;
import dev.graft.autograd.ops.Sigmoid;
import dev.graft.autograd.ops.Softmax;
import dev.graft.autograd.ops.Tanh;
import dev.graft.tensor.elementwise.Pointwise;
import java.util.Locale;

/**
 * Keras's activation functions, the typed alternative to their names: {@code
 * dense(64).activation(Activation.RELU)} is {@code dense(64).activation("relu")}.
 */
public enum Activation {
  /** The identity (Keras's {@code linear}, the default). */
  LINEAR,
  /** {@code max(x, 0)}. */
  RELU,
  /** {@code 1 / (1 + exp(-x))}. */
  SIGMOID,
  /** {@code tanh(x)}. */
  TANH,
  /** Softmax over the last axis. */
  SOFTMAX,
  /** Exponential linear unit. */
  ELU,
  /** Scaled exponential linear unit. */
  SELU,
  /** Gaussian error linear unit (exact). */
  GELU,
  /** {@code x · sigmoid(x)}, also called swish. */
  SILU,
  /** {@code x > 0 ? x : 0.2 x}. */
  LEAKY_RELU,
  /** {@code relu6(x + 3) / 6}. */
  HARD_SIGMOID,
  /** {@code log(1 + exp(x))}. */
  SOFTPLUS,
  /** {@code x / (1 + |x|)}. */
  SOFTSIGN,
  /** {@code exp(x)}. */
  EXPONENTIAL,
  /**
   * {@code clip(0.2 x + 0.5, 0, 1)}: what {@code "hard_sigmoid"} means in Keras 2, tf.keras and
   * TensorFlow.js files (Keras 3 redefined it as {@link #HARD_SIGMOID}). Saved as {@code
   * "hard_sigmoid_keras2"} so that a reloaded {@code .keras} file keeps the Keras 2 form; Keras 3
   * itself has no function of that name, and refuses it rather than compute the other form.
   */
  HARD_SIGMOID_KERAS2,
  /** {@code min(max(x, 0), 6)} (Keras's and TensorFlow.js's {@code relu6}). */
  RELU6;

  /**
   * Keras's name, e.g. {@code relu}.
   *
   * @return the snake-case name Keras writes in configs
   */
  public String kerasName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The activation with Keras's name ({@code "relu"}, {@code "swish"}, ...; {@code null} or {@code
   * "linear"} for none).
   *
   * @param name a Keras activation name, or {@code null}
   * @return the activation, {@link #LINEAR} for {@code null} or {@code "linear"}
   * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
   */
  public static Activation of(String name) {
    if (name == null) {
      return LINEAR;
    }
    String n = name.toLowerCase(Locale.ROOT);
    if (n.equals("swish")) {
      return SILU;
    }
    for (Activation a : values()) {
      if (a.kerasName().equals(n)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "Unknown activation \""
            + name
            + "\"; expected one of linear, relu, sigmoid, tanh, softmax, elu, selu, gelu, silu"
            + " (swish), leaky_relu, hard_sigmoid, softplus, softsign, exponential,"
            + " hard_sigmoid_keras2, relu6");
  }

  /**
   * The activation a Keras 2, tf.keras or TensorFlow.js file means by {@code name}: as {@link
   * #of(String)}, except that {@code "hard_sigmoid"} is {@link #HARD_SIGMOID_KERAS2}.
   *
   * @param name the activation name found in the file
   * @return the activation the file's Keras version computes
   * @throws IllegalArgumentException for an unknown name
   */
  public static Activation ofKeras2(String name) {
    Activation a = of(name);
    return a == HARD_SIGMOID ? HARD_SIGMOID_KERAS2 : a;
  }

  /**
   * Applies this activation to {@code x} in the graph.
   *
   * @param x the node to activate, any shape
   * @return a node shaped like {@code x}; {@code x} itself for {@link #LINEAR}
   */
  public Node apply(Node x) {
    return switch (this) {
      case LINEAR -> x;
      case RELU -> Relu.of(x);
      case SIGMOID -> Sigmoid.of(x);
      case TANH -> Tanh.of(x);
      case SOFTMAX -> Softmax.of(x, -1);
      case RELU6 -> ReluVariant.of(x, 0f, 0f, 6f);
      default -> dev.graft.autograd.ops.Activation.of(Pointwise.Fn.valueOf(name()), x);
    };
  }
}
