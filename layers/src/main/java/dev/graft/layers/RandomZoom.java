package dev.graft.layers;

import dev.graft.tensor.Rng;
import java.util.List;
import java.util.Map;
import org.joml.Matrix3x2f;

/**
 * Keras's {@code RandomZoom(height_factor, width_factor)}: in training each image is scaled about
 * its centre by {@code 1 + f} per axis, {@code f} drawn from the factor's range (positive zooms
 * out, negative zooms in); without a width factor the width follows the height (aspect kept).
 */
public final class RandomZoom extends ImageAugmentation {
  private final float[] height;
  private final float[] width;

  /**
   * Zooms by {@code [-heightFactor, heightFactor]} on both axes (aspect ratio kept).
   *
   * @param heightFactor the largest zoom either way, as a fraction of the size
   * @throws IllegalArgumentException unless {@code 0 <= heightFactor < 1}
   */
  public RandomZoom(double heightFactor) {
    this(heightFactor, Double.NaN);
  }

  /**
   * Zooms by {@code [-heightFactor, heightFactor]} vertically and {@code [-widthFactor,
   * widthFactor]} horizontally ({@code NaN}: as the height).
   *
   * @param heightFactor the largest vertical zoom as a fraction of the height
   * @param widthFactor the largest horizontal zoom as a fraction of the width, or {@code NaN}
   * @throws IllegalArgumentException unless each factor is in {@code [0, 1)}
   */
  public RandomZoom(double heightFactor, double widthFactor) {
    checkArgument(heightFactor < 1, "RandomZoom", "height_factor", heightFactor);
    this.height = symmetric("RandomZoom", "height_factor", heightFactor);
    if (Double.isNaN(widthFactor)) {
      this.width = null;
    } else {
      checkArgument(widthFactor < 1, "RandomZoom", "width_factor", widthFactor);
      this.width = symmetric("RandomZoom", "width_factor", widthFactor);
    }
  }

  @Override
  protected void transform(Rng rng, int h, int w, Matrix3x2f m) {
    float zy = 1f + draw(rng, height);
    float zx = width == null ? zy : 1f + draw(rng, width);
    float cx = (w - 1) / 2f;
    float cy = (h - 1) / 2f;
    // Output to input: x' = c + z (x - c): z > 1 reads a wider area, zooming out.
    m.translate(cx, cy).scale(zx, zy).translate(-cx, -cy);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("height_factor", List.of((double) height[0], (double) height[1]));
    c.put("width_factor", width == null ? null : List.of((double) width[0], (double) width[1]));
    return c;
  }
}
