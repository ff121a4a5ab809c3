package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.dsl.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian sections demo on a small slice of the real file (the first 3,000 rows, 2 epochs): it
 * learns, and the saved model reloads and predicts raw strings. The data set stays outside the
 * project ({@code ../shared/datasets/debian-packages/}); without it the test is skipped. About 6 s
 * of CPU but over 20 s of wall time on a loaded machine: run with {@code -DexcludedGroups=
 * -Dgroups=slow}.
 */
@Tag("slow")
class DebianSectionsSlowTest {
  @TempDir Path dir;

  @Test
  void learnsOnASliceAndTheReloadedModelPredictsTheSame() {
    assumeTrue(
        DebianSections.findDefault() != null,
        "skipped: the Debian packages data set is absent (../shared/datasets/debian-packages)");
    DebianSections.Result r =
        DebianSections.run(
            DebianSections.Options.parse(
                "--limit", "3000", "--epochs", "2", "--out", dir.toString(), "--verbose", "0"));
    assertTrue(r.testRows() > 400, r.toString());
    assertTrue(r.accuracy() > r.majority() + 0.05, r.toString());
    assertTrue(r.loss().get(1) < r.loss().get(0), r.toString());
    assertTrue(r.reloadedAgrees(), r.toString());
    assertTrue(Files.isRegularFile(dir.resolve("training.svg")));
    assertTrue(Files.isRegularFile(dir.resolve("model.svg")));
    Model again = Model.load(r.model());
    assertEquals(3, again.inputs().size());
  }
}
