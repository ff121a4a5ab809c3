package dev.graft.dsl;

import dev.graft.dsl.internal.Arguments;
import dev.graft.dsl.plot.Curves;
import dev.graft.dsl.plot.TrainingPlot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Model#fit} returns: each logged value ({@code loss}, {@code val_accuracy}, ...) per
 * epoch.
 */
public final class History {
  private final Map<String, List<Double>> values = new LinkedHashMap<>();
  private final List<Integer> epochs = new ArrayList<>();

  /**
   * Records one epoch's logs.
   *
   * @param epoch the 0-based epoch
   * @param logs each logged value by name
   */
  public void record(int epoch, Map<String, Double> logs) {
    Arguments.notNull("record", "logs", logs);
    epochs.add(epoch);
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      values.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
    }
  }

  /**
   * All series by name, in first-logged order.
   *
   * @return an unmodifiable map of unmodifiable lists, one value per epoch
   */
  public Map<String, List<Double>> history() {
    Map<String, List<Double>> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(k, Collections.unmodifiableList(v)));
    return Collections.unmodifiableMap(copy);
  }

  /**
   * One series, e.g. {@code get("loss")}.
   *
   * @param name the series' name, e.g. {@code val_accuracy}
   * @return an unmodifiable list, one value per epoch
   * @throws IllegalArgumentException naming the logged series if there is none by that name
   */
  public List<Double> get(String name) {
    List<Double> v = values.get(Arguments.notNull("get", "name", name));
    if (v == null) {
      throw new IllegalArgumentException(
          "No \"" + name + "\" in the history; it has " + values.keySet());
    }
    return Collections.unmodifiableList(v);
  }

  /**
   * The epochs recorded (0-based).
   *
   * @return an unmodifiable list
   */
  public List<Integer> epochs() {
    return Collections.unmodifiableList(epochs);
  }

  /**
   * Draws the curves (one panel per quantity, validation dashed) to an {@code .svg} file.
   *
   * @param path the {@code .svg} file to write; missing parent folders are created
   * @return this history, for chaining
   */
  public History plot(String path) {
    TrainingPlot.write(curves(), Path.of(Arguments.notNull("plot", "path", path)));
    return this;
  }

  /**
   * Draws several runs into one {@code .svg} file, a colour per run, to compare them (one panel per
   * quantity, validation dashed).
   *
   * @param runs each run's legend name to its history, drawn in the map's iteration order (use a
   *     {@link LinkedHashMap} to fix the colours)
   * @param path the file to write, ending in {@code .svg}; missing parent folders are created and
   *     an existing file is replaced
   * @throws IllegalArgumentException if {@code runs} is empty or {@code path} does not end in
   *     {@code .svg}
   * @throws java.io.UncheckedIOException if the file cannot be written
   */
  public static void plot(Map<String, History> runs, String path) {
    Map<String, Curves> curves = new LinkedHashMap<>();
    Arguments.notNull("plot", "runs", runs)
        .forEach((name, h) -> curves.put(name, Arguments.notNull("plot", "runs", h).curves()));
    TrainingPlot.write(curves, Path.of(Arguments.notNull("plot", "path", path)));
  }

  /** A copy of the logged values for the plot package, which knows nothing of this class. */
  Curves curves() {
    return new Curves(epochs, values);
  }

  @Override
  public String toString() {
    return "History" + values;
  }
}
