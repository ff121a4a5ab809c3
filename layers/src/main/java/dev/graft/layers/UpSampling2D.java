package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.BroadcastTo;
import dev.graft.autograd.ops.MatMul;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Transpose;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's {@code UpSampling2D}: {@code (N, H, W, C)} to {@code (N, H * sh, W * sw, C)}. {@code
 * nearest} (default) repeats each pixel: {@code out[h, w] = x[h / sh, w / sw]}. {@code bilinear}
 * interpolates as Keras 3 and TensorFlow 2's {@code resize} do, with half-pixel centres: output
 * pixel {@code o} reads input position {@code (o + 0.5) / s - 0.5}, clamped to the edges (so {@code
 * 1 2 3 4} doubled is {@code 1 1.25 1.75 2.25 2.75 3.25 3.75 4}).
 */
public final class UpSampling2D extends SingleInput {
  /** How new pixels get their values. */
  public enum Interpolation {
    /** Each output pixel copies the input pixel it falls in. */
    NEAREST,
    /** Linear in each axis between the two nearest input pixel centres. */
    BILINEAR;

    /**
     * Keras's string for this interpolation.
     *
     * @return {@code nearest} or {@code bilinear}
     */
    public String kerasName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The interpolation named {@code name} ({@code nearest} or {@code bilinear}).
     *
     * @param name the Keras name
     * @return the interpolation
     * @throws IllegalArgumentException for any other name (Keras's others are not supported)
     */
    public static Interpolation of(String name) {
      for (Interpolation i : values()) {
        if (i.kerasName().equals(name)) {
          return i;
        }
      }
      throw new IllegalArgumentException(
          "Invalid value for argument interpolation of UpSampling2D. Received: interpolation="
              + name
              + " (Graft supports \"nearest\" and \"bilinear\")");
    }
  }

  private final int sizeH;
  private final int sizeW;
  private Interpolation interpolation = Interpolation.NEAREST;

  /**
   * Scales rows by {@code sizeH} and columns by {@code sizeW} (Keras's {@code size=(sh, sw)}).
   *
   * @param sizeH the row factor
   * @param sizeW the column factor
   * @throws IllegalArgumentException for a factor below 1
   */
  public UpSampling2D(int sizeH, int sizeW) {
    checkArgument(sizeH > 0 && sizeW > 0, "UpSampling2D", "size", "(" + sizeH + ", " + sizeW + ")");
    this.sizeH = sizeH;
    this.sizeW = sizeW;
  }

  /**
   * Sets the interpolation by Keras name ({@code nearest} or {@code bilinear}); returns this.
   *
   * @param name {@code nearest} or {@code bilinear}
   * @return this layer, for chaining
   */
  public UpSampling2D interpolation(String name) {
    return interpolation(Interpolation.of(name));
  }

  /**
   * Sets the interpolation; returns this.
   *
   * @param value the interpolation
   * @return this layer, for chaining
   */
  public UpSampling2D interpolation(Interpolation value) {
    if (value == null) {
      throw new IllegalArgumentException(
          "Invalid value for argument interpolation of UpSampling2D. Received: interpolation=null");
    }
    requireUnbuilt("interpolation");
    this.interpolation = value;
    return this;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    outputShape(in.get(0));
  }

  @Override
  protected Shape outputShape(Shape x) {
    if (x.rank() != 4) {
      throw incompatible(0, "rank 4 (batch, height, width, channels)", x);
    }
    return Shape.of(
        x.dim(0), SampleShape.times(x.dim(1), sizeH), SampleShape.times(x.dim(2), sizeW), x.dim(3));
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    if (!SampleShape.known(x.shape())) {
      throw incompatible(0, "known sizes after the batch when the graph is built", x.shape());
    }
    if (interpolation == Interpolation.NEAREST) {
      return repeat(x, sizeH, sizeW);
    }
    // Separable: interpolate along W as a product with a (W, W * sw) matrix, then along H.
    Shape in = x.shape();
    Node alongW = MatMul.of(Transpose.of(x, 0, 1, 3, 2), interpolationMatrix(x, in.dim(2), sizeW));
    Node alongH =
        MatMul.of(Transpose.of(alongW, 0, 3, 2, 1), interpolationMatrix(x, in.dim(1), sizeH));
    return Transpose.of(alongH, 0, 3, 1, 2);
  }

  /**
   * Nearest-neighbour upsampling of the spatial axes {@code 1..n} of {@code (N, d1, ..., dn, C)} by
   * {@code sizes}: each axis gets a unit axis after it, broadcast to its factor, then merged.
   */
  static Node repeat(Node x, int... sizes) {
    Shape in = x.shape();
    int n = sizes.length;
    int[] split = new int[2 * n + 2];
    int[] repeated = new int[2 * n + 2];
    int[] merged = new int[n + 2];
    split[0] = repeated[0] = merged[0] = in.dim(0);
    for (int i = 0; i < n; i++) {
      split[1 + 2 * i] = repeated[1 + 2 * i] = in.dim(i + 1);
      split[2 + 2 * i] = 1;
      repeated[2 + 2 * i] = sizes[i];
      merged[i + 1] = in.dim(i + 1) * sizes[i];
    }
    split[2 * n + 1] = repeated[2 * n + 1] = merged[n + 1] = in.dim(n + 1);
    Node wide = BroadcastTo.of(Reshape.of(x, Shape.of(split)), Shape.of(repeated));
    return Reshape.of(wide, Shape.of(merged));
  }

  /**
   * The {@code (in, in * scale)} matrix of TensorFlow's half-pixel bilinear resize along one axis:
   * column {@code o} weighs the two input pixels around {@code (o + 0.5) / scale - 0.5}.
   */
  private static Node interpolationMatrix(Node x, int in, int scale) {
    int out = in * scale;
    float[] w = new float[in * out];
    for (int o = 0; o < out; o++) {
      double pos = (o + 0.5) / scale - 0.5;
      double floor = Math.floor(pos);
      int lower = Math.max((int) floor, 0);
      int upper = Math.min((int) Math.ceil(pos), in - 1);
      double lerp = pos - floor;
      w[lower * out + o] += (float) (1 - lerp);
      w[upper * out + o] += (float) lerp;
    }
    return x.graph().constant(Tensor.of(w, in, out));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("size", new int[] {sizeH, sizeW});
    c.put("data_format", "channels_last");
    c.put("interpolation", interpolation.kerasName());
    return c;
  }
}
