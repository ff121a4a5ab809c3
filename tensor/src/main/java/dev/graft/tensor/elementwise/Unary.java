package dev.graft.tensor.elementwise;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.support.Checks;

/**
 * Element-wise unary kernels {@code out[i] = f(x[i])} and the fused derivative forms autograd uses
 * in the backward pass. {@code out} must have the input's shape and may be the input itself.
 */
public final class Unary {
  private static final int NEG = 0;
  private static final int EXP = 1;
  private static final int LOG = 2;
  private static final int SQRT = 3;
  private static final int SQUARE = 4;
  private static final int ABS = 5;
  private static final int TANH = 6;
  private static final int SIGMOID = 7;
  private static final int RELU = 8;
  private static final String[] NAMES = {
    "neg", "exp", "log", "sqrt", "square", "abs", "tanh", "sigmoid", "relu"
  };

  private static final int RELU_GRAD = 0;
  private static final int SIGMOID_GRAD = 1;
  private static final int TANH_GRAD = 2;
  private static final String[] GRAD_NAMES = {"reluGrad", "sigmoidGrad", "tanhGrad"};

  /** Below this many elements a transcendental op runs on the calling thread alone. */
  private static final int PARALLEL_MIN = 1 << 15;

  private Unary() {}

  /**
   * {@code out = -x}; returns {@code out}.
   *
   * @param x the input
   * @param out a tensor of {@code x}'s shape (may be {@code x} itself)
   * @return {@code out}
   */
  public static Tensor neg(Tensor x, Tensor out) {
    return map(NEG, x, out);
  }

  /**
   * {@code -x} in a new tensor.
   *
   * @param x the input
   * @return a new tensor of {@code x}'s shape
   */
  public static Tensor neg(Tensor x) {
    return map(NEG, x, null);
  }

  /**
   * {@code out = e^x}; returns {@code out}.
   *
   * @param x the input
   * @param out a tensor of {@code x}'s shape (may be {@code x} itself)
   * @return {@code out}
   */
  public static Tensor exp(Tensor x, Tensor out) {
    return map(EXP, x, out);
  }

  /**
   * {@code e^x} in a new tensor.
   *
   * @param x the input
   * @return a new tensor of {@code x}'s shape
   */
  public static Tensor exp(Tensor x) {
    return map(EXP, x, null);
  }

  /**
   * {@code out = ln x} ({@code -inf} at 0, NaN below); returns {@code out}.
   *
   * @param x the input
   * @param out a tensor of {@code x}'s shape (may be {@code x} itself)
   * @return {@code out}
   */
  public static Tensor log(Tensor x, Tensor out) {
    return map(LOG, x, out);
  }

  /**
   * {@code ln x} in a new tensor.
   *
   * @param x the input
   * @return a new tensor of {@code x}'s shape
   */
  public static Tensor log(Tensor x) {
    return map(LOG, x, null);
  }

  /**
   * {@code out = sqrt(x)} (NaN below 0); returns {@code out}.
   *
   * @param x the input
   * @param out a tensor of {@code x}'s shape (may be {@code x} itself)
   * @return {@code out}
   */
  public static Tensor sqrt(Tensor x, Tensor out) {
    return map(SQRT, x, out);
  }

  /**
   * {@code sqrt(x)} in a new tensor.
   *
   * @param x the input
   * @return a new tensor of {@code x}'s shape
   */
  public static Tensor sqrt(Tensor x) {
    return map(SQRT, x, null);
  }

  /**
   * {@code out = x^2}; returns {@code out}.
   *
   * @param x the input
   * @param out a tensor of {@code x}'s shape (may be {@code x} itself)
   * @return {@code out}
   */
  public static Tensor square(Tensor x, Tensor out) {
    return map(SQUARE, x, out);
  }

  /**
   * {@code x^2} in a new tensor.
   *
   * @param x the input
   * @return a new tensor of {@code x}'s shape
   */
  public static Tensor square(Tensor x) {
    return map(SQUARE, x, null);
  }

  /**
   * {@code out = |x|}; returns {@code out}.
   *
   * @param x the input
   * @param out a tensor of {@code x}'s shape (may be {@code x} itself)
   * @return {@code out}
   */
  public static Tensor abs(Tensor x, Tensor out) {
    return map(ABS, x, out);
  }

  /**
   * {@code |x|} in a new tensor.
   *
   * @param x the input
   * @return a new tensor of {@code x}'s shape
   */
  public static Tensor abs(Tensor x) {
    return map(ABS, x, null);
  }

  /**
   * {@code out = tanh(x)}; returns {@code out}.
   *
   * @param x the input
   * @param out a tensor of {@code x}'s shape (may be {@code x} itself)
   * @return {@code out}
   */
  public static Tensor tanh(Tensor x, Tensor out) {
    return map(TANH, x, out);
  }

  /**
   * {@code tanh(x)} in a new tensor.
   *
   * @param x the input
   * @return a new tensor of {@code x}'s shape
   */
  public static Tensor tanh(Tensor x) {
    return map(TANH, x, null);
  }

  /**
   * {@code out = 1 / (1 + e^-x)}, computed without overflow for large {@code |x|} (exactly 0 or 1
   * in float32 beyond about ±104 and ±17); returns {@code out}.
   *
   * @param x the input
   * @param out a tensor of {@code x}'s shape (may be {@code x} itself)
   * @return {@code out}
   */
  public static Tensor sigmoid(Tensor x, Tensor out) {
    return map(SIGMOID, x, out);
  }

  /**
   * {@code sigmoid(x)} in a new tensor.
   *
   * @param x the input
   * @return a new tensor of {@code x}'s shape
   */
  public static Tensor sigmoid(Tensor x) {
    return map(SIGMOID, x, null);
  }

  /**
   * {@code out = max(x, 0)}; returns {@code out}.
   *
   * @param x the input
   * @param out a tensor of {@code x}'s shape (may be {@code x} itself)
   * @return {@code out}
   */
  public static Tensor relu(Tensor x, Tensor out) {
    return map(RELU, x, out);
  }

  /**
   * {@code max(x, 0)} in a new tensor.
   *
   * @param x the input
   * @return a new tensor of {@code x}'s shape
   */
  public static Tensor relu(Tensor x) {
    return map(RELU, x, null);
  }

  /**
   * The ReLU backward pass: {@code out = dy} where {@code x > 0}, else 0. The ReLU output {@code y}
   * works as well as its input {@code x}, since {@code y > 0} exactly where {@code x > 0}. Returns
   * {@code out} (may be {@code dy}).
   *
   * @param xOrY the ReLU's input or its output (only the sign is read)
   * @param dy the gradient of the activation's output, of the same shape
   * @param out the gradient of the input, of {@code dy}'s shape (may be {@code dy})
   * @return {@code out}
   */
  public static Tensor reluGrad(Tensor xOrY, Tensor dy, Tensor out) {
    return grad(RELU_GRAD, xOrY, dy, out);
  }

  /**
   * {@link #reluGrad(Tensor, Tensor, Tensor)} into a new tensor.
   *
   * @param xOrY the ReLU's input or its output (only the sign is read)
   * @param dy the gradient of the activation's output, of the same shape
   * @return a new tensor of {@code dy}'s shape
   */
  public static Tensor reluGrad(Tensor xOrY, Tensor dy) {
    return grad(RELU_GRAD, xOrY, dy, null);
  }

  /**
   * The sigmoid backward pass from its output {@code y}: {@code out = dy * y * (1 - y)}. Returns
   * {@code out} (may be {@code dy} or {@code y}).
   *
   * @param y the activation's output (from the forward pass)
   * @param dy the gradient of the activation's output, of the same shape
   * @param out the gradient of the input, of {@code dy}'s shape (may be {@code dy})
   * @return {@code out}
   */
  public static Tensor sigmoidGrad(Tensor y, Tensor dy, Tensor out) {
    return grad(SIGMOID_GRAD, y, dy, out);
  }

  /**
   * {@link #sigmoidGrad(Tensor, Tensor, Tensor)} into a new tensor.
   *
   * @param y the activation's output (from the forward pass)
   * @param dy the gradient of the activation's output, of the same shape
   * @return a new tensor of {@code dy}'s shape
   */
  public static Tensor sigmoidGrad(Tensor y, Tensor dy) {
    return grad(SIGMOID_GRAD, y, dy, null);
  }

  /**
   * The tanh backward pass from its output {@code y}: {@code out = dy * (1 - y^2)}. Returns {@code
   * out} (may be {@code dy} or {@code y}).
   *
   * @param y the activation's output (from the forward pass)
   * @param dy the gradient of the activation's output, of the same shape
   * @param out the gradient of the input, of {@code dy}'s shape (may be {@code dy})
   * @return {@code out}
   */
  public static Tensor tanhGrad(Tensor y, Tensor dy, Tensor out) {
    return grad(TANH_GRAD, y, dy, out);
  }

  /**
   * {@link #tanhGrad(Tensor, Tensor, Tensor)} into a new tensor.
   *
   * @param y the activation's output (from the forward pass)
   * @param dy the gradient of the activation's output, of the same shape
   * @return a new tensor of {@code dy}'s shape
   */
  public static Tensor tanhGrad(Tensor y, Tensor dy) {
    return grad(TANH_GRAD, y, dy, null);
  }

  private static Tensor map(int op, Tensor x, Tensor out) {
    if (out == null) {
      out = Tensor.zeros(x.shape());
    }
    Checks.sameShape(NAMES[op], x, out);
    float[] a = x.array();
    float[] o = out.array();
    int ao = x.offset();
    int oo = out.offset();
    int n = x.size();
    // Transcendental ops are compute bound (~10 ns per element): worth the second core. The
    // others are memory bound and gain nothing from more threads.
    boolean costly = op == EXP || op == LOG || op == TANH || op == SIGMOID;
    if (costly && n >= PARALLEL_MIN) {
      Parallel.forRange(n, PARALLEL_MIN / 2, (from, to) -> mapRange(op, a, ao, o, oo, from, to));
    } else {
      mapRange(op, a, ao, o, oo, 0, n);
    }
    return out;
  }

  /** {@code o[oo+i] = f(a[ao+i])} for {@code i} in {@code [from, to)}. */
  private static void mapRange(int op, float[] a, int ao, float[] o, int oo, int from, int to) {
    // One loop per op (switch outside the loop) so simple ones vectorize.
    switch (op) {
      case NEG -> {
        for (int i = from; i < to; i++) {
          o[oo + i] = -a[ao + i];
        }
      }
      case SQUARE -> {
        for (int i = from; i < to; i++) {
          o[oo + i] = a[ao + i] * a[ao + i];
        }
      }
      case ABS -> {
        for (int i = from; i < to; i++) {
          o[oo + i] = Math.abs(a[ao + i]);
        }
      }
      case RELU -> {
        if ((ao | oo) == 0) {
          for (int i = from; i < to; i++) {
            o[i] = Math.max(a[i], 0f);
          }
        } else {
          for (int i = from; i < to; i++) {
            o[oo + i] = Math.max(a[ao + i], 0f);
          }
        }
      }
      case EXP -> {
        for (int i = from; i < to; i++) {
          o[oo + i] = (float) Math.exp(a[ao + i]);
        }
      }
      case LOG -> {
        for (int i = from; i < to; i++) {
          o[oo + i] = (float) Math.log(a[ao + i]);
        }
      }
      case SQRT -> {
        for (int i = from; i < to; i++) {
          o[oo + i] = (float) Math.sqrt(a[ao + i]);
        }
      }
      case TANH -> {
        for (int i = from; i < to; i++) {
          o[oo + i] = tanh(a[ao + i]);
        }
      }
      default -> {
        for (int i = from; i < to; i++) {
          o[oo + i] = sigmoid(a[ao + i]);
        }
      }
    }
  }

  /**
   * {@code 1 - 2 / (e^2x + 1)} in double: several times faster than {@link Math#tanh}, which the
   * JIT does not intrinsify, and within float32 rounding of it. Near 0 the subtraction would
   * cancel, so there {@code tanh x = x} (the next term, x^3/3, is below float32 resolution).
   */
  static float tanh(float x) {
    if (Math.abs(x) < 1e-4f) {
      return x;
    }
    return (float) (1.0 - 2.0 / (Math.exp(2.0 * x) + 1.0));
  }

  /** Never computes {@code e^|x|}, so no overflow to inf/inf = NaN. */
  static float sigmoid(float x) {
    if (x >= 0) {
      return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
    double e = Math.exp(x);
    return (float) (e / (1.0 + e));
  }

  /**
   * {@code x > 0 ? g : 0} without a branch: on activations a branch mispredicts half the time and
   * keeps the loop from vectorising (measured ~10x slower). The mask is all ones exactly when x's
   * bits are a positive non-zero, non-NaN float: {@code -bits} and {@code ~bits} are both negative
   * only for bits above 0, and {@code bits - 0x7f800001} is negative only up to +inf.
   */
  private static float reluPass(float x, float g) {
    int bits = Float.floatToRawIntBits(x);
    int mask = (-bits & ~bits & (bits - 0x7f800001)) >> 31;
    return Float.intBitsToFloat(Float.floatToRawIntBits(g) & mask);
  }

  private static Tensor grad(int op, Tensor v, Tensor dy, Tensor out) {
    String name = GRAD_NAMES[op];
    Checks.equalShapes(name, v, dy);
    if (out == null) {
      out = Tensor.zeros(v.shape());
    }
    Checks.sameShape(name, v, out);
    float[] a = v.array();
    float[] g = dy.array();
    float[] o = out.array();
    int ao = v.offset();
    int go = dy.offset();
    int oo = out.offset();
    int n = v.size();
    switch (op) {
      case RELU_GRAD -> {
        // Plan buffers start at offset 0: C2 only vectorises loops indexed by the bare counter.
        if ((ao | go | oo) == 0) {
          for (int i = 0; i < n; i++) {
            o[i] = reluPass(a[i], g[i]);
          }
        } else {
          for (int i = 0; i < n; i++) {
            o[oo + i] = reluPass(a[ao + i], g[go + i]);
          }
        }
      }
      case SIGMOID_GRAD -> {
        for (int i = 0; i < n; i++) {
          float y = a[ao + i];
          o[oo + i] = g[go + i] * y * (1f - y);
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          float y = a[ao + i];
          o[oo + i] = g[go + i] * (1f - y * y);
        }
      }
    }
    return out;
  }
}
