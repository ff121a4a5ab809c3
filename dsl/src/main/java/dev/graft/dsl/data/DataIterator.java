package dev.graft.dsl.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator over one pass of a {@link Dataset}. It holds what the pass started (prefetch and map
 * threads, open files): they are released when the pass ends and by {@link #close}, so a loop that
 * stops early should use try-with-resources:
 *
 * <pre>{@code
 * try (DataIterator<List<Tensor>> it = dataset.iterator()) {
 *   var first = it.next();
 * }
 * }</pre>
 */
public final class DataIterator<E> implements Iterator<E>, AutoCloseable {
  private final Cursor<E> cursor;
  private E ahead;
  private boolean done;

  DataIterator(Cursor<E> cursor) {
    this.cursor = cursor;
  }

  @Override
  public boolean hasNext() {
    if (ahead == null && !done) {
      try {
        ahead = cursor.next();
      } catch (RuntimeException | Error e) {
        done = true;
        cursor.close();
        throw e;
      }
      if (ahead == null) {
        done = true;
        cursor.close();
      }
    }
    return ahead != null;
  }

  @Override
  public E next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the dataset has no more elements in this pass");
    }
    E e = ahead;
    ahead = null;
    return e;
  }

  /** Stops the pass: background threads end and files close. Safe to call more than once. */
  @Override
  public void close() {
    done = true;
    ahead = null;
    cursor.close();
  }
}
