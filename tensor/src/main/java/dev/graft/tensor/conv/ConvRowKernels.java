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
  /**
   * The output channels one pass covers; Cout must be a multiple of it.
   *
   * @return the number of output channels per pass, a multiple of the vector width
   */
  int channelBlock();

  /**
   * The output pixels the forward pass convolves together in registers (1 where it walks tap by
   * tap). A warm-up must run rows with more inside columns than this, or the tiles' code is first
   * run, interpreted, by a real call.
   *
   * @return the forward pass's pixels per tile, at least 1
   */
  int forwardTile();

  /**
   * Output rows {@code [oh0, oh0 + count)} of image {@code n} into {@code out[outOff ...]}: the
   * bias (zero when {@code bias} is null) plus the convolution of {@code x} with the kernel at
   * {@code w[wOff]}. Overwrites them.
   *
   * @param x the input images, NHWC, in an array
   * @param xOff the index in {@code x} of the batch's first element
   * @param g the convolution's geometry
   * @param w the kernel {@code (kh, kw, Cin, Cout)} in an array
   * @param wOff the index in {@code w} of the kernel's first element
   * @param bias the bias ({@code Cout} floats), or null for none
   * @param bOff the index in {@code bias} of the first bias
   * @param cout the number of output channels Cout, a multiple of {@link #channelBlock()}
   * @param n the image in the batch
   * @param oh0 the first output row
   * @param count the number of output rows
   * @param out the output array, of NHWC rows {@code (outW, Cout)}
   * @param outOff the index in {@code out} of output row {@code oh0}'s first element
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
   *
   * @param x the input images, NHWC, in an array
   * @param xOff the index in {@code x} of the batch's first element
   * @param g the convolution's geometry
   * @param dy the output gradient's array
   * @param dyOff the index in {@code dy} of output row {@code oh0}'s first gradient
   * @param cout the number of output channels Cout, a multiple of {@link #channelBlock()}
   * @param n the image in the batch
   * @param oh0 the first output row
   * @param count the number of output rows
   * @param d the kernel gradient's array, added to
   * @param dOff the index in {@code d} of the kernel gradient's first element
   * @param withBias true to add the bias gradient after the kernel's, false to skip it
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
   *
   * @param block the convolution rows under the pooling rows (read by {@code maxTiles2x2}, written
   *     by {@code scatterTiles2x2})
   * @param rows the number of pooling rows, each over two convolution rows
   * @param convW the convolution rows' width in pixels
   * @param c the number of channels
   * @param out the pooled output's array
   * @param outOff the index in {@code out} of the first pooled value
   * @param taps the array of window taps ({@code 0..3} as floats) of each maximum, or null not to
   *     record them (in {@code maxTiles2x2})
   * @param tapsOff the index in {@code taps} of the first tap
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
   * zero elsewhere; a tap of 4 ({@link ConvPool#noTap}: a fused ReLU passed no gradient) points
   * nowhere.
   *
   * @param dOut the pooled output gradient's array
   * @param dOff the index in {@code dOut} of the first pooled gradient
   * @param taps the array of window taps ({@code 0..3} as floats) of each maximum, or null not to
   *     record them (in {@code maxTiles2x2})
   * @param tapsOff the index in {@code taps} of the first tap
   * @param rows the number of pooling rows, each over two convolution rows
   * @param convW the convolution rows' width in pixels
   * @param c the number of channels
   * @param block the convolution rows under the pooling rows (read by {@code maxTiles2x2}, written
   *     by {@code scatterTiles2x2})
   */
  void scatterTiles2x2(
      float[] dOut, int dOff, float[] taps, int tapsOff, int rows, int convW, int c, float[] block);
}
