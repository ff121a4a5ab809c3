package dev.graft.dsl.data;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * {@code prefetch}: a background thread reads upstream into a bounded queue while the reader works
 * on earlier elements. The thread starts with the pass (so the first batches load while {@code fit}
 * prepares), ends at the end of the pass or on {@link #close}, and hands any error to the reader,
 * who throws it with the original as cause.
 */
final class PrefetchCursor<E> implements Cursor<E> {
  private static final Object END = new Object();

  /** An error met by the background thread, thrown again by the reader. */
  private record Failure(Throwable error) {}

  private final Cursor<E> up;
  private final BlockingQueue<Object> queue;
  private final Thread thread;
  private volatile boolean closed;
  private boolean done;

  PrefetchCursor(Cursor<E> up, int bufferSize) {
    this.up = up;
    this.queue = new ArrayBlockingQueue<>(bufferSize);
    this.thread = Threads.factory("prefetch").newThread(this::fill);
    thread.start();
  }

  private void fill() {
    try {
      for (E e = up.next(); e != null && !closed; e = up.next()) {
        queue.put(e);
      }
      queue.put(END);
    } catch (InterruptedException e) {
      // closed by the reader: nothing more to hand over
    } catch (Throwable t) {
      if (!closed) {
        try {
          queue.put(new Failure(t));
        } catch (InterruptedException e) {
          // closed meanwhile
        }
      }
    } finally {
      up.close();
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public E next() {
    if (done) {
      return null;
    }
    Object o;
    try {
      o = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataException("interrupted while waiting for the prefetch thread", e);
    }
    if (o == END) {
      done = true;
      return null;
    }
    if (o instanceof Failure f) {
      done = true;
      throw DataException.rethrown(f.error(), "the prefetch thread");
    }
    return (E) o;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    done = true;
    thread.interrupt();
    Threads.join(thread);
    queue.clear();
  }
}
