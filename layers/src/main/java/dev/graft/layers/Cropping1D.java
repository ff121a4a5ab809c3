package dev.graft.layers;

import java.util.Map;

/**
 * Keras's {@code Cropping1D}: the first {@code left} and last {@code right} steps of {@code (N, T,
 * C)} removed, giving {@code (N, T - left - right, C)}.
 */
public final class Cropping1D extends SpatialBorders {
  /**
   * Removes {@code left} steps at the start and {@code right} at the end.
   *
   * @param left steps removed at the start
   * @param right steps removed at the end
   * @throws IllegalArgumentException for a negative amount
   */
  public Cropping1D(int left, int right) {
    super(true, new int[][] {{left, right}});
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("cropping", amountsConfig().get(0));
    return c;
  }
}
