package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a test's main class in a fresh JVM on the test class path, for settings read once. */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * Runs {@code main} with these JVM options and arguments; fails unless it exits with 0 within a
   * minute.
   *
   * @param options JVM options, before the class path
   * @param main the class whose {@code main} runs
   * @param args its arguments
   * @return what it printed, both streams
   */
  public static String run(List<String> options, Class<?> main, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(options);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    assertTrue(done && p.exitValue() == 0, "child JVM failed: " + out);
    return out;
  }
}
