package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole demo on the bundled subset (a few minutes): the merged model must beat both branches.
 * Run with {@code -DexcludedGroups= -Dgroups=slow}.
 */
@Tag("slow")
class MergeDemoSlowTest {
  @TempDir Path dir;

  @Test
  void mergedModelBeatsBothBranchesOnTheBundledSubset() {
    MergeDemo.Result r =
        MergeDemo.run(DemoOptions.parse("--bundled", "--out", dir.toString(), "--verbose", "2"));
    assertTrue(r.mergedBeatsBranches(), r.toString());
  }
}
