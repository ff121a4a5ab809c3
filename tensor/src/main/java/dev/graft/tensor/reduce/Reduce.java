package dev.graft.tensor.reduce;

import dev.graft.tensor.Broadcast;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.elementwise.Binary;
import dev.graft.tensor.support.Checks;
import dev.graft.tensor.support.Walk;

/**
 * Reductions along axes: sum, mean, max and argmax.
 *
 * <p>{@code axes} lists the axes to reduce (negative axes count from the end; {@code null} means
 * all axes). With {@code keepDims} the reduced axes stay as size 1, otherwise they are dropped;
 * {@code out} must have exactly that shape. Reducing the last axis runs one contiguous loop per row
 * (summed in double); reducing the first axis adds whole contiguous rows into the output.
 */
public final class Reduce {
  static final int SUM = 0;
  static final int MAX = 1;

  private Reduce() {}

  /**
   * {@code out = sum of x over axes}; returns {@code out}.
   *
   * @param x the input
   * @param axes the axes to reduce, negative counting from the end; {@code null} for all
   * @param keepDims true to keep reduced axes as size 1, false to drop them
   * @param out a tensor of the reduced shape (as {@code keepDims} says)
   * @return {@code out}
   */
  public static Tensor sum(Tensor x, int[] axes, boolean keepDims, Tensor out) {
    long mask = mask("sum", x.shape(), axes);
    checkOut("sum", x.shape(), mask, keepDims, out);
    return accumulate(SUM, x, out, Walk.get().reduce(x.shape(), mask));
  }

  /**
   * The sum over {@code axes} in a new tensor.
   *
   * @param x the input
   * @param axes the axes to reduce, negative counting from the end; {@code null} for all
   * @param keepDims true to keep reduced axes as size 1, false to drop them
   * @return a new tensor of the reduced shape
   */
  public static Tensor sum(Tensor x, int[] axes, boolean keepDims) {
    return sum(x, axes, keepDims, alloc("sum", x, axes, keepDims));
  }

  /**
   * The sum of all elements as a scalar tensor.
   *
   * @param x the input
   * @return a new rank-0 tensor holding the sum of every element
   */
  public static Tensor sum(Tensor x) {
    return sum(x, null, false);
  }

  /**
   * {@code out = mean of x over axes} (NaN when no element is reduced); returns {@code out}.
   *
   * @param x the input
   * @param axes the axes to reduce, negative counting from the end; {@code null} for all
   * @param keepDims true to keep reduced axes as size 1, false to drop them
   * @param out a tensor of the reduced shape (as {@code keepDims} says)
   * @return {@code out}
   */
  public static Tensor mean(Tensor x, int[] axes, boolean keepDims, Tensor out) {
    long mask = mask("mean", x.shape(), axes);
    checkOut("mean", x.shape(), mask, keepDims, out);
    accumulate(SUM, x, out, Walk.get().reduce(x.shape(), mask));
    int count = 1;
    for (int i = 0; i < x.rank(); i++) {
      count *= (mask >>> i & 1) != 0 ? x.shape().dim(i) : 1;
    }
    float scale = 1f / count;
    return Binary.mulScalar(out, count == 0 ? Float.NaN : scale, out);
  }

  /**
   * The mean over {@code axes} in a new tensor.
   *
   * @param x the input
   * @param axes the axes to reduce, negative counting from the end; {@code null} for all
   * @param keepDims true to keep reduced axes as size 1, false to drop them
   * @return a new tensor of the reduced shape
   */
  public static Tensor mean(Tensor x, int[] axes, boolean keepDims) {
    return mean(x, axes, keepDims, alloc("mean", x, axes, keepDims));
  }

  /**
   * The mean of all elements as a scalar tensor.
   *
   * @param x the input
   * @return a new rank-0 tensor holding the mean; NaN for an empty tensor
   */
  public static Tensor mean(Tensor x) {
    return mean(x, null, false);
  }

  /**
   * {@code out = max of x over axes} (NaN if any reduced element is NaN, {@code -inf} over no
   * elements); returns {@code out}.
   *
   * @param x the input
   * @param axes the axes to reduce, negative counting from the end; {@code null} for all
   * @param keepDims true to keep reduced axes as size 1, false to drop them
   * @param out a tensor of the reduced shape (as {@code keepDims} says)
   * @return {@code out}
   */
  public static Tensor max(Tensor x, int[] axes, boolean keepDims, Tensor out) {
    long mask = mask("max", x.shape(), axes);
    checkOut("max", x.shape(), mask, keepDims, out);
    return accumulate(MAX, x, out, Walk.get().reduce(x.shape(), mask));
  }

  /**
   * The max over {@code axes} in a new tensor.
   *
   * @param x the input
   * @param axes the axes to reduce, negative counting from the end; {@code null} for all
   * @param keepDims true to keep reduced axes as size 1, false to drop them
   * @return a new tensor of the reduced shape
   */
  public static Tensor max(Tensor x, int[] axes, boolean keepDims) {
    return max(x, axes, keepDims, alloc("max", x, axes, keepDims));
  }

  /**
   * The max of all elements as a scalar tensor.
   *
   * @param x the input
   * @return a new rank-0 tensor holding the largest element
   */
  public static Tensor max(Tensor x) {
    return max(x, null, false);
  }

  /**
   * {@code out = the index along axis of the largest element} (first one on ties; a NaN counts as
   * largest), written as a float. Returns {@code out}.
   *
   * @param x the input
   * @param axis the axis to search, negative counting from the end
   * @param keepDims true to keep reduced axes as size 1, false to drop them
   * @param out the indices, of {@code x}'s shape with {@code axis} dropped or kept as 1
   * @return {@code out}
   * @throws IllegalArgumentException if the axis is out of range or empty, or out's shape is wrong
   */
  public static Tensor argmax(Tensor x, int axis, boolean keepDims, Tensor out) {
    Shape s = x.shape();
    long mask = bit("argmax", s, axis, 0L);
    checkOut("argmax", s, mask, keepDims, out);
    int a = Long.numberOfTrailingZeros(mask);
    if (s.dim(a) == 0) {
      throw new IllegalArgumentException("argmax: axis " + axis + " of shape " + s + " is empty");
    }
    int outer = s.sizeTo(a);
    int n = s.dim(a);
    int inner = s.sizeFrom(a + 1);
    float[] d = x.array();
    float[] o = out.array();
    for (int p = 0; p < outer; p++) {
      for (int j = 0; j < inner; j++) {
        o[out.offset() + p * inner + j] = argmaxLane(d, x.offset() + p * n * inner + j, inner, n);
      }
    }
    return out;
  }

  /**
   * {@link #argmax(Tensor, int, boolean, Tensor)} into a new tensor.
   *
   * @param x the input
   * @param axis the axis to search, negative counting from the end
   * @param keepDims true to keep reduced axes as size 1, false to drop them
   * @return a new tensor of the indices, as floats
   */
  public static Tensor argmax(Tensor x, int axis, boolean keepDims) {
    return argmax(x, axis, keepDims, alloc("argmax", x, new int[] {axis}, keepDims));
  }

  /**
   * The flat (row-major) index of the largest element, as a scalar tensor.
   *
   * @param x the input
   * @return a new rank-0 tensor holding the index as a float
   */
  public static Tensor argmax(Tensor x) {
    if (x.size() == 0) {
      throw new IllegalArgumentException("argmax: tensor of shape " + x.shape() + " is empty");
    }
    return Tensor.scalar(argmaxLane(x.array(), x.offset(), 1, x.size()));
  }

  private static int argmaxLane(float[] d, int start, int stride, int n) {
    int best = 0;
    float bv = d[start];
    for (int k = 1; k < n && bv == bv; k++) {
      float v = d[start + k * stride];
      if (v > bv || v != v) {
        bv = v;
        best = k;
      }
    }
    return best;
  }

  /** Folds {@code x} into {@code out} along a prepared walk (operand A = x, B = out). */
  static Tensor accumulate(int op, Tensor x, Tensor out, Walk w) {
    out.fill(op == SUM ? 0f : Float.NEGATIVE_INFINITY);
    float[] xs = x.array();
    float[] o = out.array();
    int n = w.inner;
    for (int r = 0; r < w.rows; r++) {
      int xo = x.offset() + w.offA;
      int oo = out.offset() + w.offB;
      if (w.innerB != 0) {
        // Output row is contiguous: fold a whole input row into it (vectorizes).
        if (op == SUM) {
          for (int i = 0; i < n; i++) {
            o[oo + i] += xs[xo + i];
          }
        } else {
          for (int i = 0; i < n; i++) {
            o[oo + i] = Math.max(o[oo + i], xs[xo + i]);
          }
        }
      } else if (op == SUM) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += xs[xo + i * w.innerA];
        }
        o[oo] += (float) s;
      } else {
        float m = o[oo];
        for (int i = 0; i < n; i++) {
          m = Math.max(m, xs[xo + i * w.innerA]);
        }
        o[oo] = m;
      }
      w.advance();
    }
    return out;
  }

  /** The set of reduced axes as bits; {@code null} means every axis. */
  private static long mask(String op, Shape s, int[] axes) {
    int rank = s.rank();
    if (rank > 63) {
      throw new IllegalArgumentException(op + ": rank " + rank + " of " + s + " is above 63");
    }
    if (axes == null) {
      return (1L << rank) - 1;
    }
    long m = 0;
    for (int axis : axes) {
      m = bit(op, s, axis, m);
    }
    return m;
  }

  /** {@code m} plus the bit of {@code axis}, which must be in range and not in {@code m}. */
  private static long bit(String op, Shape s, int axis, long m) {
    int a = Checks.axis(op, s, axis);
    if ((m >>> a & 1) != 0) {
      throw new IllegalArgumentException(op + ": axis " + axis + " is repeated for shape " + s);
    }
    return m | 1L << a;
  }

  /** Checks without allocating that {@code out} has the reduced shape. */
  private static void checkOut(String op, Shape s, long mask, boolean keepDims, Tensor out) {
    Shape o = out.shape();
    int j = 0;
    boolean ok = true;
    for (int i = 0; ok && i < s.rank(); i++) {
      boolean reduced = (mask >>> i & 1) != 0;
      if (reduced && !keepDims) {
        continue;
      }
      ok = j < o.rank() && o.dim(j) == (reduced ? 1 : s.dim(i));
      j++;
    }
    if (!ok || j != o.rank()) {
      throw new IllegalArgumentException(
          op
              + ": out has shape "
              + o
              + " but reducing "
              + s
              + " gives "
              + reducedShape(s, mask, keepDims));
    }
  }

  private static Shape reducedShape(Shape s, long mask, boolean keepDims) {
    int[] d = new int[s.rank()];
    int j = 0;
    for (int i = 0; i < s.rank(); i++) {
      boolean reduced = (mask >>> i & 1) != 0;
      if (!reduced || keepDims) {
        d[j++] = reduced ? 1 : s.dim(i);
      }
    }
    return Shape.of(java.util.Arrays.copyOf(d, j));
  }

  private static Tensor alloc(String op, Tensor x, int[] axes, boolean keepDims) {
    return Tensor.zeros(reducedShape(x.shape(), mask(op, x.shape(), axes), keepDims));
  }

  /**
   * Sums {@code grad} over the axes along which an operand of shape {@code out.shape()} was
   * broadcast, so that {@code out} is the gradient of that operand: {@code out[j] = sum of grad[i]}
   * over every {@code i} that broadcasting maps to {@code j}. Returns {@code out}.
   *
   * @param grad the gradient of the broadcast result
   * @param targetShape the operand's shape
   * @param out the operand's gradient, of shape {@code targetShape}
   * @return {@code out}
   * @throws IllegalArgumentException if {@code out.shape()} does not broadcast to {@code
   *     grad.shape()}
   */
  public static Tensor sumToShape(Tensor grad, Shape targetShape, Tensor out) {
    if (!out.shape().equals(targetShape)) {
      throw new IllegalArgumentException(
          "sumToShape: out has shape " + out.shape() + ", expected " + targetShape);
    }
    Shape g = grad.shape();
    boolean ok = targetShape.rank() <= g.rank();
    for (int i = 0; ok && i < g.rank(); i++) {
      int t = Broadcast.alignedDim(targetShape, i, g.rank());
      ok = t == 1 || t == g.dim(i);
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "sumToShape: shape " + targetShape + " does not broadcast to gradient shape " + g);
    }
    Walk w = Walk.get().broadcast(g, g, targetShape);
    Reduce.accumulate(Reduce.SUM, grad, out, w);
    return out;
  }

  /**
   * {@link #sumToShape(Tensor, Shape, Tensor)} into a new tensor.
   *
   * @param grad the gradient of the broadcast result
   * @param targetShape the operand's shape
   * @return the operand's gradient
   */
  public static Tensor sumToShape(Tensor grad, Shape targetShape) {
    return sumToShape(grad, targetShape, Tensor.zeros(targetShape));
  }
}
