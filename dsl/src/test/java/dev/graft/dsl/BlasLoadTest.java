package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/**
 * docs/guide-runtime.md's "the back-end loads as soon as a model is defined": in a fresh JVM,
 * defining a model loads OpenBLAS without any product being computed.
 */
class BlasLoadTest {
  @Test
  void definingAModelLoadsTheBackEndBeforeAnyProduct() throws IOException, InterruptedException {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            Child.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    assertTrue(done && p.exitValue() == 0, "child JVM failed: " + out);
    assertTrue(out.contains("nothing loaded before the model\n"), out);
    assertTrue(out.contains("OpenBLAS loaded after the model alone\n"), out);
  }

  /** Defines a model and waits for OpenBLAS to appear among JavaCPP's loaded libraries. */
  public static final class Child {
    private Child() {}

    /** Prints what was loaded before and after defining a model. */
    public static void main(String[] args) throws InterruptedException {
      System.out.println(
          openBlasLoaded()
              ? "OpenBLAS loaded before the model"
              : "nothing loaded before the model");
      var in = input(4);
      model(in, dense(2).on(in));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!openBlasLoaded() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      System.out.println(
          openBlasLoaded() ? "OpenBLAS loaded after the model alone" : "OpenBLAS never loaded");
    }

    private static boolean openBlasLoaded() {
      return Loader.getLoadedLibraries().keySet().stream().anyMatch(k -> k.contains("openblas"));
    }
  }
}
