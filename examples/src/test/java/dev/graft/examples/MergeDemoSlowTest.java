package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole demo on the bundled subset (under a minute): the merged model must beat both branches,
 * and the four accuracies are the README's. Run with {@code -DexcludedGroups= -Dgroups=slow}.
 */
@Tag("slow")
class MergeDemoSlowTest {
  @TempDir Path dir;

  @Test
  void mergedModelBeatsBothBranchesOnTheBundledSubset() {
    MergeDemo.Result r =
        MergeDemo.run(DemoOptions.parse("--bundled", "--out", dir.toString(), "--verbose", "2"));
    assertTrue(r.mergedBeatsBranches(), r.toString());
    // The README's table (2 cores; seeded, so runs repeat; other core counts may add up gradients
    // in another order, hence the tolerance of a few test images).
    assertEquals(0.8355, r.cnn(), 0.003, r.toString());
    assertEquals(0.7970, r.lstm(), 0.003, r.toString());
    assertEquals(0.8410, r.merged(), 0.003, r.toString());
    assertEquals(0.8340, r.ensemble(), 0.003, r.toString());
  }
}
