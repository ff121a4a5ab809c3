package dev.graft.tensor.elementwise;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.support.Checks;

/**
 * Keras's masked fill {@code where(mask, x, fill)}: {@code x} where the mask is non-zero (Keras
 * casts masks to bool), {@code fill} elsewhere. The mask has {@code x}'s rank with each dimension
 * equal to {@code x}'s or 1 (broadcast), as attention masks {@code (batch or 1, 1, T, S)} over
 * scores {@code (batch, heads, T, S)}.
 */
public final class MaskFill {
  private MaskFill() {}

  /**
   * {@code out = mask != 0 ? x : fill}, element by element with the mask broadcast; {@code out} may
   * be {@code x}.
   *
   * @param x the values kept where the mask is non-zero
   * @param mask the mask, of {@code x}'s rank, each dimension 1 or equal to {@code x}'s
   * @param fill the value written where the mask is 0
   * @param out a tensor of {@code x}'s shape (may be {@code x} itself)
   * @return {@code out}
   * @throws IllegalArgumentException if the mask does not broadcast to {@code x} or {@code out}'s
   *     shape differs from {@code x}'s
   */
  public static Tensor fill(Tensor x, Tensor mask, float fill, Tensor out) {
    Shape xs = x.shape();
    Shape ms = mask.shape();
    Checks.sameShape("mask_fill", x, out);
    if (!broadcasts(ms, xs)) {
      throw new IllegalArgumentException(
          "mask_fill: mask "
              + ms
              + " does not broadcast to "
              + xs
              + " (same rank, dims 1 or equal)");
    }
    int rank = xs.rank();
    // The trailing axes where mask and x agree form contiguous blocks; the leading axes index them.
    int split = rank;
    while (split > 0 && ms.dim(split - 1) == xs.dim(split - 1)) {
      split--;
    }
    int inner = 1;
    for (int i = split; i < rank; i++) {
      inner *= xs.dim(i);
    }
    int outer = xs.size() / Math.max(1, inner);
    float[] xv = x.array();
    float[] mv = mask.array();
    float[] ov = out.array();
    int xo = x.offset();
    int mo = mask.offset();
    int oo = out.offset();
    for (int o = 0; o < outer; o++) {
      int mBase = maskBlock(o, split, xs, ms) * inner;
      int base = o * inner;
      for (int i = 0; i < inner; i++) {
        ov[oo + base + i] = mv[mo + mBase + i] != 0f ? xv[xo + base + i] : fill;
      }
    }
    return out;
  }

  /**
   * {@link #fill(Tensor, Tensor, float, Tensor)} into a new tensor.
   *
   * @param x the values kept where the mask is non-zero
   * @param mask the mask, of {@code x}'s rank, each dimension 1 or equal to {@code x}'s
   * @param fill the value written where the mask is 0
   * @return a new tensor of {@code x}'s shape
   */
  public static Tensor fill(Tensor x, Tensor mask, float fill) {
    return fill(x, mask, fill, Tensor.zeros(x.shape()));
  }

  /**
   * Whether a mask of shape {@code m} broadcasts to {@code x}: same rank, each dim 1 or equal.
   *
   * @param m the mask's shape
   * @param x the shape of the values
   * @return true if the ranks are equal and each mask dimension is 1 or the matching dimension of
   *     {@code x}
   */
  public static boolean broadcasts(Shape m, Shape x) {
    if (m.rank() != x.rank()) {
      return false;
    }
    for (int i = 0; i < m.rank(); i++) {
      if (m.dim(i) != 1 && m.dim(i) != x.dim(i)) {
        return false;
      }
    }
    return true;
  }

  /** The mask's block index for x's block {@code o} over axes {@code [0, split)}. */
  private static int maskBlock(int o, int split, Shape xs, Shape ms) {
    int index = 0;
    int stride = 1;
    for (int axis = split - 1; axis >= 0; axis--) {
      int d = xs.dim(axis);
      int coord = o % d;
      o /= d;
      int md = ms.dim(axis);
      index += (md == 1 ? 0 : coord) * stride;
      stride *= md;
    }
    return index;
  }
}
