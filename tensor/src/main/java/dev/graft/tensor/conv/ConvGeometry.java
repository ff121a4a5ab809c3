package dev.graft.tensor.conv;

import dev.graft.tensor.Shape;

/**
 * The immutable geometry of a 2-D sliding window over a channels-last image, shared by {@link
 * Conv2d} and {@link Pool2d}: input height, width and channels, window (kernel or pool) size,
 * strides, dilation and Keras padding, and from them the output size and the padding before and
 * after on each axis.
 *
 * <p>Keras/TensorFlow rules, with effective window {@code e = (k - 1) * d + 1}:
 *
 * <ul>
 *   <li>{@code valid}: {@code out = floor((in - e) / s) + 1}, no padding;
 *   <li>{@code same}: {@code out = ceil(in / s)}, total padding {@code max((out - 1) * s + e - in,
 *       0)}, of which {@code floor(total / 2)} goes before and the rest (the odd pixel) after.
 * </ul>
 */
public final class ConvGeometry {
  /** Keras padding modes. */
  public enum Padding {
    /** No padding; windows lie wholly inside the input. */
    VALID,
    /** Pad so that {@code out = ceil(in / stride)}; the odd pixel goes bottom/right. */
    SAME;

    /**
     * Parses Keras's {@code "valid"} or {@code "same"} (any case).
     *
     * @param name the padding's name as Keras writes it
     * @return the matching mode
     * @throws IllegalArgumentException for anything else
     */
    public static Padding parse(String name) {
      if ("valid".equalsIgnoreCase(name)) {
        return VALID;
      }
      if ("same".equalsIgnoreCase(name)) {
        return SAME;
      }
      throw new IllegalArgumentException(
          "padding must be \"valid\" or \"same\"; Received: padding=" + name);
    }
  }

  private final int inH;
  private final int inW;
  private final int channels;
  private final int kh;
  private final int kw;
  private final int sh;
  private final int sw;
  private final int dh;
  private final int dw;
  private final Padding padding;
  private final int outH;
  private final int outW;
  private final int padTop;
  private final int padBottom;
  private final int padLeft;
  private final int padRight;

  private ConvGeometry(
      int inH, int inW, int channels, int kh, int kw, int sh, int sw, int dh, int dw, Padding p) {
    if (inH < 1 || inW < 1 || channels < 1 || kh < 1 || kw < 1) {
      throw new IllegalArgumentException(
          "ConvGeometry: input ("
              + inH
              + ", "
              + inW
              + ", "
              + channels
              + ") and window ("
              + kh
              + ", "
              + kw
              + ") must be positive");
    }
    if (sh < 1 || sw < 1 || dh < 1 || dw < 1) {
      throw new IllegalArgumentException(
          "ConvGeometry: strides ("
              + sh
              + ", "
              + sw
              + ") and dilation ("
              + dh
              + ", "
              + dw
              + ") must be positive");
    }
    this.inH = inH;
    this.inW = inW;
    this.channels = channels;
    this.kh = kh;
    this.kw = kw;
    this.sh = sh;
    this.sw = sw;
    this.dh = dh;
    this.dw = dw;
    this.padding = p;
    int eh = (kh - 1) * dh + 1;
    int ew = (kw - 1) * dw + 1;
    if (p == Padding.VALID) {
      if (inH < eh || inW < ew) {
        throw new IllegalArgumentException(
            "ConvGeometry: window ("
                + eh
                + ", "
                + ew
                + ") (with dilation) is larger than the input ("
                + inH
                + ", "
                + inW
                + ") under valid padding");
      }
      outH = (inH - eh) / sh + 1;
      outW = (inW - ew) / sw + 1;
      padTop = padBottom = padLeft = padRight = 0;
    } else {
      outH = (inH + sh - 1) / sh;
      outW = (inW + sw - 1) / sw;
      int th = Math.max((outH - 1) * sh + eh - inH, 0);
      int tw = Math.max((outW - 1) * sw + ew - inW, 0);
      padTop = th / 2;
      padBottom = th - padTop;
      padLeft = tw / 2;
      padRight = tw - padLeft;
    }
  }

  /**
   * The geometry of a window {@code (kh, kw)} with strides {@code (sh, sw)} and dilation {@code
   * (dh, dw)} over an {@code (inH, inW, channels)} image.
   *
   * @param inH the input height, {@code >= 1}
   * @param inW the input width, {@code >= 1}
   * @param channels the input channels, {@code >= 1}
   * @param kh the window height, {@code >= 1}
   * @param kw the window width, {@code >= 1}
   * @param sh the vertical stride, {@code >= 1}
   * @param sw the horizontal stride, {@code >= 1}
   * @param dh the vertical dilation, {@code >= 1}
   * @param dw the horizontal dilation, {@code >= 1}
   * @param padding the Keras padding mode
   * @return the geometry, with its output size and padding computed
   * @throws IllegalArgumentException for non-positive sizes, or a window larger than the input
   *     under {@code valid} padding
   */
  public static ConvGeometry of(
      int inH,
      int inW,
      int channels,
      int kh,
      int kw,
      int sh,
      int sw,
      int dh,
      int dw,
      Padding padding) {
    return new ConvGeometry(inH, inW, channels, kh, kw, sh, sw, dh, dw, padding);
  }

  /**
   * A square-stride, undilated window: {@code of(inH, inW, channels, kh, kw, s, s, 1, 1, p)}.
   *
   * @param inH the input height, {@code >= 1}
   * @param inW the input width, {@code >= 1}
   * @param channels the input channels, {@code >= 1}
   * @param kh the window height, {@code >= 1}
   * @param kw the window width, {@code >= 1}
   * @param stride the stride on both axes, {@code >= 1}
   * @param padding the Keras padding mode
   * @return the geometry, with its output size and padding computed
   */
  public static ConvGeometry of(
      int inH, int inW, int channels, int kh, int kw, int stride, Padding padding) {
    return of(inH, inW, channels, kh, kw, stride, stride, 1, 1, padding);
  }

  /**
   * The geometry for an NHWC input shape {@code (N, H, W, C)} (N may be unknown).
   *
   * @param input an NHWC shape {@code (N, H, W, C)}; H, W and C known
   * @param kh the window height, {@code >= 1}
   * @param kw the window width, {@code >= 1}
   * @param sh the vertical stride, {@code >= 1}
   * @param sw the horizontal stride, {@code >= 1}
   * @param dh the vertical dilation, {@code >= 1}
   * @param dw the horizontal dilation, {@code >= 1}
   * @param padding the Keras padding mode
   * @return the geometry, with its output size and padding computed
   * @throws IllegalArgumentException if the shape is not rank 4
   */
  public static ConvGeometry forInput(
      Shape input, int kh, int kw, int sh, int sw, int dh, int dw, Padding padding) {
    if (input.rank() != 4) {
      throw new IllegalArgumentException(
          "ConvGeometry: input shape "
              + input
              + " must be rank 4 (batch, height, width, channels)");
    }
    return of(input.dim(1), input.dim(2), input.dim(3), kh, kw, sh, sw, dh, dw, padding);
  }

  /**
   * Input height.
   *
   * @return the size in pixels, {@code >= 1}
   */
  public int inH() {
    return inH;
  }

  /**
   * Input width.
   *
   * @return the size in pixels, {@code >= 1}
   */
  public int inW() {
    return inW;
  }

  /**
   * Input channels.
   *
   * @return the number of channels, {@code >= 1}
   */
  public int channels() {
    return channels;
  }

  /**
   * Window height.
   *
   * @return the size in input pixels before dilation, {@code >= 1}
   */
  public int kh() {
    return kh;
  }

  /**
   * Window width.
   *
   * @return the size in input pixels before dilation, {@code >= 1}
   */
  public int kw() {
    return kw;
  }

  /**
   * Vertical stride.
   *
   * @return the step between windows in input pixels, {@code >= 1}
   */
  public int strideH() {
    return sh;
  }

  /**
   * Horizontal stride.
   *
   * @return the step between windows in input pixels, {@code >= 1}
   */
  public int strideW() {
    return sw;
  }

  /**
   * Vertical dilation.
   *
   * @return the step between window taps in input pixels; 1 for an undilated window
   */
  public int dilationH() {
    return dh;
  }

  /**
   * Horizontal dilation.
   *
   * @return the step between window taps in input pixels; 1 for an undilated window
   */
  public int dilationW() {
    return dw;
  }

  /**
   * The padding mode.
   *
   * @return {@code VALID} or {@code SAME}
   */
  public Padding padding() {
    return padding;
  }

  /**
   * Output height.
   *
   * @return the number of window positions along that axis
   */
  public int outH() {
    return outH;
  }

  /**
   * Output width.
   *
   * @return the number of window positions along that axis
   */
  public int outW() {
    return outW;
  }

  /**
   * Rows of padding above the input.
   *
   * @return the count, 0 under {@code valid} padding
   */
  public int padTop() {
    return padTop;
  }

  /**
   * Rows of padding below the input.
   *
   * @return the count, 0 under {@code valid} padding
   */
  public int padBottom() {
    return padBottom;
  }

  /**
   * Columns of padding left of the input.
   *
   * @return the count, 0 under {@code valid} padding
   */
  public int padLeft() {
    return padLeft;
  }

  /**
   * Columns of padding right of the input.
   *
   * @return the count, 0 under {@code valid} padding
   */
  public int padRight() {
    return padRight;
  }

  /**
   * The first output column whose input column {@code col * strideW + w0} is not left of the image,
   * for the window column that starts {@code w0} from the output column's origin.
   *
   * @param w0 the window column's offset ({@code j * dilationW - padLeft})
   * @return that output column, at most {@link #outW()}
   */
  public int insideFrom(int w0) {
    return Math.min(outW(), Math.max(0, -Math.floorDiv(w0, strideW())));
  }

  /**
   * One past the last output column whose input column {@code col * strideW + w0} is inside the
   * image; at least {@code from}.
   *
   * @param w0 the window column's offset ({@code j * dilationW - padLeft})
   * @param from the value of {@link #insideFrom} for {@code w0}
   * @return that output column
   */
  public int insideTo(int w0, int from) {
    return Math.max(from, Math.min(outW(), -Math.floorDiv(w0 - inW(), strideW())));
  }

  /**
   * The input shape {@code (n, inH, inW, channels)}.
   *
   * @param n the batch size
   * @return the NHWC input shape
   */
  public Shape inputShape(int n) {
    return Shape.of(n, inH, inW, channels);
  }

  /**
   * The output shape {@code (n, outH, outW, outChannels)}.
   *
   * @param n the batch size
   * @param outChannels the layer's output channels (the filters, or the input's for pooling)
   * @return the NHWC output shape
   */
  public Shape outputShape(int n, int outChannels) {
    return Shape.of(n, outH, outW, outChannels);
  }

  @Override
  public String toString() {
    return "ConvGeometry[in=("
        + inH
        + ", "
        + inW
        + ", "
        + channels
        + "), window=("
        + kh
        + ", "
        + kw
        + "), strides=("
        + sh
        + ", "
        + sw
        + "), dilation=("
        + dh
        + ", "
        + dw
        + "), "
        + padding.name().toLowerCase(java.util.Locale.ROOT)
        + ", out=("
        + outH
        + ", "
        + outW
        + "), pad=("
        + padTop
        + ", "
        + padBottom
        + ", "
        + padLeft
        + ", "
        + padRight
        + ")]";
  }
}
