package dev.graft.dsl;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's {@code ModelCheckpoint}: saves the model (or only its weights) after each epoch, or only
 * when {@code monitor} improves ({@code saveBestOnly}). The path may hold {@code {epoch}} (1-based,
 * two digits) and the names of logged values, e.g. {@code "ckpt-{epoch}-{val_loss}.keras"}. Saves
 * are atomic, so an interrupted run leaves the previous checkpoint intact.
 */
public final class ModelCheckpoint implements Callback {
  private final String path;
  private Monitor monitor;
  private boolean saveBestOnly;
  private boolean saveWeightsOnly;

  /**
   * Checkpoints to {@code path} (a {@code .keras} file, or {@code .weights.h5} with {@link
   * #saveWeightsOnly}), watching {@code val_loss}.
   */
  public ModelCheckpoint(String path) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("ModelCheckpoint: Received: filepath=" + path);
    }
    this.path = path;
    this.monitor = new Monitor("ModelCheckpoint", "val_loss");
  }

  /** Watches another logged value (e.g. {@code "val_accuracy"}); returns this. */
  public ModelCheckpoint monitor(String name) {
    this.monitor = new Monitor("ModelCheckpoint", name);
    return this;
  }

  /** Saves only when the monitored value improves; returns this. */
  public ModelCheckpoint saveBestOnly(boolean value) {
    this.saveBestOnly = value;
    return this;
  }

  /**
   * Saves only the weights ({@code .weights.h5}), which works for subclassed models; returns this.
   */
  public ModelCheckpoint saveWeightsOnly(boolean value) {
    this.saveWeightsOnly = value;
    return this;
  }

  /** {@code "min"}, {@code "max"} or {@code "auto"}; returns this. */
  public ModelCheckpoint mode(String mode) {
    monitor.mode(mode);
    monitor.reset();
    return this;
  }

  @Override
  public void onTrainBegin(Training t) {
    monitor.reset();
  }

  @Override
  public void onEpochEnd(Training t, int epoch, Map<String, Double> logs) {
    if (saveBestOnly && !monitor.improves(monitor.value(logs))) {
      return;
    }
    Path file = Path.of(expand(epoch, logs));
    if (saveWeightsOnly) {
      t.model().saveWeights(file);
    } else {
      t.model().save(file);
    }
  }

  private String expand(int epoch, Map<String, Double> logs) {
    String p = path.replace("{epoch}", String.format(Locale.ROOT, "%02d", epoch + 1));
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      p = p.replace("{" + e.getKey() + "}", String.format(Locale.ROOT, "%.4f", e.getValue()));
    }
    return p;
  }
}
