package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jdk.jshell.tool.JavaShellToolBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each {@code examples/jshell/*.jsh} script runs in jshell as {@code ./graft-shell} starts it (the
 * test class path, the Graft imports as startup) and ends without an error.
 */
class JshellScriptsTest {
  private static final Path DIR = Path.of("jshell");

  /** What each script's output must show (so a script that silently does nothing fails). */
  private static final Map<String, String> EXPECTED =
      Map.of(
          "functional_merge.jsh", "Total params: 3,998,337",
          "subclassed_merge.jsh", "History{loss=",
          "averaging_ensemble.jsh", "[[0.");

  static List<Path> scripts() throws IOException {
    try (Stream<Path> s = Files.list(DIR)) {
      return s.filter(p -> p.toString().endsWith(".jsh")).sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("scripts")
  void scriptRunsToItsEnd(Path script) throws Exception {
    assertTrue(Files.readString(script).strip().endsWith("/exit"), "ends with /exit");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    JavaShellToolBuilder.builder()
        .in(new ByteArrayInputStream(new byte[0]), null)
        .out(print)
        .err(print)
        .run(
            "--class-path",
            System.getProperty("java.class.path"),
            "-R-Xmx1g",
            "--startup",
            "DEFAULT",
            "--startup",
            DIR.resolve("imports.startup").toString(),
            script.toString());
    String text = out.toString(StandardCharsets.UTF_8);
    assertFalse(text.contains("Error:"), text);
    assertFalse(text.contains("Exception"), text);
    String name = script.getFileName().toString();
    assertTrue(EXPECTED.containsKey(name), "add the expected output of " + name + " to EXPECTED");
    assertTrue(text.contains(EXPECTED.get(name)), text);
  }
}
