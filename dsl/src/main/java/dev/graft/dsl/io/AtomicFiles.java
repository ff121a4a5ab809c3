package dev.graft.dsl.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a file through a temporary file in the same folder and a rename, so the target is either
 * its old content or the complete new one, never a half-written file.
 *
 * <p>Temporary files are named {@code <target>.graft-tmp-<pid>-<random>}. A process killed while
 * saving leaves one behind; the next save or load of the same target removes those whose process is
 * gone (and its own ones not in use), and nothing else. A replaced file keeps its POSIX
 * permissions; a new file gets the process's umask, as any file the application creates.
 */
final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes a whole file. */
  interface Writer {
    /** Writes the content to {@code file}. */
    void write(Path file) throws IOException;
  }

  /**
   * Test-only seam: when set, runs on the complete temporary file before it replaces the target and
   * may throw, as a disk that fills up mid-write would (tests truncate the file and throw {@code
   * IOException("No space left on device")}). Never set outside tests.
   */
  static volatile Writer testFault;

  private static final String TMP = ".graft-tmp-";
  private static final Pattern TMP_NAME = Pattern.compile("\\.graft-tmp-(\\d+)-[0-9a-z]+");
  private static final long PID = ProcessHandle.current().pid();

  /** Temporary files this process is writing now (absolute paths). */
  private static final Set<Path> IN_USE = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Writes {@code target} with {@code writer}; on any failure the target is untouched and no
   * temporary file is left.
   *
   * @throws ModelFileException naming the target and the cause ("No space left on device", ...)
   */
  static void write(Path target, Writer writer) {
    Folders.requireParent(target);
    Path abs = target.toAbsolutePath();
    try {
      if (Files.isSymbolicLink(abs) && Files.exists(abs)) {
        // Replace the file the link points to, keeping the link.
        abs = abs.toRealPath();
      }
    } catch (IOException e) {
      throw new ModelFileException(target, "cannot write: " + describe(e, target), e);
    }
    Path dir = abs.getParent();
    if (Files.isDirectory(abs)) {
      throw new ModelFileException(target, "cannot write: it is a directory, not a file");
    }
    if (!Files.isDirectory(dir)) {
      throw new ModelFileException(
          target,
          "cannot write: the folder "
              + dir
              + (Files.exists(dir) ? " is not a directory" : " does not exist"));
    }
    removeStale(abs);
    boolean existed = Files.exists(abs);
    Path tmp = null;
    try {
      tmp = newTemp(abs);
      writer.write(tmp);
      Writer fault = testFault;
      if (fault != null) {
        fault.write(tmp);
      }
      keepPermissions(abs, tmp);
      force(tmp);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      force(dir);
    } catch (IOException | RuntimeException e) {
      throw new ModelFileException(
          target,
          "cannot write: "
              + describe(e, target)
              + (existed ? " (the previous file is unchanged)" : ""),
          e);
    } finally {
      if (tmp != null) {
        deleteQuietly(tmp);
      }
    }
  }

  /**
   * A new empty temporary file beside {@code target}, registered as in use until deleted or moved.
   * Created with default permissions (the umask), unlike {@link Files#createTempFile}'s 0600.
   */
  static Path newTemp(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    for (int attempt = 0; ; attempt++) {
      String suffix = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
      Path tmp = abs.resolveSibling(abs.getFileName() + TMP + PID + "-" + suffix);
      IN_USE.add(tmp);
      try {
        Files.createFile(tmp);
        return tmp;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        IN_USE.remove(tmp);
        if (attempt > 10) {
          throw e;
        }
      } catch (IOException | RuntimeException e) {
        IN_USE.remove(tmp);
        throw e;
      }
    }
  }

  /** Deletes a temporary file made by {@link #newTemp}, ignoring failures. */
  static void deleteQuietly(Path tmp) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // The failure being reported matters more than a leftover file; the next save removes it.
    } finally {
      IN_USE.remove(tmp);
    }
  }

  /**
   * Removes temporary files of {@code target} left by saves that died: those of processes that no
   * longer run, and this process's own ones not being written now. Never fails: a folder that
   * cannot be listed or a file that cannot be removed is left as it is.
   */
  static void removeStale(Path target) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    String prefix = abs.getFileName().toString();
    if (dir == null || !Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix + TMP))) {
      for (Path p : files) {
        Matcher m = TMP_NAME.matcher(p.getFileName().toString().substring(prefix.length()));
        if (m.matches() && stale(Long.parseLong(m.group(1)), p) && Files.isRegularFile(p)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // Cleaning up is a courtesy: it must never make a save or a load fail.
    }
  }

  private static boolean stale(long pid, Path p) {
    if (pid == PID) {
      return !IN_USE.contains(p);
    }
    return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
  }

  private static void keepPermissions(Path target, Path tmp) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
    if (view == null || !Files.exists(target)) {
      return;
    }
    Set<PosixFilePermission> perms = view.readAttributes().permissions();
    Files.setPosixFilePermissions(tmp, perms);
  }

  /** Flushes a file (or folder) to the disk, so a crash after the rename cannot leave it empty. */
  private static void force(Path p) {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // Some file systems cannot sync a folder; the rename is still atomic.
    }
  }

  /**
   * The cause of a failed write in a user's words: the innermost message (jhdf's "Exception
   * writing" hides the operating system's "No space left on device" in its cause), without the
   * temporary file's name.
   */
  static String describe(Throwable e, Path target) {
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null || t instanceof FileSystemException) {
        root = t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    Path dir = target.toAbsolutePath().getParent();
    if (root instanceof AccessDeniedException) {
      return "permission denied (is the folder " + dir + " writable?)";
    }
    if (root instanceof NoSuchFileException) {
      return "the folder " + dir + " does not exist";
    }
    if (root instanceof FileSystemException f) {
      return f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
    }
    String msg = root.getMessage();
    return msg == null ? root.getClass().getSimpleName() : msg;
  }
}
