package dev.graft.tensor.layout;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.support.Checks;

/**
 * Concatenation along an axis and its inverse, split. The gradient of concat is split of the output
 * gradient, and the gradient of split is concat of the output gradients.
 *
 * <p>All tensors have one rank and agree on every dimension but {@code axis}. Both ops copy one
 * contiguous block per input and outer index ({@link System#arraycopy}).
 */
public final class Concat {
  private Concat() {}

  /**
   * Writes {@code inputs} one after another along {@code axis} into {@code out}, whose dimension at
   * {@code axis} is the sum of theirs. Returns {@code out}.
   *
   * @param inputs the tensors, at least one, with equal dimensions except at {@code axis}
   * @param axis the axis, negative counting from the end
   * @param out receives the concatenation; its dimension at {@code axis} is the sum of the inputs'
   * @return {@code out}
   * @throws IllegalArgumentException if there are no inputs or a shape does not fit
   */
  public static Tensor concat(Tensor[] inputs, int axis, Tensor out) {
    int a = check("concat", inputs, axis, out);
    copy(true, inputs, a, out);
    return out;
  }

  /**
   * {@link #concat(Tensor[], int, Tensor)} into a new tensor.
   *
   * @param axis the axis, negative counting from the end
   * @param inputs the tensors, at least one, with equal dimensions except at {@code axis}
   * @return a new tensor holding the concatenation
   */
  public static Tensor concat(int axis, Tensor... inputs) {
    requireSome("concat", inputs);
    Shape first = inputs[0].shape();
    int a = Checks.axis("concat", first, axis);
    int total = 0;
    for (Tensor t : inputs) {
      total += t.rank() == first.rank() ? t.shape().dim(a) : 0;
    }
    return concat(inputs, axis, Tensor.zeros(first.withDim(a, total)));
  }

  /**
   * Splits {@code x} along {@code axis} into {@code outs}, in order: the inverse of {@link
   * #concat}. The outputs' dimensions at {@code axis} must add up to {@code x}'s. Returns {@code
   * outs}.
   *
   * @param x the input
   * @param axis the axis, negative counting from the end
   * @param outs receive the parts, at least one; their dimensions at {@code axis} add up to {@code
   *     x}'s
   * @return {@code outs}
   * @throws IllegalArgumentException if there are no outputs or a shape does not fit
   */
  public static Tensor[] split(Tensor x, int axis, Tensor[] outs) {
    int a = check("split", outs, axis, x);
    copy(false, outs, a, x);
    return outs;
  }

  /**
   * Splits {@code x} along {@code axis} into new tensors of the given sizes along the axis.
   *
   * @param x the input
   * @param axis the axis, negative counting from the end
   * @param sizes each part's length along the axis, {@code >= 0}, adding up to {@code x}'s
   *     dimension
   * @return new tensors, one per size, in order
   */
  public static Tensor[] split(Tensor x, int axis, int... sizes) {
    int a = Checks.axis("split", x.shape(), axis);
    Tensor[] outs = new Tensor[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i] < 0) {
        throw new IllegalArgumentException(
            "split: size " + sizes[i] + " is negative for shape " + x.shape());
      }
      outs[i] = Tensor.zeros(x.shape().withDim(a, sizes[i]));
    }
    return split(x, axis, outs);
  }

  /** Copies parts into whole ({@code toWhole}) or whole into parts. */
  private static void copy(boolean toWhole, Tensor[] parts, int axis, Tensor whole) {
    Shape s = whole.shape();
    int outer = s.sizeTo(axis);
    int wholeBlock = s.sizeFrom(axis);
    float[] w = whole.array();
    for (int p = 0; p < outer; p++) {
      int wo = whole.offset() + p * wholeBlock;
      for (Tensor t : parts) {
        int block = t.shape().sizeFrom(axis);
        int to = t.offset() + p * block;
        if (toWhole) {
          System.arraycopy(t.array(), to, w, wo, block);
        } else {
          System.arraycopy(w, wo, t.array(), to, block);
        }
        wo += block;
      }
    }
  }

  /** Validates the shapes and returns the normalised axis. */
  private static int check(String op, Tensor[] parts, int axis, Tensor whole) {
    requireSome(op, parts);
    Shape ws = whole.shape();
    int a = Checks.axis(op, ws, axis);
    int total = 0;
    for (Tensor t : parts) {
      Shape ts = t.shape();
      boolean ok = ts.rank() == ws.rank();
      for (int i = 0; ok && i < ws.rank(); i++) {
        ok = i == a || ts.dim(i) == ws.dim(i);
      }
      if (!ok) {
        throw new IllegalArgumentException(describe(op, parts, axis, whole, "shapes differ"));
      }
      total += ts.dim(a);
    }
    if (total != ws.dim(a)) {
      throw new IllegalArgumentException(
          describe(op, parts, axis, whole, "sizes along the axis add up to " + total));
    }
    return a;
  }

  private static String describe(String op, Tensor[] parts, int axis, Tensor whole, String why) {
    StringBuilder sb = new StringBuilder(op).append(": parts ");
    for (int i = 0; i < parts.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(parts[i].shape());
    }
    return sb.append(" and ")
        .append(op.equals("concat") ? "out " : "input ")
        .append(whole.shape())
        .append(" do not fit along axis ")
        .append(axis)
        .append(" (")
        .append(why)
        .append(')')
        .toString();
  }

  private static void requireSome(String op, Tensor[] parts) {
    if (parts == null || parts.length == 0) {
      throw new IllegalArgumentException(op + ": needs at least one part");
    }
  }

  /**
   * Copies {@code x[..., start:start+n, ...]} along {@code axis} into {@code out}, where {@code n}
   * is {@code out}'s dimension at {@code axis}. Returns {@code out}.
   *
   * @param x the input
   * @param axis the axis, negative counting from the end
   * @param start the first index copied along the axis
   * @param out receives the slice; its dimension at {@code axis} is the slice's length
   * @return {@code out}
   * @throws IllegalArgumentException if the range or a shape does not fit
   */
  public static Tensor slice(Tensor x, int axis, int start, Tensor out) {
    int a = checkSlice("slice", x, axis, start, out);
    window(false, x, a, start, out);
    return out;
  }

  /**
   * Copies {@code part} into {@code whole[..., start:start+n, ...]} along {@code axis}, leaving the
   * rest of {@code whole} as it was: the inverse of {@link #slice}. Returns {@code whole}.
   *
   * @param part the values to copy in
   * @param axis the axis, negative counting from the end
   * @param start where the part starts along the axis in {@code whole}
   * @param whole the tensor written into; other positions are left as they were
   * @return {@code whole}
   * @throws IllegalArgumentException if the range or a shape does not fit
   */
  public static Tensor unslice(Tensor part, int axis, int start, Tensor whole) {
    int a = checkSlice("unslice", whole, axis, start, part);
    window(true, whole, a, start, part);
    return whole;
  }

  private static void window(boolean intoWhole, Tensor whole, int axis, int start, Tensor part) {
    Shape s = whole.shape();
    int outer = s.sizeTo(axis);
    int inner = s.sizeFrom(axis + 1);
    int wholeBlock = s.sizeFrom(axis);
    int block = part.shape().dim(axis) * inner;
    for (int p = 0; p < outer; p++) {
      int wo = whole.offset() + p * wholeBlock + start * inner;
      int po = part.offset() + p * block;
      if (intoWhole) {
        System.arraycopy(part.array(), po, whole.array(), wo, block);
      } else {
        System.arraycopy(whole.array(), wo, part.array(), po, block);
      }
    }
  }

  private static int checkSlice(String op, Tensor whole, int axis, int start, Tensor part) {
    Shape ws = whole.shape();
    Shape ps = part.shape();
    int a = Checks.axis(op, ws, axis);
    boolean ok = ps.rank() == ws.rank() && start >= 0 && start + ps.dim(a) <= ws.dim(a);
    for (int i = 0; ok && i < ws.rank(); i++) {
      ok = i == a || ps.dim(i) == ws.dim(i);
    }
    if (!ok) {
      throw new IllegalArgumentException(
          op
              + ": a part of shape "
              + ps
              + " at "
              + start
              + " along axis "
              + axis
              + " does not fit in "
              + ws);
    }
    return a;
  }
}
