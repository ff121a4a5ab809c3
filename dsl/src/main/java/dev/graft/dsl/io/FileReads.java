package dev.graft.dsl.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reading a file so that any failure is one {@link ModelFileException} naming it. Kept apart from
 * the model formats so that {@link Npy} (and {@code data.NpyShards} through it) reaches nothing
 * that knows {@code Model}.
 */
final class FileReads {
  private FileReads() {}

  /** A load step that may fail in any way. */
  interface Step<T> {
    /** Runs the step. */
    T run() throws IOException;
  }

  /** Runs {@code step}, turning every failure into one {@link ModelFileException}. */
  static <T> T guard(Path file, Step<T> step) {
    if (Files.isDirectory(file)) {
      throw new ModelFileException(file, "it is a directory, not a model or weights file");
    }
    try {
      return step.run();
    } catch (ModelFileException e) {
      throw e;
    } catch (java.nio.file.NoSuchFileException e) {
      // A file the first one refers to (a TensorFlow.js weights shard) is named as the missing one.
      boolean other =
          e.getFile() != null
              && !Path.of(e.getFile()).toAbsolutePath().equals(file.toAbsolutePath());
      throw new ModelFileException(
          file, other ? "the file it refers to is missing: " + e.getFile() : "no such file", e);
    } catch (IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
      String what = e.getMessage() == null ? e.toString() : e.getMessage();
      if (e instanceof java.io.EOFException || e instanceof java.util.zip.ZipException) {
        what = "truncated or corrupted file (" + what + ")";
      } else if (!(e instanceof IllegalArgumentException)) {
        what = "corrupted or unreadable file (" + e.getClass().getSimpleName() + ": " + what + ")";
      }
      throw new ModelFileException(file, what, e);
    }
  }

  /**
   * Reads every entry of a zip file ({@code .keras}, {@code .npz}), each bounded by the file's size
   * times a safe factor so a forged size cannot exhaust memory.
   */
  static Map<String, byte[]> zipEntries(Path file) throws IOException {
    long limit = Math.min(Integer.MAX_VALUE - 16, Math.max(1 << 20, Files.size(file) * 64));
    Map<String, byte[]> out = new HashMap<>();
    try (InputStream in = Files.newInputStream(file);
        ZipInputStream zip = new ZipInputStream(in)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 16];
        int n;
        long total = 0;
        while ((n = zip.read(chunk)) > 0) {
          total += n;
          if (total > limit) {
            throw new IOException("zip entry " + e.getName() + " is implausibly large");
          }
          buf.write(chunk, 0, n);
        }
        out.put(e.getName(), buf.toByteArray());
      }
    }
    return out;
  }
}
