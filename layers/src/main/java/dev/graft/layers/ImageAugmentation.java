package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.AffineSample;
import dev.graft.autograd.ops.RandomAffine;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.layout.Affine2d;
import java.util.List;
import java.util.Map;
import org.joml.Matrix3x2f;

/**
 * Base of Keras's random image augmentation layers on NHWC images: in training each image is
 * resampled (bilinear) through its own random affine transform, drawn from the plan's seeded
 * generator; in inference the layer is the identity. Subclasses build the transform with JOML as a
 * {@link Matrix3x2f} mapping output pixel coordinates {@code (x, y)} to input coordinates, as
 * Keras's {@code affine_transform} does. The gradient with respect to the images is the transposed
 * sampling, so the layers may sit anywhere in a model.
 */
public abstract class ImageAugmentation extends SingleInput {
  private Affine2d.Fill fill = Affine2d.Fill.REFLECT;
  private float fillValue;
  // One per layer, reused: plans run a node on one thread at a time.
  private final Matrix3x2f matrix = new Matrix3x2f();

  /**
   * Sets {@code m} (the identity on entry) to this image's transform, output to input coordinates.
   *
   * @param rng the plan's random generator
   * @param height the image height in pixels
   * @param width the image width in pixels
   * @param m the transform to set
   */
  protected abstract void transform(Rng rng, int height, int width, Matrix3x2f m);

  /**
   * Whether the layer has Keras's {@code fill_mode}/{@code fill_value} (RandomFlip has not).
   *
   * @return true by default
   */
  protected boolean fills() {
    return true;
  }

  /**
   * Keras's {@code fill_mode}: {@code reflect} (default) or {@code constant}; returns this.
   *
   * @param mode {@code reflect} or {@code constant}
   * @return this layer, for chaining
   * @throws IllegalArgumentException for another mode
   */
  public ImageAugmentation fillMode(String mode) {
    checkArgument(
        "reflect".equals(mode) || "constant".equals(mode),
        className(),
        "fill_mode",
        mode + " (supported: reflect, constant)");
    this.fill = "reflect".equals(mode) ? Affine2d.Fill.REFLECT : Affine2d.Fill.CONSTANT;
    return this;
  }

  /**
   * The value of points outside the image with {@code fill_mode="constant"}; returns this.
   *
   * @param value the fill value
   * @return this layer, for chaining
   */
  public ImageAugmentation fillValue(double value) {
    this.fillValue = (float) value;
    return this;
  }

  /**
   * Checks Keras's {@code interpolation}: only {@code bilinear} (the default) is implemented.
   *
   * @param name the interpolation's Keras name
   * @return this layer, for chaining
   * @throws IllegalArgumentException for any other
   */
  public ImageAugmentation interpolation(String name) {
    checkArgument("bilinear".equals(name), className(), "interpolation", name);
    return this;
  }

  /**
   * A Keras factor: one non-negative value {@code f} means {@code (-f, f)}.
   *
   * @throws IllegalArgumentException if {@code f < 0}
   */
  static float[] symmetric(String layer, String argument, double f) {
    checkArgument(f >= 0 && Double.isFinite(f), layer, argument, f);
    return new float[] {(float) -f, (float) f};
  }

  /**
   * A Keras factor given as {@code (lower, upper)}.
   *
   * @throws IllegalArgumentException if {@code lower > upper}
   */
  static float[] range(String layer, String argument, double lower, double upper) {
    checkArgument(
        lower <= upper && Double.isFinite(lower) && Double.isFinite(upper),
        layer,
        argument,
        "(" + lower + ", " + upper + ")");
    return new float[] {(float) lower, (float) upper};
  }

  /** A value drawn uniformly from {@code range}. */
  static float draw(Rng rng, float[] range) {
    return range[0] == range[1] ? range[0] : rng.uniform(range[0], range[1]);
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    Shape x = in.get(0);
    // Images of any size (None height, width) are fine: each concrete size gets its own program.
    if (x.rank() != 4) {
      throw incompatible(0, "rank 4 (batch, height, width, channels)", x);
    }
  }

  @Override
  protected Shape outputShape(Shape x) {
    checkInputs(List.of(x));
    return x;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Node m = RandomAffine.of(x, className(), this::sample);
    return AffineSample.of(x, m, fill, fillValue);
  }

  private void sample(Rng rng, int height, int width, float[] out, int o) {
    Matrix3x2f m = matrix.identity();
    transform(rng, height, width, m);
    // JOML maps (x, y) to (m00 x + m10 y + m20, m01 x + m11 y + m21).
    out[o] = m.m00;
    out[o + 1] = m.m10;
    out[o + 2] = m.m20;
    out[o + 3] = m.m01;
    out[o + 4] = m.m11;
    out[o + 5] = m.m21;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    if (fills()) {
      c.put("fill_mode", fill.name().toLowerCase(java.util.Locale.ROOT));
      c.put("fill_value", (double) fillValue);
      c.put("interpolation", "bilinear");
    }
    c.put("seed", null);
    c.put("data_format", "channels_last");
    return c;
  }
}
