package dev.graft.layers;

import java.util.Map;

/**
 * Keras's {@code ZeroPadding1D}: zeros added before and after the steps of {@code (N, T, C)},
 * giving {@code (N, left + T + right, C)}.
 */
public final class ZeroPadding1D extends SpatialBorders {
  /**
   * {@code left} zeros before the steps and {@code right} after.
   *
   * @param left zero steps added at the start
   * @param right zero steps added at the end
   * @throws IllegalArgumentException for a negative amount
   */
  public ZeroPadding1D(int left, int right) {
    super(false, new int[][] {{left, right}});
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("padding", amountsConfig().get(0));
    return c;
  }
}
