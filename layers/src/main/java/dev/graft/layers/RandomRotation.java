package dev.graft.layers;

import dev.graft.tensor.Rng;
import java.util.List;
import java.util.Map;
import org.joml.Matrix3x2f;

/**
 * Keras's {@code RandomRotation(factor)}: in training each image is rotated about its centre by an
 * angle drawn from {@code [lower, upper] · 2π} (a single {@code factor} means {@code [-factor,
 * factor]}; positive is counter-clockwise); fill {@code reflect} by default, bilinear.
 */
public final class RandomRotation extends ImageAugmentation {
  private final float[] factor;

  /**
   * Rotations in {@code [-factor, factor] · 2π}.
   *
   * @param factor the largest rotation as a fraction of a full turn, either way
   * @throws IllegalArgumentException if {@code factor < 0}
   */
  public RandomRotation(double factor) {
    this.factor = symmetric("RandomRotation", "factor", factor);
  }

  /**
   * Rotations in {@code [lower, upper] · 2π}.
   *
   * @param lower the smallest rotation as a fraction of a full turn (negative: clockwise)
   * @param upper the largest rotation
   * @throws IllegalArgumentException if {@code lower > upper}
   */
  public RandomRotation(double lower, double upper) {
    this.factor = range("RandomRotation", "factor", lower, upper);
  }

  @Override
  protected void transform(Rng rng, int height, int width, Matrix3x2f m) {
    float angle = draw(rng, factor) * 2f * (float) Math.PI;
    float cx = (width - 1) / 2f;
    float cy = (height - 1) / 2f;
    // Output to input: x' = c + R(angle)(x - c), Keras's rotation matrix.
    m.translate(cx, cy).rotate(angle).translate(-cx, -cy);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("factor", List.of((double) factor[0], (double) factor[1]));
    return c;
  }
}
