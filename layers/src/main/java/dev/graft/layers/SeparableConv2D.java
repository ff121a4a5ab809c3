package dev.graft.layers;

/**
 * Keras's {@code SeparableConv2D} on channels-last images {@code (N, H, W, C)}: see {@link
 * SeparableConv}. Weights {@code depthwise_kernel (kh, kw, C, M)}, {@code pointwise_kernel (1, 1, C
 * * M, filters)}, {@code bias (filters)}.
 */
public final class SeparableConv2D extends SeparableConv<SeparableConv2D> {
  /**
   * {@code filters} output channels, depthwise window {@code (kh, kw)}.
   *
   * @param filters the number of output channels
   * @param kh the window's height
   * @param kw the window's width
   * @throws IllegalArgumentException for non-positive sizes
   */
  public SeparableConv2D(int filters, int kh, int kw) {
    super(2, filters, kh, kw);
  }

  /**
   * A square window of size {@code k}.
   *
   * @param filters the number of output channels
   * @param k the window's height and width
   */
  public SeparableConv2D(int filters, int k) {
    this(filters, k, k);
  }
}
