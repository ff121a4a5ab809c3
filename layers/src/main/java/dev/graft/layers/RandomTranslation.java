package dev.graft.layers;

import dev.graft.tensor.Rng;
import java.util.List;
import java.util.Map;
import org.joml.Matrix3x2f;

/**
 * Keras's {@code RandomTranslation(height_factor, width_factor)}: in training each image is shifted
 * by a fraction of its height and width drawn from {@code [-factor, factor]} (positive moves it
 * down / right); fill {@code reflect} by default, bilinear.
 */
public final class RandomTranslation extends ImageAugmentation {
  private final float[] height;
  private final float[] width;

  /**
   * Shifts of up to {@code heightFactor} of the height and {@code widthFactor} of the width.
   *
   * @param heightFactor the largest vertical shift as a fraction of the height
   * @param widthFactor the largest horizontal shift as a fraction of the width
   * @throws IllegalArgumentException if a factor is negative
   */
  public RandomTranslation(double heightFactor, double widthFactor) {
    this.height = symmetric("RandomTranslation", "height_factor", heightFactor);
    this.width = symmetric("RandomTranslation", "width_factor", widthFactor);
  }

  @Override
  protected void transform(Rng rng, int h, int w, Matrix3x2f m) {
    float dy = draw(rng, height) * h;
    float dx = draw(rng, width) * w;
    // Output to input: x' = x - d, so the content moves by +d.
    m.translate(-dx, -dy);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("height_factor", List.of((double) height[0], (double) height[1]));
    c.put("width_factor", List.of((double) width[0], (double) width[1]));
    return c;
  }
}
