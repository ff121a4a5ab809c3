package dev.graft.tensor.reduce;

import dev.graft.tensor.support.VectorSupport;

/**
 * Softmax over one contiguous lane and its backward pass on the Vector API, as {@code
 * dev.graft.tensor.vector.VectorSoftmax} implements them (loaded by name, see {@link
 * VectorSupport}). The JDK 17 JIT leaves {@link Softmax}'s loops scalar (the exponential's float to
 * int conversion and the double sums stop it), which made attention's softmax cost several times
 * its GEMMs. The exponential is {@link FastExp}'s polynomial lane by lane, so both paths agree
 * within float rounding (the sums are accumulated in float lanes instead of one double).
 */
public interface SoftmaxKernels {
  /**
   * {@code o[oo + k] = exp(x[xo + k] - max) / sum} for {@code k < n}; {@code o} may be {@code x}.
   *
   * @param x the logits' array
   * @param xo the index of the lane's first logit in {@code x}
   * @param o the output array
   * @param oo the index of the lane's first output in {@code o}
   * @param n the lane's length, {@code >= 1}
   */
  void forward(float[] x, int xo, float[] o, int oo, int n);

  /**
   * {@code o[oo + k] = y[yo + k] * (g[go + k] - sum(g * y))} for {@code k < n}; {@code o} may be
   * {@code g}.
   *
   * @param y the softmax outputs' array
   * @param yo the index of the lane's first output in {@code y}
   * @param g the output gradient's array
   * @param go the index of the lane's first gradient in {@code g}
   * @param o the output array
   * @param oo the index of the lane's first output in {@code o}
   * @param n the lane's length, {@code >= 1}
   */
  void backward(float[] y, int yo, float[] g, int go, float[] o, int oo, int n);
}
