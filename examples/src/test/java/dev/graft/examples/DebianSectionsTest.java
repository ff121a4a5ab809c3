package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.dsl.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian sections demo's command line (the training itself: {@link DebianSectionsSlowTest}).
 */
class DebianSectionsTest {
  @TempDir Path dir;

  @Test
  void learnsOnASliceAndTheReloadedModelPredictsTheSame() {
    assumeTrue(
        DebianSections.findDefault() != null,
        "skipped: the Debian packages data set is absent (../shared/datasets/debian-packages)");
    DebianSections.Result r =
        DebianSections.run(
            DebianSections.Options.parse(
                "--limit", "4000", "--epochs", "3", "--out", dir.toString(), "--verbose", "0"));
    assertTrue(r.testRows() > 400, r.toString());
    assertTrue(r.accuracy() > r.majority() + 0.05, r.toString());
    assertTrue(r.loss().get(2) < r.loss().get(0), r.toString());
    assertTrue(r.reloadedAgrees(), r.toString());
    assertTrue(Files.isRegularFile(dir.resolve("training.svg")));
    assertTrue(Files.isRegularFile(dir.resolve("model.svg")));
    Model again = Model.load(r.model());
    assertEquals(3, again.inputs().size());
  }

  @Test
  void aMissingDataFileIsAClearErrorNamingIt() {
    Path absent = dir.resolve("nowhere.tsv.gz");
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DebianSections.Options.parse("--data", absent.toString()).dataFile());
    assertTrue(e.getMessage().contains("nowhere.tsv.gz"), e.getMessage());
    var bad =
        assertThrows(
            IllegalArgumentException.class, () -> DebianSections.Options.parse("--epochs", "0"));
    assertTrue(bad.getMessage().contains("--epochs"), bad.getMessage());
    DebianSections.Options o = DebianSections.Options.parse("--buckets", "--epochs", "2");
    assertTrue(o.buckets() && o.epochs() == 2, o.toString());
    assertFalse(DebianSections.Options.parse().buckets());
  }
}
