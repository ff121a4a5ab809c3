package dev.graft.dsl.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file through a temporary file in the same folder and a rename, so the target is either
 * its old content or the complete new one, never a half-written file.
 */
final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes a whole file. */
  interface Writer {
    /** Writes the content to {@code file}. */
    void write(Path file) throws IOException;
  }

  /**
   * Writes {@code target} with {@code writer}; on any failure the target is untouched.
   *
   * @throws ModelFileException naming the target when writing fails
   */
  static void write(Path target, Writer writer) {
    Folders.requireParent(target);
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
      writer.write(tmp);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | RuntimeException e) {
      throw new ModelFileException(target, "cannot write: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The failure being reported matters more than a leftover temporary file.
        }
      }
    }
  }
}
