package dev.graft.layers;

/**
 * Keras's {@code Conv1DTranspose} on sequences {@code (N, T, C)}: see {@link TransposedConv}.
 * Weights {@code kernel (k, filters, C)}, {@code bias (filters)}.
 */
public final class Conv1DTranspose extends TransposedConv<Conv1DTranspose> {
  /**
   * {@code filters} output channels, a window of {@code kernelSize} steps.
   *
   * @param filters the number of output channels
   * @param kernelSize the window's length in steps
   * @throws IllegalArgumentException for non-positive sizes
   */
  public Conv1DTranspose(int filters, int kernelSize) {
    super(1, filters, kernelSize);
  }
}
