package dev.graft.tensor.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Puts the warm-up thread at the operating system's lowest priority (nice 19), so that it runs on
 * the cores the application's own threads leave idle rather than taking turns with them.
 *
 * <p>Why: on 2 cores, a caller, the warm-up thread and the JIT compiler are three runnable threads;
 * the scheduler then took the caller off its core for a 4 ms slice in one call of every few (seed
 * model 1's single requests: p99 9.6–10.6 ms instead of 5.1–6.5), and the warm-up's boxed vectors
 * filled the young generation 7–8 times in 300 requests. At nice 19 the scheduler gives the warm-up
 * thread what the others leave; when that stays under a quarter of a core for 2 s, {@link
 * JitWarmup} goes on at the normal priority.
 *
 * <p>Java has no call for a thread's nice value, so on Linux the thread runs {@code renice -n 19 -p
 * <its id>} once (its id from {@code /proc/thread-self}); elsewhere, or without {@code renice}, it
 * keeps its priority. {@code -Dgraft.warmupPriority=normal} keeps it too (no process started).
 */
final class BackgroundPriority {
  /** The property that chooses: {@code low} (the default) or {@code normal}. */
  static final String PROPERTY = "graft.warmupPriority";

  /** The nice value the warm-up thread asks for: the lowest priority. */
  static final int NICE = 19;

  private static final Path THREAD_SELF = Path.of("/proc/thread-self");

  private static final System.Logger LOG = System.getLogger("dev.graft.tensor");

  private BackgroundPriority() {}

  /**
   * Whether the warm-up thread should lower itself, from {@value #PROPERTY}.
   *
   * @return true for {@code low} or unset, false for {@code normal}
   * @throws IllegalArgumentException naming the property for any other value
   */
  static boolean wanted() {
    String value = System.getProperty(PROPERTY, "low").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "low" -> true;
      case "normal" -> false;
      default ->
          throw new IllegalArgumentException(
              "-D"
                  + PROPERTY
                  + "="
                  + System.getProperty(PROPERTY)
                  + ": expected low (the warm-up thread at nice 19, the default) or normal");
    };
  }

  /**
   * Lowers the calling thread to nice {@value #NICE} where the system lets it (never fails: a
   * thread that cannot be lowered runs as it is).
   */
  static void lowerThisThread() {
    String tid = threadId();
    if (tid == null) {
      return;
    }
    try {
      Process renice =
          new ProcessBuilder("renice", "-n", Integer.toString(NICE), "-p", tid)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!renice.waitFor(2, TimeUnit.SECONDS)) {
        renice.destroyForcibly();
      }
    } catch (IOException | RuntimeException e) {
      // No process to start (a security manager, a sandbox): the thread keeps its priority.
      LOG.log(System.Logger.Level.DEBUG, "graft-jit-warmup keeps its priority: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether this system can lower the warm-up thread: Linux, with {@code renice} on the path (for
   * tests that need a thread that really runs at nice 19).
   *
   * @return true if both are there
   */
  static boolean canLower() {
    if (threadId() == null) {
      return false;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "renice"))) {
        return true;
      }
    }
    return false;
  }

  /** The calling thread's kernel id, or null where there is no {@code /proc/thread-self}. */
  private static String threadId() {
    try {
      String self = Files.readSymbolicLink(THREAD_SELF).toString();
      return self.substring(self.lastIndexOf('/') + 1);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }

  /**
   * The nice value in a {@code /proc/.../stat} file: the 19th field, counting the command name
   * (which may hold spaces, hence from its closing parenthesis) as the 2nd.
   *
   * @param stat the file
   * @return the nice value, or {@code Integer.MIN_VALUE} if it cannot be read
   */
  static int niceOf(Path stat) {
    try {
      String s = new String(Files.readAllBytes(stat), StandardCharsets.US_ASCII);
      String[] after = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
      return Integer.parseInt(after[16]);
    } catch (IOException | RuntimeException e) {
      return Integer.MIN_VALUE;
    }
  }
}
