package dev.graft.layers;

import java.util.Map;

/**
 * Keras's {@code Cropping2D}: {@code top} rows, {@code bottom} rows, {@code left} and {@code right}
 * columns removed from {@code (N, H, W, C)}, giving {@code (N, H - top - bottom, W - left - right,
 * C)}.
 */
public final class Cropping2D extends SpatialBorders {
  /**
   * Keras's {@code cropping=((top, bottom), (left, right))}.
   *
   * @param top rows removed at the top
   * @param bottom rows removed at the bottom
   * @param left columns removed at the left
   * @param right columns removed at the right
   * @throws IllegalArgumentException for a negative amount
   */
  public Cropping2D(int top, int bottom, int left, int right) {
    super(true, new int[][] {{top, bottom}, {left, right}});
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("cropping", amountsConfig());
    c.put("data_format", "channels_last");
    return c;
  }
}
