package dev.graft.layers;

/**
 * Keras's {@code SeparableConv1D} on sequences {@code (N, T, C)}: see {@link SeparableConv}.
 * Weights {@code depthwise_kernel (k, C, M)}, {@code pointwise_kernel (1, C * M, filters)}, {@code
 * bias (filters)}.
 */
public final class SeparableConv1D extends SeparableConv<SeparableConv1D> {
  /**
   * {@code filters} output channels, depthwise window of {@code kernelSize} steps.
   *
   * @param filters the number of output channels
   * @param kernelSize the depthwise window's length in steps
   * @throws IllegalArgumentException for non-positive sizes
   */
  public SeparableConv1D(int filters, int kernelSize) {
    super(1, filters, kernelSize);
  }
}
