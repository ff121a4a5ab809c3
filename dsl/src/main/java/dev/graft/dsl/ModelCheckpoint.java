package dev.graft.dsl;

import dev.graft.dsl.internal.Arguments;
import dev.graft.dsl.internal.PathPattern;
import java.nio.file.Path;
import java.util.Map;

/**
 * Keras's {@code ModelCheckpoint}: saves the model (or only its weights) after each epoch, or only
 * when {@code monitor} improves ({@code saveBestOnly}). The path may hold {@code {epoch}} (1-based,
 * two digits) and the names of logged values, e.g. {@code "ckpt-{epoch}-{val_loss}.keras"}, each
 * with an optional Python format ({@code {epoch:03d}}, {@code {val_loss:.2f}}). A malformed path
 * fails here; a placeholder that no log of the model holds fails when training begins. Missing
 * folders are created (as Keras does) when training begins. Saves are atomic, so an interrupted run
 * leaves the previous checkpoint intact.
 */
public final class ModelCheckpoint implements Callback {
  private final PathPattern path;
  private Monitor monitor;
  private boolean saveBestOnly;
  private boolean saveWeightsOnly;

  /**
   * Checkpoints to {@code path} (a {@code .keras} file, or {@code .weights.h5} with {@link
   * #saveWeightsOnly}), watching {@code val_loss}.
   *
   * @param path the file, which may hold placeholders such as {@code {epoch:02d}} and {@code
   *     {val_loss:.2f}}
   * @throws IllegalArgumentException for unbalanced braces, a malformed format or a misspelt {@code
   *     {epoch}}, listing the valid placeholders
   */
  public ModelCheckpoint(String path) {
    if (Arguments.notNull("ModelCheckpoint", "path", path).isBlank()) {
      throw new IllegalArgumentException("ModelCheckpoint: Received: filepath=" + path);
    }
    this.path = new PathPattern("ModelCheckpoint", path);
    this.monitor = new Monitor("ModelCheckpoint", "val_loss");
  }

  /**
   * Watches another logged value (e.g. {@code "val_accuracy"}); returns this.
   *
   * @param monitor the logged value watched
   * @return this callback, for chaining
   */
  public ModelCheckpoint monitor(String monitor) {
    this.monitor = new Monitor("ModelCheckpoint", monitor);
    return this;
  }

  /**
   * Saves only when the monitored value improves; returns this.
   *
   * @param value true to save only on improvement
   * @return this callback, for chaining
   */
  public ModelCheckpoint saveBestOnly(boolean value) {
    this.saveBestOnly = value;
    return this;
  }

  /**
   * Saves only the weights ({@code .weights.h5}), which works for subclassed models; returns this.
   *
   * @param value true to save the weights only
   * @return this callback, for chaining
   */
  public ModelCheckpoint saveWeightsOnly(boolean value) {
    this.saveWeightsOnly = value;
    return this;
  }

  /**
   * {@code "min"}, {@code "max"} or {@code "auto"}; returns this.
   *
   * @param mode {@code "min"} (lower is better), {@code "max"} or {@code "auto"} (max for names
   *     with "acc" or "auc")
   * @return this callback, for chaining
   */
  public ModelCheckpoint mode(String mode) {
    monitor.mode(mode);
    monitor.reset();
    return this;
  }

  @Override
  public void onTrainBegin(Training t) {
    path.checkNames(t.model().metricsNames());
    if (saveBestOnly) {
      monitor.check(t.model().metricsNames());
    }
    path.createFolder(path.fixedFolder());
    monitor.reset();
  }

  @Override
  public void onEpochEnd(Training t, int epoch, Map<String, Double> logs) {
    if (saveBestOnly && !monitor.improves(monitor.value(logs))) {
      return;
    }
    Path file = Path.of(path.expand(epoch, logs)).toAbsolutePath();
    path.createFolder(file.getParent());
    if (saveWeightsOnly) {
      t.model().saveWeights(file);
    } else {
      t.model().save(file);
    }
  }
}
