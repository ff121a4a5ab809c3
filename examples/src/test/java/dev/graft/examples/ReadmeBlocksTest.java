package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the project's README compiles and runs as a user copies it (see
 * {@link ReadmeChecks}), but the blocks that import {@code dev.graft.spark}: the Spark module's
 * tests check those, against Spark.
 */
class ReadmeBlocksTest {
  @TempDir Path dir;

  @TestFactory
  Stream<DynamicTest> everyJavaBlockCompilesAndRuns() throws IOException {
    return ReadmeChecks.blocks(dir, block -> !block.importsPackage("dev.graft.spark"));
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
