package dev.graft.dsl.data;

/**
 * A problem with the data rather than the model: a file that cannot be read, a malformed CSV row,
 * an image that does not decode, a shard of the wrong shape. The message names the file and the row
 * or entry; when the problem was met on a background thread (a {@code prefetch} or parallel {@code
 * map}), the exception is thrown again in the thread that asked for the data, with the original as
 * its cause.
 */
public class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An error with its message.
   *
   * @param message what went wrong, naming the file or element
   */
  public DataException(String message) {
    super(message);
  }

  /**
   * An error with its message and cause.
   *
   * @param message what went wrong, naming the file or element
   * @param cause the underlying failure
   */
  public DataException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * {@code e} thrown again in the current thread: its message kept (so the file and row stay in the
   * first line of the report), the original, with the background thread's stack, as the cause.
   */
  static DataException rethrown(Throwable e, String where) {
    String msg = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
    return new DataException(msg + " (raised in " + where + ")", e);
  }
}
