package dev.graft.dsl;

import dev.graft.dsl.internal.Arguments;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

/**
 * Keras's {@code LambdaCallback}: a callback made of functions, each optional. Start one with a
 * {@code Graft} factory and chain the others:
 *
 * <pre>{@code
 * m.fit(x, y, epochs(5).callbacks(
 *     onEpochEnd((epoch, logs) -> System.out.println(epoch + " " + logs.get("loss")))
 *         .onTrainEnd(() -> System.out.println("done"))));
 * }</pre>
 */
public final class LambdaCallback implements Callback {
  private Runnable trainBegin = () -> {};
  private Runnable trainEnd = () -> {};
  private IntConsumer epochBegin = e -> {};
  private BiConsumer<Integer, Map<String, Double>> epochEnd = (e, l) -> {};
  private BiConsumer<Integer, Map<String, Double>> batchEnd = (b, l) -> {};

  /** A callback that does nothing until functions are set. */
  public LambdaCallback() {}

  /**
   * Runs {@code fn} before the first epoch; returns this.
   *
   * @param fn the action
   * @return this callback, for chaining
   */
  public LambdaCallback onTrainBegin(Runnable fn) {
    trainBegin = Arguments.notNull("onTrainBegin", "fn", fn);
    return this;
  }

  /**
   * Runs {@code fn} after training; returns this.
   *
   * @param fn the action
   * @return this callback, for chaining
   */
  public LambdaCallback onTrainEnd(Runnable fn) {
    trainEnd = Arguments.notNull("onTrainEnd", "fn", fn);
    return this;
  }

  /**
   * Runs {@code fn(epoch)} before each epoch; returns this.
   *
   * @param fn the action, given the 0-based epoch
   * @return this callback, for chaining
   */
  public LambdaCallback onEpochBegin(IntConsumer fn) {
    epochBegin = Arguments.notNull("onEpochBegin", "fn", fn);
    return this;
  }

  /**
   * Runs {@code fn(epoch, logs)} after each epoch; returns this.
   *
   * @param fn the action, given the 0-based epoch and its logs
   * @return this callback, for chaining
   */
  public LambdaCallback onEpochEnd(BiConsumer<Integer, Map<String, Double>> fn) {
    epochEnd = Arguments.notNull("onEpochEnd", "fn", fn);
    return this;
  }

  /**
   * Runs {@code fn(batch, logs)} after each batch, with the epoch's running logs; returns this.
   *
   * @param fn the action, given the 0-based batch and the running logs
   * @return this callback, for chaining
   */
  public LambdaCallback onBatchEnd(BiConsumer<Integer, Map<String, Double>> fn) {
    batchEnd = Arguments.notNull("onBatchEnd", "fn", fn);
    return this;
  }

  @Override
  public void onTrainBegin(Training t) {
    trainBegin.run();
  }

  @Override
  public void onTrainEnd(Training t) {
    trainEnd.run();
  }

  @Override
  public void onEpochBegin(Training t, int epoch) {
    epochBegin.accept(epoch);
  }

  @Override
  public void onEpochEnd(Training t, int epoch, Map<String, Double> logs) {
    epochEnd.accept(epoch, Map.copyOf(logs));
  }

  @Override
  public void onBatchEnd(Training t, int batch, Map<String, Double> logs) {
    batchEnd.accept(batch, Map.copyOf(logs));
  }
}
