package dev.graft.layers;

import java.util.Map;

/**
 * Keras's {@code ZeroPadding2D}: zero rows added above ({@code top}) and below ({@code bottom}),
 * zero columns left and right of {@code (N, H, W, C)}, giving {@code (N, top + H + bottom, left + W
 * + right, C)}.
 */
public final class ZeroPadding2D extends SpatialBorders {
  /**
   * Keras's {@code padding=((top, bottom), (left, right))}.
   *
   * @param top zero rows added at the top
   * @param bottom zero rows added at the bottom
   * @param left zero columns added at the left
   * @param right zero columns added at the right
   * @throws IllegalArgumentException for a negative amount
   */
  public ZeroPadding2D(int top, int bottom, int left, int right) {
    super(false, new int[][] {{top, bottom}, {left, right}});
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("padding", amountsConfig());
    c.put("data_format", "channels_last");
    return c;
  }
}
