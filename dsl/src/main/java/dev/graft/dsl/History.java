package dev.graft.dsl;

import dev.graft.dsl.internal.Arguments;
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

  /** Records one epoch's logs. */
  public void record(int epoch, Map<String, Double> logs) {
    Arguments.notNull("record", "logs", logs);
    epochs.add(epoch);
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      values.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
    }
  }

  /** All series by name, in first-logged order. */
  public Map<String, List<Double>> history() {
    Map<String, List<Double>> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(k, Collections.unmodifiableList(v)));
    return Collections.unmodifiableMap(copy);
  }

  /**
   * One series, e.g. {@code get("loss")}.
   *
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

  /** The epochs recorded (0-based). */
  public List<Integer> epochs() {
    return Collections.unmodifiableList(epochs);
  }

  /** Draws the curves (one panel per quantity, validation dashed) to an {@code .svg} file. */
  public History plot(String path) {
    dev.graft.dsl.plot.TrainingPlot.write(
        this, java.nio.file.Path.of(Arguments.notNull("plot", "path", path)));
    return this;
  }

  @Override
  public String toString() {
    return "History" + values;
  }
}
