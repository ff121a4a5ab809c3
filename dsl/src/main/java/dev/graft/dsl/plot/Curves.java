package dev.graft.dsl.plot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values one training run logged, as {@link TrainingPlot} draws them: what {@code History.plot}
 * hands over, so this package needs nothing from the model classes.
 *
 * @param epochs the 0-based epoch of each logged position (drawn 1-based); a series longer than
 *     this list is drawn at its positions instead
 * @param series each logged quantity by name ({@code loss}, {@code val_accuracy}, ...) to its
 *     values in epoch order; non-finite values are left out of the curve
 */
public record Curves(List<Integer> epochs, Map<String, List<Double>> series) {
  /**
   * Copies both arguments (keeping the series' order, which is the order of the panels), so epochs
   * the run records later do not change a drawing.
   *
   * @param epochs the epoch of each position
   * @param series each quantity's values, in panel order
   */
  public Curves {
    epochs = List.copyOf(epochs);
    Map<String, List<Double>> copy = new LinkedHashMap<>();
    series.forEach((k, v) -> copy.put(k, Collections.unmodifiableList(new ArrayList<>(v))));
    series = Collections.unmodifiableMap(copy);
  }
}
