package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCheckpointTest {
  private static Model small() {
    var in = input(4);
    Model m = model(in, dense(1).activation("sigmoid").on(dense(8).activation("relu").on(in)));
    m.compile(adam(0.01), "binary_crossentropy", "accuracy");
    return m;
  }

  @Test
  void savesEveryEpochAndTheLastFileReloadsTheModel(@TempDir Path dir) {
    Model m = small();
    Rng rng = new Rng(4);
    Tensor x = Tensor.rand(rng, 64, 4);
    Tensor y = Tensor.randint(rng, 0, 2, 64, 1);
    String pattern = dir.resolve("ckpt-{epoch}.keras").toString();
    m.fit(x, y, epochs(3).verbose(0).callbacks(modelCheckpoint(pattern).monitor("loss")));
    for (int e = 1; e <= 3; e++) {
      assertTrue(Files.exists(dir.resolve("ckpt-0" + e + ".keras")), "epoch " + e);
    }
    Model back = Model.load(dir.resolve("ckpt-03.keras"));
    assertTrue(back.predict(x).allClose(m.predict(x), 0, 0));
  }

  @Test
  void bestOnlyKeepsTheBestEpochsWeights(@TempDir Path dir) {
    Model m = small();
    Rng rng = new Rng(5);
    Tensor x = Tensor.rand(rng, 64, 4);
    Tensor y = Tensor.randint(rng, 0, 2, 64, 1);
    Path file = dir.resolve("best.weights.h5");
    List<List<Tensor>> weightsPerEpoch = new java.util.ArrayList<>();
    List<Double> losses = new java.util.ArrayList<>();
    m.fit(
        x,
        y,
        epochs(4)
            .verbose(0)
            .callbacks(
                modelCheckpoint(file.toString())
                    .monitor("loss")
                    .saveBestOnly(true)
                    .saveWeightsOnly(true),
                onEpochEnd(
                    (epoch, logs) -> {
                      weightsPerEpoch.add(m.getWeights());
                      losses.add(logs.get("loss"));
                    })));
    int best = 0;
    for (int e = 1; e < losses.size(); e++) {
      if (losses.get(e) < losses.get(best)) {
        best = e;
      }
    }
    Model other = small();
    other.loadWeights(file);
    List<Tensor> got = other.getWeights();
    for (int i = 0; i < got.size(); i++) {
      assertTrue(got.get(i).allClose(weightsPerEpoch.get(best).get(i), 0, 0), "weight " + i);
    }
    assertEquals(4, losses.size());
  }

  @Test
  void aMissingMonitorIsNamed(@TempDir Path dir) {
    Model m = small();
    Tensor x = Tensor.rand(new Rng(6), 8, 4);
    Tensor y = Tensor.randint(new Rng(7), 0, 2, 8, 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                m.fit(
                    x,
                    y,
                    epochs(1)
                        .verbose(0)
                        .callbacks(
                            modelCheckpoint(dir.resolve("m.keras").toString())
                                .saveBestOnly(true))));
    assertTrue(e.getMessage().contains("val_loss"), e.getMessage());
  }
}
