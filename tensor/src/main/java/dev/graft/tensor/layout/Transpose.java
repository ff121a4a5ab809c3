package dev.graft.tensor.layout;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;

/**
 * Axis permutation (NumPy's {@code transpose(x, perm)}): output axis {@code i} is input axis {@code
 * perm[i]}. The output is written row by row: each row is a strided walk of the input, so no index
 * arrays are allocated per call.
 */
public final class Transpose {
  private Transpose() {}

  /**
   * The shape of {@code x} permuted by {@code perm} ({@link Shape#UNKNOWN} dimensions carried).
   *
   * @param x the shape to permute
   * @param perm a permutation of {@code 0..rank-1}: axis {@code i} of the result is axis {@code
   *     perm[i]} of the input
   * @return the permuted shape
   * @throws IllegalArgumentException unless {@code perm} is a permutation of {@code 0..rank-1}
   */
  public static Shape permutedShape(Shape x, int[] perm) {
    checkPermutation(x, perm);
    int[] d = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      d[i] = x.dim(perm[i]);
    }
    return Shape.of(d);
  }

  /**
   * The permutation that undoes {@code perm}.
   *
   * @param perm a permutation of {@code 0..n-1}
   * @return a new array {@code inv} with {@code inv[perm[i]] = i}
   */
  public static int[] inverse(int[] perm) {
    int[] inv = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      inv[perm[i]] = i;
    }
    return inv;
  }

  /**
   * {@code out = transpose(x, perm)}; returns {@code out}.
   *
   * @param x the input
   * @param perm a permutation of {@code 0..rank-1}: axis {@code i} of the result is axis {@code
   *     perm[i]} of the input
   * @param out receives the permuted tensor, of {@link #permutedShape} of {@code x}'s shape
   * @return {@code out}
   * @throws IllegalArgumentException for a bad permutation or an {@code out} of the wrong shape
   */
  public static Tensor permute(Tensor x, int[] perm, Tensor out) {
    int rank = perm.length;
    if (!fits(x.shape(), perm, out.shape())) {
      throw new IllegalArgumentException(
          "transpose: out has shape "
              + out.shape()
              + " but "
              + x.shape()
              + " permuted is "
              + permutedShape(x.shape(), perm));
    }
    if (out.size() == 0) {
      return out;
    }
    if (rank == 0) {
      out.setFlat(0, x.getFlat(0));
      return out;
    }
    Shape in = x.shape();
    int last = out.shape().dim(rank - 1);
    int lastStride = in.sizeFrom(perm[rank - 1] + 1);
    int rows = out.size() / last;
    float[] src = x.array();
    float[] dst = out.array();
    int o = out.offset();
    for (int r = 0; r < rows; r++) {
      // The row's start in x: unravel r over the output's outer axes, mapped to x's strides.
      int base = x.offset();
      int rest = r;
      for (int k = rank - 2; k >= 0; k--) {
        int dim = out.shape().dim(k);
        base += (rest % dim) * in.sizeFrom(perm[k] + 1);
        rest /= dim;
      }
      for (int j = 0; j < last; j++) {
        dst[o++] = src[base + j * lastStride];
      }
    }
    return out;
  }

  /**
   * {@code transpose(x, perm)} in a new tensor.
   *
   * @param x the input
   * @param perm a permutation of {@code 0..rank-1}: axis {@code i} of the result is axis {@code
   *     perm[i]} of the input
   * @return a new tensor of the permuted shape
   */
  public static Tensor permute(Tensor x, int[] perm) {
    return permute(x, perm, Tensor.zeros(permutedShape(x.shape(), perm)));
  }

  /**
   * True if {@code perm} is a permutation and {@code out} is {@code x} permuted (no allocation).
   */
  private static boolean fits(Shape x, int[] perm, Shape out) {
    if (perm.length != x.rank() || out.rank() != x.rank()) {
      return false;
    }
    for (int i = 0; i < perm.length; i++) {
      if (perm[i] < 0 || perm[i] >= perm.length || out.dim(i) != x.dim(perm[i])) {
        return false;
      }
      for (int j = 0; j < i; j++) {
        if (perm[j] == perm[i]) {
          return false;
        }
      }
    }
    return true;
  }

  private static void checkPermutation(Shape x, int[] perm) {
    boolean ok = perm.length == x.rank();
    boolean[] seen = new boolean[perm.length];
    for (int i = 0; ok && i < perm.length; i++) {
      ok = perm[i] >= 0 && perm[i] < perm.length && !seen[perm[i]];
      if (ok) {
        seen[perm[i]] = true;
      }
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "transpose: "
              + java.util.Arrays.toString(perm)
              + " is not a permutation of the axes of "
              + x);
    }
  }
}
