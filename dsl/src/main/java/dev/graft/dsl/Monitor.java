package dev.graft.dsl;

import dev.graft.dsl.internal.Arguments;
import java.util.Map;

/**
 * The watched quantity of a callback ({@code EarlyStopping}, {@code ReduceLROnPlateau}): its name,
 * whether higher is better (Keras's {@code mode}) and the best value so far.
 */
final class Monitor {
  private final String callback;
  private final String name;
  private boolean maximize;
  private double minDelta;
  private double best;

  Monitor(String callback, String name) {
    Arguments.notNull(callback, "monitor", name);
    if (name.isBlank()) {
      throw new IllegalArgumentException(
          "Invalid value for argument monitor of " + callback + ". Received: monitor=" + name);
    }
    this.callback = callback;
    this.name = name;
    mode("auto");
    reset();
  }

  /** {@code "min"}, {@code "max"} or {@code "auto"} (max for accuracy and AUC, as Keras). */
  void mode(String mode) {
    switch (Arguments.notNull(callback, "mode", mode)) {
      case "min" -> maximize = false;
      case "max" -> maximize = true;
      case "auto" -> maximize = name.contains("acc") || name.contains("auc");
      default ->
          throw new IllegalArgumentException(
              callback + ": mode must be min, max or auto; Received: mode=" + mode);
    }
  }

  void minDelta(double delta) {
    this.minDelta = Math.abs(delta);
  }

  /** Forgets the best value (at the start of training). */
  void reset() {
    best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
  }

  /**
   * The monitored value in {@code logs}.
   *
   * @throws IllegalArgumentException naming the available keys when it is missing
   */
  double value(Map<String, Double> logs) {
    Double v = logs.get(name);
    if (v == null) {
      throw new IllegalArgumentException(
          callback + " monitors \"" + name + "\" but the logs have " + logs.keySet());
    }
    return v;
  }

  /**
   * Checks, when training begins, that the watched value is not a misspelling of one the logs will
   * hold ({@code logged}: {@code loss} and the metrics, and their {@code val_} twins). Other
   * unknown names may be logged by a callback, so they fail only if an epoch's logs lack them.
   *
   * @throws IllegalArgumentException naming the value and the one it misspells
   */
  void check(java.util.List<String> logged) {
    String near = dev.graft.dsl.internal.PathPattern.misspelling(name, logged);
    if (near != null) {
      throw new IllegalArgumentException(
          callback
              + " monitors \""
              + name
              + "\", which the logs will not hold: did you mean \""
              + near
              + "\"? The logs hold "
              + logged
              + " and, with validation data, their val_ twins");
    }
  }

  /** True, and remembers {@code v} as the best, when it improves on the best by minDelta. */
  boolean improves(double v) {
    boolean better = maximize ? v > best + minDelta : v < best - minDelta;
    if (better) {
      best = v;
    }
    return better;
  }
}
