package dev.graft.tensor.elementwise;

import dev.graft.tensor.Tensor;
import dev.graft.tensor.support.Checks;

/**
 * The less common activation functions (Keras 3 definitions) and their derivatives, element by
 * element. Relu, sigmoid and tanh have faster dedicated kernels in {@link Unary}.
 */
public final class Pointwise {
  /** The functions. */
  public enum Fn {
    /** {@code x > 0 ? x : exp(x) - 1}. */
    ELU,
    /** {@code scale * elu_alpha(x)} with Keras's self-normalising constants. */
    SELU,
    /** The exact GELU {@code x/2 * (1 + erf(x / sqrt 2))} (Keras 3's default). */
    GELU,
    /** {@code x * sigmoid(x)} (also called swish). */
    SILU,
    /** {@code x > 0 ? x : 0.2 x} (Keras 3's {@code leaky_relu} activation). */
    LEAKY_RELU,
    /** {@code relu6(x + 3) / 6} (Keras 3). */
    HARD_SIGMOID,
    /** {@code log(1 + exp(x))}, computed stably. */
    SOFTPLUS,
    /** {@code x / (1 + |x|)}. */
    SOFTSIGN,
    /** {@code exp(x)}. */
    EXPONENTIAL,
    /** {@code |x|}, for L1 penalties (derivative: the sign). */
    ABS,
    /**
     * {@code clip(0.2 x + 0.5, 0, 1)}: {@code hard_sigmoid} as Keras 2, tf.keras and TensorFlow.js
     * define it (Keras 3 changed it to {@link #HARD_SIGMOID}).
     */
    HARD_SIGMOID_KERAS2
  }

  private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
  private static final double SELU_SCALE = 1.0507009873554804934193349852946;
  private static final double INV_SQRT2 = 0.7071067811865476;
  private static final double INV_SQRT_2PI = 0.3989422804014327;

  private Pointwise() {}

  /**
   * {@code out = fn(x)}; returns {@code out}.
   *
   * @param fn the activation function
   * @param x the input
   * @param out a tensor of {@code x}'s shape (may be {@code x})
   * @return {@code out}
   */
  public static Tensor apply(Fn fn, Tensor x, Tensor out) {
    Checks.sameShape("pointwise " + fn, x, out);
    float[] a = x.array();
    float[] o = out.array();
    int xo = x.offset();
    int oo = out.offset();
    for (int i = 0, n = x.size(); i < n; i++) {
      o[oo + i] = (float) value(fn, a[xo + i]);
    }
    return out;
  }

  /**
   * {@code out = dy * fn'(x)}; returns {@code out}.
   *
   * @param fn the activation function
   * @param x the input
   * @param dy the gradient of the output, of {@code x}'s shape
   * @param out a tensor of {@code x}'s shape (may be {@code x} or {@code dy})
   * @return {@code out}
   */
  public static Tensor gradient(Fn fn, Tensor x, Tensor dy, Tensor out) {
    Checks.sameShape("pointwise " + fn + " gradient", x, dy);
    Checks.sameShape("pointwise " + fn + " gradient", dy, out);
    float[] a = x.array();
    float[] g = dy.array();
    float[] o = out.array();
    int xo = x.offset();
    int go = dy.offset();
    int oo = out.offset();
    for (int i = 0, n = x.size(); i < n; i++) {
      o[oo + i] = (float) (g[go + i] * derivative(fn, a[xo + i]));
    }
    return out;
  }

  /**
   * {@code fn(x)} in double precision.
   *
   * @param fn the activation function
   * @param x the input value
   * @return the activation's value at {@code x}
   */
  public static double value(Fn fn, double x) {
    return switch (fn) {
      case ELU -> x > 0 ? x : Math.expm1(x);
      case SELU -> SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
      case GELU -> 0.5 * x * (1 + erf(x * INV_SQRT2));
      case SILU -> x * sigmoid(x);
      case LEAKY_RELU -> x > 0 ? x : 0.2 * x;
      case HARD_SIGMOID -> Math.min(Math.max((x + 3) / 6, 0), 1);
      case SOFTPLUS -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
      case SOFTSIGN -> x / (1 + Math.abs(x));
      case EXPONENTIAL -> Math.exp(x);
      case ABS -> Math.abs(x);
      case HARD_SIGMOID_KERAS2 -> Math.min(Math.max(0.2 * x + 0.5, 0), 1);
    };
  }

  /**
   * {@code fn'(x)} in double precision.
   *
   * @param fn the activation function
   * @param x the input value
   * @return the derivative of the activation at {@code x}
   */
  public static double derivative(Fn fn, double x) {
    return switch (fn) {
      case ELU -> x > 0 ? 1 : Math.exp(x);
      case SELU -> SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x));
      case GELU -> 0.5 * (1 + erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
      case SILU -> {
        double s = sigmoid(x);
        yield s * (1 + x * (1 - s));
      }
      case LEAKY_RELU -> x > 0 ? 1 : 0.2;
      case HARD_SIGMOID -> x > -3 && x < 3 ? 1.0 / 6 : 0;
      case SOFTPLUS -> sigmoid(x);
      case SOFTSIGN -> 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x)));
      case EXPONENTIAL -> Math.exp(x);
      case ABS -> Math.signum(x);
      case HARD_SIGMOID_KERAS2 -> x > -2.5 && x < 2.5 ? 0.2 : 0;
    };
  }

  /**
   * Keras's {@code relu(x, negative_slope, max_value, threshold)}: {@code min(x, maxValue)} where
   * {@code x > threshold}, else {@code negativeSlope * (x - threshold)}. Covers Keras's ReLU,
   * ReLU6, LeakyReLU and ThresholdedReLU layers; returns {@code out}.
   *
   * @param x the input (the pre-activation, not the relu output)
   * @param negativeSlope the slope below the threshold; 0 for a plain ReLU
   * @param threshold where the output switches from the negative slope to identity; 0 for a plain
   *     ReLU
   * @param maxValue the upper clip, {@link Float#POSITIVE_INFINITY} for none
   * @param out a tensor of {@code x}'s shape (may be {@code x})
   * @return {@code out}
   */
  public static Tensor relu(
      Tensor x, float negativeSlope, float threshold, float maxValue, Tensor out) {
    Checks.sameShape("relu", x, out);
    float[] a = x.array();
    float[] o = out.array();
    int xo = x.offset();
    int oo = out.offset();
    for (int i = 0, n = x.size(); i < n; i++) {
      float v = a[xo + i];
      o[oo + i] = v > threshold ? Math.min(v, maxValue) : negativeSlope * (v - threshold);
    }
    return out;
  }

  /**
   * The gradient of {@link #relu(Tensor, float, float, float, Tensor)}: {@code dy} where {@code
   * threshold < x < maxValue}, {@code negativeSlope * dy} where {@code x <= threshold}, else 0;
   * returns {@code out}.
   *
   * @param x the input (the pre-activation, not the relu output)
   * @param dy the gradient of the output, of {@code x}'s shape
   * @param negativeSlope the slope below the threshold; 0 for a plain ReLU
   * @param threshold where the output switches from the negative slope to identity; 0 for a plain
   *     ReLU
   * @param maxValue the upper clip, {@link Float#POSITIVE_INFINITY} for none
   * @param out a tensor of {@code x}'s shape (may be {@code x} or {@code dy})
   * @return {@code out}
   */
  public static Tensor reluGradient(
      Tensor x, Tensor dy, float negativeSlope, float threshold, float maxValue, Tensor out) {
    Checks.sameShape("relu gradient", x, dy);
    Checks.sameShape("relu gradient", dy, out);
    float[] a = x.array();
    float[] g = dy.array();
    float[] o = out.array();
    int xo = x.offset();
    int go = dy.offset();
    int oo = out.offset();
    for (int i = 0, n = x.size(); i < n; i++) {
      float v = a[xo + i];
      float d = v > threshold ? (v < maxValue ? 1f : 0f) : negativeSlope;
      o[oo + i] = g[go + i] * d;
    }
    return out;
  }

  private static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  /**
   * The error function to near double precision: its Maclaurin series for {@code |x| < 2.5}, the
   * continued fraction of {@code erfc} beyond (Java has no erf).
   */
  static double erf(double x) {
    double ax = Math.abs(x);
    if (ax < 2.5) {
      // Maclaurin series: converges fast enough for |x| < 2.5 in double.
      double term = x;
      double sum = x;
      double x2 = x * x;
      for (int n = 1; n < 80; n++) {
        term *= -x2 / n;
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
          break;
        }
      }
      return 2 / Math.sqrt(Math.PI) * sum;
    }
    // erfc by its continued fraction (Lentz), accurate for large |x|.
    double t = ax;
    double f = t;
    double c = t;
    double d = 0;
    for (int k = 1; k < 200; k++) {
      double a = k / 2.0;
      d = t + a * d;
      d = d == 0 ? 1e-300 : 1 / d;
      c = t + a / c;
      if (c == 0) {
        c = 1e-300;
      }
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-15) {
        break;
      }
    }
    double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
    return Math.signum(x) * (1 - erfc);
  }
}
