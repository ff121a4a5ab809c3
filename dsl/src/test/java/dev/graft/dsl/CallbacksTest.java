package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ReduceLROnPlateau, TerminateOnNaN, CSVLogger and lambda callbacks through {@code fit}. */
class CallbacksTest {
  private static Model regression(Object optimizer) {
    seed(7);
    var in = input(4);
    Model m = model(in, dense(1).on(dense(8).activation("tanh").on(in)));
    m.compile(optimizer, "mse");
    return m;
  }

  /** A fit view for driving a callback by hand with chosen logs. */
  private static Callback.Training training(Model m) {
    return new Callback.Training() {
      @Override
      public Model model() {
        return m;
      }

      @Override
      public void stopTraining() {}

      @Override
      public boolean stopRequested() {
        return false;
      }

      @Override
      public List<Tensor> weightsAtEpochStart() {
        return m.getWeights();
      }
    };
  }

  @Test
  void reduceLrOnPlateauFollowsPatienceCooldownAndMinLr() {
    Model m = regression(sgd(0.8, 0, false));
    var cb = reduceLrOnPlateau("val_loss").factor(0.5).patience(2).cooldown(1).minLr(0.15);
    Callback.Training t = training(m);
    cb.onTrainBegin(t);
    double[] valLoss = {1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94, 0.96, 0.97, 0.98};
    List<Float> lrs = new ArrayList<>();
    for (int e = 0; e < valLoss.length; e++) {
      cb.onEpochEnd(t, e, Map.of("val_loss", valLoss[e]));
      lrs.add(m.optimizer().learningRate());
    }
    // Reductions after two epochs without improvement (epoch 3); as in Keras the cooldown is spent
    // at the start of the next epoch, which then counts again (epochs 5, 7); the third reduction
    // would go below minLr and stops there.
    assertEquals(List.of(0.8f, 0.8f, 0.8f, 0.4f, 0.4f, 0.2f, 0.2f, 0.15f, 0.15f, 0.15f), lrs);
  }

  @Test
  void reduceLrOnPlateauDuringFit() {
    Model m = regression(sgd(0.01, 0, false));
    Tensor x = Tensor.rand(32, 4);
    Tensor y = Tensor.rand(32, 1);
    // "max" mode on a falling loss: never an improvement after the first epoch.
    m.fit(x, y, epochs(4).verbose(0).callbacks(reduceLrOnPlateau("loss").mode("max").patience(1)));
    assertEquals(0.01f * 0.1f * 0.1f * 0.1f, m.optimizer().learningRate(), 1e-9);
  }

  @Test
  void reduceLrOnPlateauRejectsBadArguments() {
    var e = assertThrows(IllegalArgumentException.class, () -> reduceLrOnPlateau("loss").factor(1));
    assertTrue(e.getMessage().contains("factor=1.0"), e.getMessage());
    Model m = regression("sgd");
    var missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                m.fit(
                    Tensor.rand(8, 4),
                    Tensor.rand(8, 1),
                    epochs(1).verbose(0).callbacks(reduceLrOnPlateau("val_loss"))));
    assertTrue(missing.getMessage().contains("\"val_loss\""), missing.getMessage());
    assertTrue(missing.getMessage().contains("[loss]"), missing.getMessage());
  }

  @Test
  void terminateOnNaNStopsAndRestoresTheEpochStartWeights() {
    Model m = regression(sgd(1e30, 0, false));
    List<Tensor> before = m.getWeights();
    List<Integer> batches = new ArrayList<>();
    var nan = terminateOnNaN();
    History h =
        m.fit(
            Tensor.rand(64, 4),
            Tensor.full(100f, 64, 1),
            epochs(5)
                .batchSize(8)
                .shuffle(false)
                .verbose(0)
                .callbacks(nan, onBatchEnd((b, logs) -> batches.add(b))));
    assertEquals(0, nan.stoppedEpoch());
    assertTrue(nan.stoppedBatch() >= 1 && nan.stoppedBatch() < 7, "batch " + nan.stoppedBatch());
    assertEquals(nan.stoppedBatch() + 1, batches.size(), "fit stops within the epoch");
    assertEquals(1, h.get("loss").size());
    List<Tensor> after = m.getWeights();
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i).toArray(), after.get(i).toArray());
    }
  }

  @Test
  void csvLoggerWritesOneRowPerEpoch(@TempDir Path dir) throws IOException {
    Model m = regression("adam");
    Path file = dir.resolve("log.csv");
    History h =
        m.fit(
            Tensor.rand(40, 4),
            Tensor.rand(40, 1),
            epochs(3).validationSplit(0.25).verbose(0).callbacks(csvLogger(file.toString())));
    List<String> lines = Files.readAllLines(file);
    assertEquals("epoch,loss,val_loss", lines.get(0));
    assertEquals(4, lines.size());
    for (int e = 0; e < 3; e++) {
      String[] cells = lines.get(1 + e).split(",");
      assertEquals(String.valueOf(e), cells[0]);
      assertEquals(h.get("loss").get(e), Double.parseDouble(cells[1]));
      assertEquals(h.get("val_loss").get(e), Double.parseDouble(cells[2]));
    }
    m.fit(
        Tensor.rand(40, 4),
        Tensor.rand(40, 1),
        epochs(1).verbose(0).callbacks(new CsvLogger(file).append(true)));
    assertEquals(5, Files.readAllLines(file).size(), "appending writes no second header");
  }

  @Test
  void lambdaCallbacksSeeEveryEvent() {
    Model m = regression("adam");
    List<String> events = new ArrayList<>();
    var cb =
        onTrainBegin(() -> events.add("begin"))
            .onEpochBegin(e -> events.add("epoch " + e))
            .onBatchEnd((b, logs) -> events.add("batch " + b))
            .onEpochEnd(
                (e, logs) -> events.add("end " + e + (logs.containsKey("loss") ? " loss" : "")))
            .onTrainEnd(() -> events.add("done"));
    m.fit(Tensor.rand(20, 4), Tensor.rand(20, 1), epochs(2).batchSize(16).verbose(0).callbacks(cb));
    assertEquals(
        List.of(
            "begin",
            "epoch 0",
            "batch 0",
            "batch 1",
            "end 0 loss",
            "epoch 1",
            "batch 0",
            "batch 1",
            "end 1 loss",
            "done"),
        events);
    List<Integer> epochs = new ArrayList<>();
    m.fit(
        Tensor.rand(20, 4),
        Tensor.rand(20, 1),
        epochs(3).verbose(0).callbacks(onEpochEnd((e, logs) -> epochs.add(e))));
    assertEquals(List.of(0, 1, 2), epochs);
  }
}
