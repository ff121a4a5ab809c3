package dev.graft.dsl.data;

/**
 * One pass over a dataset: {@link #next} returns the elements in order, then {@code null}. A cursor
 * owns what the pass started (worker threads, open files) and releases it in {@link #close}, which
 * may be called at any time, more than once, and closes the cursors it reads from.
 */
interface Cursor<E> extends AutoCloseable {
  /** The next element, or {@code null} at the end of the pass. */
  E next();

  @Override
  default void close() {}
}
