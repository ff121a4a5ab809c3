package dev.graft.dsl.internal;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * What keeps a reader of weights from seeing a half-updated set: {@code predict} and {@code
 * evaluate} take the read side around each batch's run; a training step takes the write side only
 * while its optimizer updates (and moving statistics) run, at the end of the step; {@code
 * setWeights} and {@code loadWeights} take it while they assign. So a prediction made while another
 * thread trains uses the weights of one completed step.
 *
 * <p>One lock for the whole process, not one per model: a model nested in another shares its {@code
 * Variable}s, so training the outer model updates the inner one's weights, and the inner model's
 * own {@code predict} must wait for that update too. The write side is held only for the update
 * pass over the weights (memory-bound, a small part of a step), so other models' predictions pause
 * for that long at most. Reentrant, so a read nested in a read (a save that reads weights) cannot
 * deadlock behind a waiting writer.
 */
public final class WeightsLock {
  private static final ReentrantReadWriteLock LOCK = new ReentrantReadWriteLock();

  private WeightsLock() {}

  /**
   * The read side: held around each batch of {@code predict} and {@code evaluate}.
   *
   * @return the read lock, shared by every model
   */
  public static Lock reads() {
    return LOCK.readLock();
  }

  /**
   * The write side: held while weights change (a step's updates, an assignment).
   *
   * @return the write lock, shared by every model
   */
  public static Lock updates() {
    return LOCK.writeLock();
  }

  /**
   * {@code read}'s value, computed holding the read side.
   *
   * @param <T> the result type
   * @param read the reading code
   * @return what {@code read} returned
   */
  public static <T> T read(Supplier<T> read) {
    Lock l = LOCK.readLock();
    l.lock();
    try {
      return read.get();
    } finally {
      l.unlock();
    }
  }

  /**
   * Runs {@code read} holding the read side.
   *
   * @param read the reading code
   */
  public static void reading(Runnable read) {
    Lock l = LOCK.readLock();
    l.lock();
    try {
      read.run();
    } finally {
      l.unlock();
    }
  }

  /**
   * Runs {@code write} holding the write side.
   *
   * @param write the writing code
   */
  public static void writing(Runnable write) {
    Lock l = LOCK.writeLock();
    l.lock();
    try {
      write.run();
    } finally {
      l.unlock();
    }
  }
}
