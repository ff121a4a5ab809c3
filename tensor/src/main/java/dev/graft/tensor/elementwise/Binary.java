package dev.graft.tensor.elementwise;

import dev.graft.tensor.Broadcast;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.support.Checks;
import dev.graft.tensor.support.Walk;

/**
 * Element-wise binary kernels with NumPy broadcasting ({@link Broadcast}): {@code out[i] = f(a[i],
 * b[i])} where a stretched operand repeats along its size-1 axes.
 *
 * <p>Equal shapes run as one contiguous loop, a row vector broadcast over rows (a bias add) as
 * contiguous row loops; both vectorize. {@code out} may be {@code a} or {@code b} when it has the
 * same shape. Each op has a form that allocates its output.
 */
public final class Binary {
  private static final int ADD = 0;
  private static final int SUB = 1;
  private static final int MUL = 2;
  private static final int DIV = 3;
  private static final int MAX = 4;
  private static final int MIN = 5;
  private static final int POW = 6;
  private static final String[] NAMES = {"add", "sub", "mul", "div", "maximum", "minimum", "pow"};

  private Binary() {}

  /**
   * {@code out = a + b}; returns {@code out}.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @param out the output, of the broadcast shape of {@code a} and {@code b}; may be {@code a} or
   *     {@code b} when that has the same shape
   * @return {@code out}
   */
  public static Tensor add(Tensor a, Tensor b, Tensor out) {
    return apply(ADD, a, b, out);
  }

  /**
   * {@code a + b} in a new tensor of the broadcast shape.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @return a new tensor of the broadcast shape
   */
  public static Tensor add(Tensor a, Tensor b) {
    return apply(ADD, a, b, null);
  }

  /**
   * {@code out = a - b}; returns {@code out}.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @param out the output, of the broadcast shape of {@code a} and {@code b}; may be {@code a} or
   *     {@code b} when that has the same shape
   * @return {@code out}
   */
  public static Tensor sub(Tensor a, Tensor b, Tensor out) {
    return apply(SUB, a, b, out);
  }

  /**
   * {@code a - b} in a new tensor of the broadcast shape.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @return a new tensor of the broadcast shape
   */
  public static Tensor sub(Tensor a, Tensor b) {
    return apply(SUB, a, b, null);
  }

  /**
   * {@code out = a * b}; returns {@code out}.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @param out the output, of the broadcast shape of {@code a} and {@code b}; may be {@code a} or
   *     {@code b} when that has the same shape
   * @return {@code out}
   */
  public static Tensor mul(Tensor a, Tensor b, Tensor out) {
    return apply(MUL, a, b, out);
  }

  /**
   * {@code a * b} in a new tensor of the broadcast shape.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @return a new tensor of the broadcast shape
   */
  public static Tensor mul(Tensor a, Tensor b) {
    return apply(MUL, a, b, null);
  }

  /**
   * {@code out = a / b} (IEEE: x/0 is ±inf, 0/0 is NaN); returns {@code out}.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @param out the output, of the broadcast shape of {@code a} and {@code b}; may be {@code a} or
   *     {@code b} when that has the same shape
   * @return {@code out}
   */
  public static Tensor div(Tensor a, Tensor b, Tensor out) {
    return apply(DIV, a, b, out);
  }

  /**
   * {@code a / b} in a new tensor of the broadcast shape.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @return a new tensor of the broadcast shape
   */
  public static Tensor div(Tensor a, Tensor b) {
    return apply(DIV, a, b, null);
  }

  /**
   * {@code out = max(a, b)} (NaN if either is NaN); returns {@code out}.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @param out the output, of the broadcast shape of {@code a} and {@code b}; may be {@code a} or
   *     {@code b} when that has the same shape
   * @return {@code out}
   */
  public static Tensor maximum(Tensor a, Tensor b, Tensor out) {
    return apply(MAX, a, b, out);
  }

  /**
   * {@code max(a, b)} in a new tensor of the broadcast shape.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @return a new tensor of the broadcast shape
   */
  public static Tensor maximum(Tensor a, Tensor b) {
    return apply(MAX, a, b, null);
  }

  /**
   * {@code out = min(a, b)} (NaN if either is NaN); returns {@code out}.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @param out the output, of the broadcast shape of {@code a} and {@code b}; may be {@code a} or
   *     {@code b} when that has the same shape
   * @return {@code out}
   */
  public static Tensor minimum(Tensor a, Tensor b, Tensor out) {
    return apply(MIN, a, b, out);
  }

  /**
   * {@code min(a, b)} in a new tensor of the broadcast shape.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @return a new tensor of the broadcast shape
   */
  public static Tensor minimum(Tensor a, Tensor b) {
    return apply(MIN, a, b, null);
  }

  /**
   * {@code out = a ^ b} ({@link Math#pow} semantics); returns {@code out}.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @param out the output, of the broadcast shape of {@code a} and {@code b}; may be {@code a} or
   *     {@code b} when that has the same shape
   * @return {@code out}
   */
  public static Tensor pow(Tensor a, Tensor b, Tensor out) {
    return apply(POW, a, b, out);
  }

  /**
   * {@code a ^ b} in a new tensor of the broadcast shape.
   *
   * @param a the left operand; broadcasts against {@code b}
   * @param b the right operand; broadcasts against {@code a}
   * @return a new tensor of the broadcast shape
   */
  public static Tensor pow(Tensor a, Tensor b) {
    return apply(POW, a, b, null);
  }

  /**
   * {@code out = x + s}; {@code out} must have {@code x}'s shape (may be {@code x}).
   *
   * @param x the input
   * @param s the scalar, applied to every element
   * @param out a tensor of {@code x}'s shape (may be {@code x} itself)
   * @return {@code out}
   */
  public static Tensor addScalar(Tensor x, float s, Tensor out) {
    Checks.sameShape("addScalar", x, out);
    withScalar(ADD, x.array(), x.offset(), s, false, out.array(), out.offset(), x.size());
    return out;
  }

  /**
   * {@code x + s} in a new tensor.
   *
   * @param x the input
   * @param s the scalar, applied to every element
   * @return a new tensor of {@code x}'s shape
   */
  public static Tensor addScalar(Tensor x, float s) {
    return addScalar(x, s, Tensor.zeros(x.shape()));
  }

  /**
   * {@code out = x * s}; {@code out} must have {@code x}'s shape (may be {@code x}).
   *
   * @param x the input
   * @param s the scalar, applied to every element
   * @param out a tensor of {@code x}'s shape (may be {@code x} itself)
   * @return {@code out}
   */
  public static Tensor mulScalar(Tensor x, float s, Tensor out) {
    Checks.sameShape("mulScalar", x, out);
    withScalar(MUL, x.array(), x.offset(), s, false, out.array(), out.offset(), x.size());
    return out;
  }

  /**
   * {@code x * s} in a new tensor.
   *
   * @param x the input
   * @param s the scalar, applied to every element
   * @return a new tensor of {@code x}'s shape
   */
  public static Tensor mulScalar(Tensor x, float s) {
    return mulScalar(x, s, Tensor.zeros(x.shape()));
  }

  private static Tensor apply(int op, Tensor a, Tensor b, Tensor out) {
    if (out == null) {
      out = Tensor.zeros(Broadcast.broadcastShape(NAMES[op], a.shape(), b.shape()));
    } else {
      Broadcast.checkOut(NAMES[op], a.shape(), b.shape(), out);
    }
    float[] x = a.array();
    float[] y = b.array();
    float[] o = out.array();
    if (a.shape().equals(b.shape())) {
      row(op, x, a.offset(), 1, y, b.offset(), 1, o, out.offset(), out.size());
      return out;
    }
    Walk w = Walk.get().broadcast(out.shape(), a.shape(), b.shape());
    int n = w.inner;
    for (int r = 0, oo = out.offset(); r < w.rows; r++, oo += n) {
      row(op, x, a.offset() + w.offA, w.innerA, y, b.offset() + w.offB, w.innerB, o, oo, n);
      w.advance();
    }
    return out;
  }

  /**
   * One row: {@code o[oo+i] = f(x[xo+i*xs], y[yo+i*ys])}. Contiguous rows get one loop per op so
   * the JIT can vectorize them; stretched rows take the generic loop.
   */
  private static void row(
      int op, float[] x, int xo, int xs, float[] y, int yo, int ys, float[] o, int oo, int n) {
    if (xs == 1 && ys == 1) {
      switch (op) {
        case ADD -> {
          for (int i = 0; i < n; i++) {
            o[oo + i] = x[xo + i] + y[yo + i];
          }
        }
        case SUB -> {
          for (int i = 0; i < n; i++) {
            o[oo + i] = x[xo + i] - y[yo + i];
          }
        }
        case MUL -> {
          for (int i = 0; i < n; i++) {
            o[oo + i] = x[xo + i] * y[yo + i];
          }
        }
        case DIV -> {
          for (int i = 0; i < n; i++) {
            o[oo + i] = x[xo + i] / y[yo + i];
          }
        }
        default -> {
          for (int i = 0; i < n; i++) {
            o[oo + i] = scalar(op, x[xo + i], y[yo + i]);
          }
        }
      }
      return;
    }
    if (xs == 1 && ys == 0) {
      withScalar(op, x, xo, y[yo], false, o, oo, n);
    } else if (xs == 0 && ys == 1) {
      withScalar(op, y, yo, x[xo], true, o, oo, n);
    } else {
      o[oo] = scalar(op, x[xo], y[yo]);
      java.util.Arrays.fill(o, oo + 1, oo + n, o[oo]);
    }
  }

  /**
   * A row against one value: {@code o[oo+i] = f(v[vo+i], s)}, or {@code f(s, v[vo+i])} when {@code
   * scalarFirst}. The value is hoisted out of the loop (a column broadcast, {@code (n, 1)} against
   * {@code (n, m)}, and the scalar forms land here).
   */
  private static void withScalar(
      int op, float[] v, int vo, float s, boolean scalarFirst, float[] o, int oo, int n) {
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) {
          o[oo + i] = v[vo + i] + s;
        }
      }
      case MUL -> {
        for (int i = 0; i < n; i++) {
          o[oo + i] = v[vo + i] * s;
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          o[oo + i] = scalarFirst ? scalar(op, s, v[vo + i]) : scalar(op, v[vo + i], s);
        }
      }
    }
  }

  private static float scalar(int op, float u, float v) {
    return switch (op) {
      case ADD -> u + v;
      case SUB -> u - v;
      case MUL -> u * v;
      case DIV -> u / v;
      case MAX -> Math.max(u, v);
      case MIN -> Math.min(u, v);
      default -> (float) Math.pow(u, v);
    };
  }
}
