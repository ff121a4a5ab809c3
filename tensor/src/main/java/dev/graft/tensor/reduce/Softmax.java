package dev.graft.tensor.reduce;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.support.Checks;
import dev.graft.tensor.support.VectorSupport;

/**
 * Softmax and log-softmax along an axis (the last by default), and their backward passes.
 *
 * <p>Both subtract the lane maximum before exponentiating, so inputs like ±1000 give exact results
 * instead of inf/NaN. {@code out} must have the input's shape and may be the input.
 */
public final class Softmax {
  private static final int SOFTMAX = 0;
  private static final int LOG_SOFTMAX = 1;
  private static final int SOFTMAX_GRAD = 2;
  private static final int LOG_SOFTMAX_GRAD = 3;
  private static final String[] NAMES = {"softmax", "logSoftmax", "softmaxGrad", "logSoftmaxGrad"};

  /** Below this many elements the op runs on the calling thread alone. */
  private static final int PARALLEL_MIN = 1 << 15;

  /** The Vector API lanes, or null without the module (see {@link VectorSupport}). */
  private static final SoftmaxKernels KERNELS =
      VectorSupport.load("VectorSoftmax", SoftmaxKernels.class);

  private static volatile boolean vector = KERNELS != null && VectorSupport.WANTED;

  private Softmax() {}

  /**
   * Turns the Vector API lanes on or off (tests compare both paths; on needs the module); returns
   * the previous setting.
   */
  static boolean enableVector(boolean on) {
    boolean was = vector;
    vector = on && KERNELS != null;
    return was;
  }

  /**
   * {@code out = exp(x - max) / sum(exp(x - max))} along {@code axis}; returns {@code out}.
   *
   * @param x the logits
   * @param axis the axis normalised over, negative counting from the end
   * @param out a tensor of {@code x}'s shape (may be {@code x})
   * @return {@code out}
   */
  public static Tensor softmax(Tensor x, int axis, Tensor out) {
    return lanes(SOFTMAX, x, null, axis, out);
  }

  /**
   * Softmax along {@code axis} in a new tensor.
   *
   * @param x the logits
   * @param axis the axis normalised over, negative counting from the end
   * @return a new tensor of {@code x}'s shape whose lanes along the axis sum to 1
   */
  public static Tensor softmax(Tensor x, int axis) {
    return lanes(SOFTMAX, x, null, axis, null);
  }

  /**
   * Softmax along the last axis in a new tensor.
   *
   * @param x the logits
   * @return a new tensor of {@code x}'s shape whose lanes along the axis sum to 1
   */
  public static Tensor softmax(Tensor x) {
    return lanes(SOFTMAX, x, null, -1, null);
  }

  /**
   * {@code out = x - max - log(sum(exp(x - max)))} along {@code axis}; returns {@code out}.
   *
   * @param x the logits
   * @param axis the axis normalised over, negative counting from the end
   * @param out a tensor of {@code x}'s shape (may be {@code x})
   * @return {@code out}
   */
  public static Tensor logSoftmax(Tensor x, int axis, Tensor out) {
    return lanes(LOG_SOFTMAX, x, null, axis, out);
  }

  /**
   * Log-softmax along {@code axis} in a new tensor.
   *
   * @param x the logits
   * @param axis the axis normalised over, negative counting from the end
   * @return a new tensor of {@code x}'s shape, each lane's log-probabilities
   */
  public static Tensor logSoftmax(Tensor x, int axis) {
    return lanes(LOG_SOFTMAX, x, null, axis, null);
  }

  /**
   * Log-softmax along the last axis in a new tensor.
   *
   * @param x the logits
   * @return a new tensor of {@code x}'s shape, each lane's log-probabilities
   */
  public static Tensor logSoftmax(Tensor x) {
    return lanes(LOG_SOFTMAX, x, null, -1, null);
  }

  /**
   * The softmax backward pass from its output {@code y} along {@code axis}: {@code out = y * (dy -
   * sum(dy * y))}. Returns {@code out} (may be {@code dy}).
   *
   * @param y the softmax's output from the forward pass
   * @param dy the gradient of the output, of {@code y}'s shape
   * @param axis the axis normalised over, negative counting from the end
   * @param out the gradient of the input, of {@code y}'s shape (may be {@code dy})
   * @return {@code out}
   */
  public static Tensor softmaxGrad(Tensor y, Tensor dy, int axis, Tensor out) {
    return lanes(SOFTMAX_GRAD, y, dy, axis, out);
  }

  /**
   * {@link #softmaxGrad(Tensor, Tensor, int, Tensor)} along the last axis.
   *
   * @param y the softmax's output from the forward pass
   * @param dy the gradient of the output, of {@code y}'s shape
   * @param out the gradient of the input, of {@code y}'s shape (may be {@code dy})
   * @return {@code out}
   */
  public static Tensor softmaxGrad(Tensor y, Tensor dy, Tensor out) {
    return lanes(SOFTMAX_GRAD, y, dy, -1, out);
  }

  /**
   * {@link #softmaxGrad(Tensor, Tensor, int, Tensor)} along the last axis, in a new tensor.
   *
   * @param y the softmax's output from the forward pass
   * @param dy the gradient of the output, of {@code y}'s shape
   * @return a new tensor of {@code y}'s shape
   */
  public static Tensor softmaxGrad(Tensor y, Tensor dy) {
    return lanes(SOFTMAX_GRAD, y, dy, -1, null);
  }

  /**
   * The log-softmax backward pass from its output {@code y} along {@code axis}: {@code out = dy -
   * exp(y) * sum(dy)}. Returns {@code out} (may be {@code dy}).
   *
   * @param y the log-softmax's output from the forward pass
   * @param dy the gradient of the output, of {@code y}'s shape
   * @param axis the axis normalised over, negative counting from the end
   * @param out the gradient of the input, of {@code y}'s shape (may be {@code dy})
   * @return {@code out}
   */
  public static Tensor logSoftmaxGrad(Tensor y, Tensor dy, int axis, Tensor out) {
    return lanes(LOG_SOFTMAX_GRAD, y, dy, axis, out);
  }

  /**
   * {@link #logSoftmaxGrad(Tensor, Tensor, int, Tensor)} along the last axis.
   *
   * @param y the log-softmax's output from the forward pass
   * @param dy the gradient of the output, of {@code y}'s shape
   * @param out the gradient of the input, of {@code y}'s shape (may be {@code dy})
   * @return {@code out}
   */
  public static Tensor logSoftmaxGrad(Tensor y, Tensor dy, Tensor out) {
    return lanes(LOG_SOFTMAX_GRAD, y, dy, -1, out);
  }

  /**
   * {@link #logSoftmaxGrad(Tensor, Tensor, int, Tensor)} along the last axis, in a new tensor.
   *
   * @param y the log-softmax's output from the forward pass
   * @param dy the gradient of the output, of {@code y}'s shape
   * @return a new tensor of {@code y}'s shape
   */
  public static Tensor logSoftmaxGrad(Tensor y, Tensor dy) {
    return lanes(LOG_SOFTMAX_GRAD, y, dy, -1, null);
  }

  /** Runs {@code op} over every lane (1-D fibre) along {@code axis}. */
  private static Tensor lanes(int op, Tensor x, Tensor dy, int axis, Tensor out) {
    String name = NAMES[op];
    Shape s = x.shape();
    int a = Checks.axis(name, s, axis);
    if (dy != null) {
      Checks.equalShapes(name, x, dy);
    }
    if (out == null) {
      out = Tensor.zeros(s);
    }
    Checks.sameShape(name, x, out);
    int outer = s.sizeTo(a);
    int n = s.dim(a);
    int inner = s.sizeFrom(a + 1);
    Tensor o = out;
    int lanes = outer * inner;
    // One thread runs the lanes directly: no loop-body lambda to allocate per call.
    if ((long) lanes * n >= PARALLEL_MIN && Parallel.threads() > 1) {
      int minLanes = Math.max(1, PARALLEL_MIN / 2 / Math.max(1, n));
      Parallel.forRange(lanes, minLanes, (from, to) -> run(op, x, dy, o, n, inner, from, to));
    } else {
      run(op, x, dy, o, n, inner, 0, lanes);
    }
    return out;
  }

  /**
   * Lanes {@code [from, to)}, numbered outer-major, each of {@code n} elements {@code inner} apart.
   */
  private static void run(
      int op, Tensor x, Tensor dy, Tensor out, int n, int inner, int from, int to) {
    if (inner == 1 && vector && (op == SOFTMAX || op == SOFTMAX_GRAD)) {
      float[] xs = x.array();
      float[] o = out.array();
      for (int lane = from; lane < to; lane++) {
        int base = lane * n;
        if (op == SOFTMAX) {
          KERNELS.forward(xs, x.offset() + base, o, out.offset() + base, n);
        } else {
          KERNELS.backward(
              xs, x.offset() + base, dy.array(), dy.offset() + base, o, out.offset() + base, n);
        }
      }
      return;
    }
    for (int lane = from; lane < to; lane++) {
      int base = (lane / inner) * n * inner + lane % inner;
      if (op == SOFTMAX || op == LOG_SOFTMAX) {
        forward(op == LOG_SOFTMAX, x, out, base, inner, n);
      } else {
        backward(op == LOG_SOFTMAX_GRAD, x, dy, out, base, inner, n);
      }
    }
  }

  private static void forward(boolean log, Tensor x, Tensor out, int base, int stride, int n) {
    float[] xs = x.array();
    float[] o = out.array();
    int xo = x.offset() + base;
    int oo = out.offset() + base;
    float m = Float.NEGATIVE_INFINITY;
    for (int k = 0; k < n; k++) {
      m = Math.max(m, xs[xo + k * stride]);
    }
    double sum = 0;
    for (int k = 0; k < n; k++) {
      float e = FastExp.nonPositive(xs[xo + k * stride] - m);
      sum += e;
      if (!log) {
        o[oo + k * stride] = e;
      }
    }
    if (log) {
      // (x - m) - log(sum), not x - (m + log(sum)): m + log(sum) would round to m's ulp.
      float logSum = (float) Math.log(sum);
      for (int k = 0; k < n; k++) {
        o[oo + k * stride] = (xs[xo + k * stride] - m) - logSum;
      }
    } else {
      float inv = (float) (1.0 / sum);
      for (int k = 0; k < n; k++) {
        o[oo + k * stride] *= inv;
      }
    }
  }

  private static void backward(
      boolean log, Tensor y, Tensor dy, Tensor out, int base, int stride, int n) {
    float[] ys = y.array();
    float[] gs = dy.array();
    float[] o = out.array();
    int yo = y.offset() + base;
    int go = dy.offset() + base;
    int oo = out.offset() + base;
    double acc = 0;
    for (int k = 0; k < n; k++) {
      float g = gs[go + k * stride];
      acc += log ? g : g * ys[yo + k * stride];
    }
    float c = (float) acc;
    for (int k = 0; k < n; k++) {
      float yk = ys[yo + k * stride];
      float g = gs[go + k * stride];
      o[oo + k * stride] = log ? g - (float) Math.exp(yk) * c : yk * (g - c);
    }
  }
}
