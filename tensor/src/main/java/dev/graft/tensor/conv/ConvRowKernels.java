package dev.graft.tensor.conv;

/**
 * Convolution kernels that work output row by output row on raw channels-last arrays, as {@link
 * dev.graft.tensor.vector.VectorConv} implements them on the Vector API. {@link Conv2d} and {@link
 * ConvPool} reach that class only through this interface, loaded by name, so that the rest of the
 * library neither compiles nor loads against the incubator module.
 *
 * <p>Layouts: the input (N, H, W, Cin) from {@code xOff}; a run of output rows is {@code count * OW
 * * Cout} floats; the kernel (kh*kw*Cin, Cout) in (i, j, ci) order. Shapes are checked by the
 * callers.
 */
public interface ConvRowKernels {
  /** The output channels one pass covers; Cout must be a multiple of it. */
  int channelBlock();

  /**
   * Output rows {@code [oh0, oh0 + count)} of image {@code n} into {@code out[outOff ...]}: the
   * bias (zero when {@code bias} is null) plus the convolution of {@code x} with the kernel at
   * {@code w[wOff]}. Overwrites them.
   */
  void forwardRows(
      float[] x,
      int xOff,
      ConvGeometry g,
      float[] w,
      int wOff,
      float[] bias,
      int bOff,
      int cout,
      int n,
      int oh0,
      int count,
      float[] out,
      int outOff);

  /**
   * Adds the kernel gradient of output rows {@code [oh0, oh0 + count)} of image {@code n}, whose
   * output gradient starts at {@code dy[dyOff]}, to {@code d[dOff ...]} ((kh*kw*Cin, Cout)); then,
   * when {@code withBias}, their bias gradient to the next Cout floats.
   */
  void kernelRows(
      float[] x,
      int xOff,
      ConvGeometry g,
      float[] dy,
      int dyOff,
      int cout,
      int n,
      int oh0,
      int count,
      float[] d,
      int dOff,
      boolean withBias);

  /**
   * Max pooling with 2x2 windows and strides of {@code rows} pooling rows held in {@code block}
   * (each two convolution rows of {@code convW} pixels of {@code c} channels; a last odd column is
   * dropped) into {@code out[outOff ...]}; when {@code taps} is not null, the window tap of each
   * maximum ({@code i * 2 + j}, ties to the earlier) goes to {@code taps[tapsOff ...]}.
   */
  void maxTiles2x2(
      float[] block,
      int rows,
      int convW,
      int c,
      float[] out,
      int outOff,
      float[] taps,
      int tapsOff);

  /**
   * The inverse of {@link #maxTiles2x2} for the gradient: overwrites the {@code rows} pooling rows
   * of {@code block} with each pooled gradient ({@code dOut[dOff ...]}) where its tap points and
   * zero elsewhere.
   */
  void scatterTiles2x2(
      float[] dOut, int dOff, float[] taps, int tapsOff, int rows, int convW, int c, float[] block);
}
