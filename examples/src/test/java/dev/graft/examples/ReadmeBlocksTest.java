package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import jdk.jshell.JShell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the project's README compiles and runs as a user copies it.
 *
 * <p>A block with imports of its own is a Java program's body (or a whole class with {@code main});
 * a block without imports is written for {@code ./graft-shell} and gets the launcher's imports
 * ({@code jshell/imports.startup}), so the test also checks that the shell imports what its blocks
 * use. Each block compiles with lint warnings as errors against the class path a user has (Graft
 * and its runtime dependencies) and runs in a fresh JVM whose working directory is an empty folder;
 * a block marked {@code <!-- compile-only: reason -->} only compiles, against the test class path
 * (it adds Spark). A failure names the block's README line and gives the compiler's or the
 * program's errors at README lines.
 */
class ReadmeBlocksTest {
  /** The README, from the examples module (Surefire's working directory). */
  private static final Path README = Path.of("..", "README.md");

  private static final Path SHELL_IMPORTS = Path.of("jshell", "imports.startup");

  /** Generous for one block on a loaded 2-core machine; all blocks together take far less. */
  private static final long TIMEOUT_SECONDS = 120;

  /** The test class path: it adds Spark, which only compile-only blocks may need. */
  private static final String TEST_CLASS_PATH = System.getProperty("java.class.path");

  /**
   * What a user has: this module's runtime class path, which Maven passes (elsewhere, the test
   * class path).
   */
  private static final String USER_CLASS_PATH =
      System.getProperty("examples.runtimeClassPath", TEST_CLASS_PATH);

  /** Splits shell blocks into statements as jshell does (parsing only: nothing runs in it). */
  private static JShell shell;

  @TempDir Path dir;

  @BeforeAll
  static void startShell() {
    shell = JShell.builder().executionEngine("local").build();
  }

  @AfterAll
  static void closeShell() {
    shell.close();
  }

  @TestFactory
  Stream<DynamicTest> everyJavaBlockCompilesAndRuns() throws IOException {
    List<ReadmeBlock> blocks = ReadmeBlock.parse(README);
    assertFalse(blocks.isEmpty(), "no ```java block found in " + README);
    assertFalse(USER_CLASS_PATH.contains("${"), "class path not filled in: " + USER_CLASS_PATH);
    List<String> shellImports = shellImports();
    return blocks.stream()
        .map(
            block ->
                DynamicTest.dynamicTest(
                    block.toString()
                        + (block.compileOnlyReason() != null
                            ? " (compile only: " + block.compileOnlyReason() + ")"
                            : ""),
                    () -> check(block, shellImports)));
  }

  private void check(ReadmeBlock block, List<String> shellImports) throws Exception {
    Path home = Files.createDirectories(dir.resolve("line-" + block.firstLine()));
    Path classes = Files.createDirectories(home.resolve("classes"));
    Path work = Files.createDirectories(home.resolve("work"));
    BlockProgram program = new BlockProgram(block, shellImports, shell.sourceCodeAnalysis());
    boolean runs = block.compileOnlyReason() == null;
    String errors = program.compile(classes, runs ? USER_CLASS_PATH : TEST_CLASS_PATH);
    if (errors != null) {
      String shellNote =
          block.usesShellImports()
              ? " (a shell block: as in jshell, a line that completes a statement ends it, and"
                  + " \";\" is added there)"
              : "";
      fail(block + " does not compile" + shellNote + ":\n" + errors);
    }
    if (runs) {
      String failure = program.run(classes, USER_CLASS_PATH, work, TIMEOUT_SECONDS);
      if (failure != null) {
        fail(block + " fails when run: " + failure);
      }
    }
  }

  private static List<String> shellImports() throws IOException {
    return Files.readAllLines(SHELL_IMPORTS).stream().filter(l -> !l.isBlank()).toList();
  }

  /** The README's list of what the shell imports is the launcher's list. */
  @Test
  void readmeNamesEveryShellImport() throws IOException {
    String readme = Files.readString(README);
    for (String line : shellImports()) {
      String name = line.replaceFirst("^import\\s+(static\\s+)?", "").replace(";", "").strip();
      assertTrue(
          readme.contains("`" + name + "`"), "README does not name the shell import " + name);
    }
  }
}
