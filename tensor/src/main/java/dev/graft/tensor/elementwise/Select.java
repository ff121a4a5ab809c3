package dev.graft.tensor.elementwise;

import dev.graft.tensor.Tensor;
import dev.graft.tensor.support.Checks;

/**
 * Routing kernels for the gradient of element-wise {@code maximum} and {@code minimum}: the
 * upstream gradient goes to the input that won each comparison. Ties go to the first input, as in
 * TensorFlow ({@code x >= y} for the maximum, {@code x <= y} for the minimum).
 */
public final class Select {
  private Select() {}

  /**
   * {@code out[i] = dy[i]} where input {@code first ? a : b} won the {@code max} (or min)
   * comparison of {@code a[i]} and {@code b[i]}, else 0; returns {@code out}. All four have one
   * shape; {@code out} may be {@code dy}.
   *
   * @param a the first compared input
   * @param b the second compared input, of {@code a}'s shape
   * @param max true to route the gradient to the larger element, false to the smaller
   * @param first true for the gradient of {@code a}, false for that of {@code b}
   * @param dy the gradient of the max or min output, of {@code a}'s shape
   * @param out the gradient of the chosen input, of {@code a}'s shape (may be {@code dy})
   * @return {@code out}
   * @throws IllegalArgumentException if the shapes differ
   */
  public static Tensor winnerGrad(
      Tensor a, Tensor b, boolean max, boolean first, Tensor dy, Tensor out) {
    Checks.equalShapes("select", a, b);
    Checks.equalShapes("select", a, dy);
    Checks.sameShape("select", a, out);
    float[] x = a.array();
    float[] y = b.array();
    float[] g = dy.array();
    float[] o = out.array();
    int xo = a.offset();
    int yo = b.offset();
    int go = dy.offset();
    int oo = out.offset();
    for (int i = 0, n = out.size(); i < n; i++) {
      float u = x[xo + i];
      float v = y[yo + i];
      boolean aWins = max ? u >= v : u <= v;
      o[oo + i] = aWins == first ? g[go + i] : 0f;
    }
    return out;
  }

  /**
   * {@link #winnerGrad(Tensor, Tensor, boolean, boolean, Tensor, Tensor)} in a new tensor.
   *
   * @param a the first compared input
   * @param b the second compared input, of {@code a}'s shape
   * @param max true to route the gradient to the larger element, false to the smaller
   * @param first true for the gradient of {@code a}, false for that of {@code b}
   * @param dy the gradient of the max or min output, of {@code a}'s shape
   * @return a new tensor of {@code a}'s shape
   */
  public static Tensor winnerGrad(Tensor a, Tensor b, boolean max, boolean first, Tensor dy) {
    return winnerGrad(a, b, max, first, dy, Tensor.zeros(a.shape()));
  }
}
