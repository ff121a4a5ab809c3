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

/**
 * Every example runs on little data (so that none of them rots) and learns: accuracies above chance
 * and losses falling, each by a margin.
 */
class ExamplesTest {
  private static final FashionMnist.Data SMALL = FashionMnist.bundled().head(256, 64);
  private static final FashionMnist.Data LEARN = FashionMnist.bundled().head(1024, 256);

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
    java.util.List<Double> loss = SubclassedMerge.run().get("loss");
    assertEquals(2, loss.size());
    // Random data and labels: the model can only memorise them, but its loss must still fall.
    assertTrue(loss.get(1) < loss.get(0), "loss " + loss);
  }

  @Test
  void averagingEnsemblePredicts() {
    assertEquals(Shape.of(8, 1), AveragingEnsemble.run().shape());
  }

  @Test
  void siameseTrainsOnPairs() {
    // Half the test pairs show the same class: chance is 0.5.
    double acc = SiameseExample.run(LEARN, 2);
    assertTrue(acc >= 0.6, "same-class accuracy " + acc);
  }

  @Test
  void fineTuningKeepsTheFrozenBaseUnchanged() {
    FineTuningExample.Result r = FineTuningExample.run(SMALL, 1);
    assertTrue(r.baseUnchangedWhileFrozen());
    assertTrue(r.movingStatisticsKeptWhileFineTuning());
  }

  @Test
  void twoOutputsReportAnAccuracyEach() {
    double[] acc = TwoOutputsExample.run(LEARN, 1);
    assertEquals(2, acc.length);
    // Chance: 0.1 for ten balanced classes; 0.7 for footwear (3 classes of 10) by always saying no.
    assertTrue(acc[0] >= 0.4, "category accuracy " + acc[0]);
    assertTrue(acc[1] >= 0.85, "footwear accuracy " + acc[1]);
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
    // 256 images and one epoch only show that the demo runs (its accuracies stay near chance):
    // MergeDemoSlowTest (tag "slow") checks that the merged model beats both branches.
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
