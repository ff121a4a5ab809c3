package dev.graft.spark;

import dev.graft.dsl.Model;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;

/**
 * Model files on any Hadoop file system ({@code file:}, {@code hdfs:}, {@code s3a:}, or a path
 * without scheme on the default one), and the per-JVM cache of loaded models: each executor reads a
 * model file once (again only if its length or modification time changes) and its tasks share the
 * loaded model, whose {@code predict} is safe for concurrent callers.
 */
final class ModelFiles {
  private ModelFiles() {}

  private static final ConcurrentHashMap<String, Model> LOADED = new ConcurrentHashMap<>();

  /** The model saved at {@code path}, loaded once per JVM. */
  static Model cached(String owner, String path) {
    FileStatus status;
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      status = p.getFileSystem(new Configuration()).getFileStatus(p);
    } catch (IOException | RuntimeException e) {
      throw unreadable(owner, path, e);
    }
    String key = status.getPath() + "@" + status.getModificationTime() + ":" + status.getLen();
    return LOADED.computeIfAbsent(key, k -> load(owner, path));
  }

  /** Reads the model saved at {@code path} (not cached). */
  static Model load(String owner, String path) {
    Path local = null;
    try {
      local = Files.createTempFile("graft-model", ".keras");
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      try (InputStream in = p.getFileSystem(new Configuration()).open(p)) {
        Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
      }
      return Model.load(local);
    } catch (IOException | RuntimeException e) {
      throw unreadable(owner, path, e);
    } finally {
      deleteQuietly(local);
    }
  }

  /** Writes {@code bytes} to {@code path} (any Hadoop file system), replacing what was there. */
  static void write(String path, byte[] bytes) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    FileSystem fs = p.getFileSystem(new Configuration());
    org.apache.hadoop.fs.Path tmp =
        new org.apache.hadoop.fs.Path(p.getParent(), "." + p.getName() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(bytes);
    }
    fs.delete(p, false);
    if (!fs.rename(tmp, p)) {
      throw new IOException("cannot rename " + tmp + " to " + p);
    }
  }

  /**
   * The {@code .keras} archive of {@code model} (architecture, weights, compile config, optimizer
   * state).
   */
  static byte[] toBytes(Model model) {
    Path local = null;
    try {
      local = Files.createTempFile("graft-state", ".keras");
      model.save(local);
      return Files.readAllBytes(local);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      deleteQuietly(local);
    }
  }

  /** A model from the bytes of a {@code .keras} archive. */
  static Model fromBytes(byte[] bytes) {
    Path local = null;
    try {
      local = Files.createTempFile("graft-state", ".keras");
      Files.write(local, bytes);
      return Model.load(local);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      deleteQuietly(local);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temporary file left behind is not worth failing the task
      }
    }
  }

  private static IllegalStateException unreadable(String owner, String path, Exception e) {
    return new IllegalStateException(
        owner + ": cannot read model file " + path + " on " + where() + ": " + e.getMessage(), e);
  }

  /** {@code executor 1}, or {@code the driver}. */
  static String where() {
    SparkEnv env = SparkEnv.get();
    if (env == null || "driver".equals(env.executorId())) {
      return "the driver";
    }
    return "executor " + env.executorId();
  }
}
