package dev.graft.layers;

/**
 * Keras's {@code Conv2DTranspose} on channels-last images {@code (N, H, W, C)}: see {@link
 * TransposedConv}. Weights {@code kernel (kh, kw, filters, C)}, {@code bias (filters)}.
 */
public final class Conv2DTranspose extends TransposedConv<Conv2DTranspose> {
  /**
   * {@code filters} output channels, window {@code (kh, kw)}.
   *
   * @param filters the number of output channels
   * @param kh the window's height
   * @param kw the window's width
   * @throws IllegalArgumentException for non-positive sizes
   */
  public Conv2DTranspose(int filters, int kh, int kw) {
    super(2, filters, kh, kw);
  }

  /**
   * A square window of size {@code k}.
   *
   * @param filters the number of output channels
   * @param k the window's height and width
   */
  public Conv2DTranspose(int filters, int k) {
    this(filters, k, k);
  }
}
