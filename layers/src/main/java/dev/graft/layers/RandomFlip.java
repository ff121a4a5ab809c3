package dev.graft.layers;

import dev.graft.tensor.Rng;
import java.util.Map;
import org.joml.Matrix3x2f;

/**
 * Keras's {@code RandomFlip(mode)}: in training each image is flipped left-right ({@code
 * horizontal}), top-bottom ({@code vertical}) or each independently ({@code
 * horizontal_and_vertical}, the default), each with probability 1/2; the identity in inference.
 */
public final class RandomFlip extends ImageAugmentation {
  private final String mode;
  private final boolean horizontal;
  private final boolean vertical;

  /**
   * A random flip in {@code mode}.
   *
   * @param mode {@code horizontal}, {@code vertical} or {@code horizontal_and_vertical}
   * @throws IllegalArgumentException for another mode
   */
  public RandomFlip(String mode) {
    checkArgument(
        "horizontal".equals(mode)
            || "vertical".equals(mode)
            || "horizontal_and_vertical".equals(mode),
        "RandomFlip",
        "mode",
        mode);
    this.mode = mode;
    this.horizontal = mode.startsWith("horizontal");
    this.vertical = mode.endsWith("vertical");
  }

  @Override
  protected boolean fills() {
    return false;
  }

  @Override
  protected void transform(Rng rng, int height, int width, Matrix3x2f m) {
    // Whole-pixel mirrors: the bilinear weights are 0 and 1, so a flip is exact.
    if (horizontal && rng.nextFloat() < 0.5f) {
      m.translate(width - 1f, 0f).scale(-1f, 1f);
    }
    if (vertical && rng.nextFloat() < 0.5f) {
      m.translate(0f, height - 1f).scale(1f, -1f);
    }
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("mode", mode);
    return c;
  }
}
