package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the project's README and of its guides in {@code docs/} compiles
 * and runs as a user copies it (see {@link ReadmeChecks}), but the blocks that import {@code
 * dev.graft.spark}: the Spark module's tests check those, against Spark.
 */
class ReadmeBlocksTest {
  @TempDir Path dir;

  @TestFactory
  Stream<DynamicTest> everyJavaBlockCompilesAndRuns() throws IOException {
    return ReadmeChecks.blocks(dir, block -> !block.importsPackage("dev.graft.spark"));
  }

  /** The checker itself: fences, indentation, marks, a whole class, line numbers in errors. */
  @Test
  void checkerReadsBlocksAndReportsReadmeLines() throws Exception {
    Path readme = dir.resolve("README.md");
    Files.writeString(
        readme,
        String.join(
            "\n",
            "# t",
            "```bash",
            "echo not java",
            "```",
            "<!-- compile-only: needs a cluster -->",
            "```java",
            "int n = 1;",
            "```",
            "- item:",
            "  ```java",
            "  public class Whole {",
            "    public static void main(String[] args) { System.exit(3); }",
            "  }",
            "  ```",
            ""));
    List<ReadmeBlock> blocks = ReadmeBlock.parse(readme, "README.md");
    assertEquals(2, blocks.size());
    assertEquals(7, blocks.get(0).firstLine());
    assertEquals("needs a cluster", blocks.get(0).compileOnlyReason());
    assertTrue(blocks.get(0).usesShellImports());
    assertEquals("Whole", blocks.get(1).mainClass());
    assertEquals("public class Whole {", blocks.get(1).lines().get(0));

    BlockProgram whole = new BlockProgram(blocks.get(1), List.of(), null);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    assertNull(whole.compile(classes, System.getProperty("java.class.path")));
    String failure =
        whole.run(
            classes,
            System.getProperty("java.class.path"),
            Files.createTempDirectory(dir, "w"),
            60);
    assertTrue(failure.startsWith("exit code 3"), failure);

    ReadmeBlock broken =
        new ReadmeBlock("README.md", 40, List.of("int a = 1;", "int b = a + c;"), null);
    String errors =
        new BlockProgram(broken, List.of(), ReadmeChecks.JSHELL_PARSER)
            .compile(classes, System.getProperty("java.class.path"));
    assertTrue(errors.startsWith("README.md:41: error: cannot find symbol"), errors);
  }

  /** The README's list of what the shell imports is the launcher's list. */
  @Test
  void readmeNamesEveryShellImport() throws IOException {
    String readme = Files.readString(ReadmeChecks.README);
    for (String line : ReadmeChecks.shellImports()) {
      String name = line.replaceFirst("^import\\s+(static\\s+)?", "").replace(";", "").strip();
      assertTrue(
          readme.contains("`" + name + "`"), "README does not name the shell import " + name);
    }
  }
}
