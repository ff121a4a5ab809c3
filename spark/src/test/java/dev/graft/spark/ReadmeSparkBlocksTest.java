package dev.graft.spark;

import dev.graft.examples.ReadmeChecks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blocks of the README and its guides (the Spark one is in {@code docs/spark.md}) that import
 * {@code dev.graft.spark} compile (and run, unless marked compile-only) against this module and
 * Spark, as the examples module's {@code ReadmeBlocksTest} checks the others.
 */
class ReadmeSparkBlocksTest {
  @TempDir Path dir;

  @TestFactory
  Stream<DynamicTest> sparkBlocksCompile() throws IOException {
    return ReadmeChecks.blocks(dir, block -> block.importsPackage("dev.graft.spark"));
  }
}
