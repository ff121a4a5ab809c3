package dev.graft.dsl.io;

import java.nio.file.Path;

/**
 * A model, weights or array file that cannot be read or written: the message names the file and
 * what is wrong with it (truncated, unknown layer class, wrong weight shape, missing weight, ...).
 * When it is thrown by a load, the target model is unchanged.
 */
public final class ModelFileException extends RuntimeException {
  private final transient Path file;

  /**
   * A problem with {@code file} described by {@code what}.
   *
   * @param file the file at fault, or {@code null}
   * @param what the problem
   * @param cause the underlying failure
   */
  public ModelFileException(Path file, String what, Throwable cause) {
    super(message(file, what), cause);
    this.file = file;
  }

  /**
   * A problem with {@code file} described by {@code what}.
   *
   * @param file the file at fault, or {@code null}
   * @param what the problem
   */
  public ModelFileException(Path file, String what) {
    this(file, what, null);
  }

  private static String message(Path file, String what) {
    return (file == null ? "" : file + ": ") + what;
  }

  /**
   * The file at fault (may be {@code null} for in-memory data).
   *
   * @return the file, or {@code null}
   */
  public Path file() {
    return file;
  }
}
