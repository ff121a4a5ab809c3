package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.DynamicTest;

/**
 * Checks the {@code ```java} blocks of the README and of the guides in {@code docs/} as a user
 * copies them, one dynamic test per block.
 *
 * <p>A block with imports of its own is a Java program's body (or a whole class with {@code main});
 * a block without imports is written for {@code ./graft-shell}: it gets the launcher's imports
 * ({@code examples/jshell/imports.startup}, so the shell must import what its blocks use) and its
 * statements are split where jshell splits them. Each block compiles with lint warnings as errors
 * against the class path of the test that checks it and runs in a fresh JVM whose working directory
 * is an empty folder; a block marked {@code <!-- compile-only: reason -->} only compiles. A failure
 * names the block's file and line and gives the compiler's or the program's errors at its lines.
 *
 * <p>Used by the examples module's {@code ReadmeBlocksTest} (every block Graft's modules compile)
 * and by the Spark module's tests (the blocks that import {@code dev.graft.spark}), from this
 * module's test jar.
 */
public final class ReadmeChecks {
  private static final Path SHELL_IMPORTS_IN_ROOT =
      Path.of("examples", "jshell", "imports.startup");

  /** The project's root: the nearest folder at or above the working directory with the README. */
  private static final Path ROOT = findRoot();

  /** The project's README. */
  public static final Path README = ROOT.resolve("README.md");

  /** The folder of the guides the README links to; their blocks are checked as the README's. */
  public static final Path DOCS = ROOT.resolve("docs");

  /** The imports {@code ./graft-shell} starts with. */
  public static final Path SHELL_IMPORTS = ROOT.resolve(SHELL_IMPORTS_IN_ROOT);

  /** Generous for one block on a loaded 2-core machine; all blocks together take far less. */
  private static final long TIMEOUT_SECONDS = 120;

  /**
   * Splits shell blocks as jshell does. It only parses (nothing is evaluated), so it holds no
   * threads and lives as long as the test JVM.
   */
  static final SourceCodeAnalysis JSHELL_PARSER =
      JShell.builder().executionEngine("local").build().sourceCodeAnalysis();

  private ReadmeChecks() {}

  private static Path findRoot() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md"))
          && Files.isRegularFile(dir.resolve(SHELL_IMPORTS_IN_ROOT))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no README.md beside examples/jshell/imports.startup at or above " + start);
  }

  /**
   * One test per block of the README and the guides that {@code which} selects (at least one must
   * be): each block compiles against this JVM's class path and, unless marked compile-only, runs in
   * a JVM of its own in a new folder under {@code workDir}.
   */
  public static Stream<DynamicTest> blocks(Path workDir, Predicate<ReadmeBlock> which)
      throws IOException {
    List<ReadmeBlock> blocks = allBlocks().stream().filter(which).toList();
    assertFalse(
        blocks.isEmpty(), "no ```java block of " + README + " or " + DOCS + " to check here");
    List<String> shellImports = shellImports();
    String classPath = System.getProperty("java.class.path");
    return blocks.stream()
        .map(
            block ->
                DynamicTest.dynamicTest(
                    block.toString()
                        + (block.compileOnlyReason() != null
                            ? " (compile only: " + block.compileOnlyReason() + ")"
                            : ""),
                    () -> check(block, shellImports, classPath, workDir)));
  }

  /** The blocks of the README, then of every {@code docs/*.md} in name order. */
  public static List<ReadmeBlock> allBlocks() throws IOException {
    List<ReadmeBlock> blocks = new ArrayList<>(ReadmeBlock.parse(README, "README.md"));
    for (Path guide : guides()) {
      blocks.addAll(ReadmeBlock.parse(guide, ROOT.relativize(guide).toString().replace('\\', '/')));
    }
    return blocks;
  }

  /** The Markdown files of {@code docs/}, in name order (none when the folder is absent). */
  public static List<Path> guides() throws IOException {
    if (!Files.isDirectory(DOCS)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(DOCS)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".md")).sorted().toList();
    }
  }

  /** The launcher's import lines. */
  public static List<String> shellImports() throws IOException {
    return Files.readAllLines(SHELL_IMPORTS).stream().filter(l -> !l.isBlank()).toList();
  }

  private static void check(
      ReadmeBlock block, List<String> shellImports, String classPath, Path workDir)
      throws Exception {
    Path home =
        Files.createDirectories(
            workDir.resolve(
                block.file().replaceAll("[^A-Za-z0-9.-]", "_") + "-line-" + block.firstLine()));
    Path classes = Files.createDirectories(home.resolve("classes"));
    Path work = Files.createDirectories(home.resolve("work"));
    BlockProgram program = new BlockProgram(block, shellImports, JSHELL_PARSER);
    String errors = program.compile(classes, classPath);
    if (errors != null) {
      String shellNote =
          block.usesShellImports() && errors.contains("illegal start of expression")
              ? " (a shell block: as in jshell, a line that completes a statement ends it, so the"
                  + " next line may not begin with '.')"
              : "";
      fail(block + " does not compile" + shellNote + ":\n" + errors);
    }
    if (block.compileOnlyReason() == null) {
      String failure = program.run(classes, classPath, work, TIMEOUT_SECONDS);
      if (failure != null) {
        fail(block + " fails when run: " + failure);
      }
    }
  }
}
