package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Graft;
import dev.graft.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every example runs (on little data, one epoch) so that none of them rots. */
class ExamplesTest {
  private static final FashionMnist.Data SMALL = FashionMnist.bundled().head(256, 64);

  @TempDir Path dir;

  @BeforeEach
  void seed() {
    Graft.seed(11);
  }

  @Test
  void functionalMergeHasKerasParameterCount() {
    assertEquals(3_998_337, FunctionalMerge.build().countParams());
  }

  @Test
  void subclassedMergeTrainsTwoEpochs() {
    assertEquals(2, SubclassedMerge.run().get("loss").size());
  }

  @Test
  void averagingEnsemblePredicts() {
    assertEquals(Shape.of(8, 1), AveragingEnsemble.run().shape());
  }

  @Test
  void siameseTrainsOnPairs() {
    double acc = SiameseExample.run(SMALL, 1);
    assertTrue(acc >= 0 && acc <= 1);
  }

  @Test
  void fineTuningKeepsTheFrozenBaseUnchanged() {
    FineTuningExample.Result r = FineTuningExample.run(SMALL, 1);
    assertTrue(r.baseUnchangedWhileFrozen());
    assertTrue(r.movingStatisticsKeptWhileFineTuning());
  }

  @Test
  void twoOutputsReportAnAccuracyEach() {
    double[] acc = TwoOutputsExample.run(SMALL, 1);
    assertEquals(2, acc.length);
  }

  @Test
  void mergeDemoRunsQuicklyAndWritesBothPictures() throws Exception {
    DemoOptions o =
        DemoOptions.parse(
            "--bundled",
            "--limit",
            "256",
            "--epochs",
            "1",
            "--head-epochs",
            "1",
            "--out",
            dir.toString(),
            "--verbose",
            "0");
    MergeDemo.Result r = MergeDemo.run(o);
    assertTrue(Files.readString(r.trainingSvg()).contains(">merged<"));
    assertTrue(Files.readString(r.modelSvg()).contains("cnn_features (Functional)"));
  }

  @Test
  void demoOptionsAreChecked() {
    var e = assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--epochs", "0"));
    assertTrue(e.getMessage().contains("--epochs needs an integer >= 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse("--bogus", "1"));
    assertThrows(
        IllegalArgumentException.class, () -> DemoOptions.parse("--bundled", "--data", "/x"));
    var missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> DemoOptions.parse("--data", dir.toString()).load());
    assertTrue(missing.getMessage().contains("lacks"), missing.getMessage());
  }
}
