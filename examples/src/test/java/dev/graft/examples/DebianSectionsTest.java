package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian sections demo's command line (the training itself: {@link DebianSectionsSlowTest}).
 */
class DebianSectionsTest {
  @TempDir Path dir;

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
  }
}
