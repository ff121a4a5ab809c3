package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.io.ModelFileException;
import dev.graft.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * ModelCheckpoint's file path (placeholders, formats, folders) and saving into a missing folder.
 */
class CheckpointPathTest {
  @TempDir Path dir;

  private static Model small() {
    var in = input(3);
    Model m = model(in, dense(1).activation("sigmoid").on(in));
    m.compile(adam(), "binary_crossentropy", "accuracy");
    return m;
  }

  private static String message(Executable e) {
    return assertThrows(IllegalArgumentException.class, e).getMessage();
  }

  private static void assertContains(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "\"" + p + "\" not in: " + message);
    }
  }

  private List<String> files() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void aMisspeltEpochIsRefusedWhenTheCallbackIsMade() {
    assertContains(
        message(() -> modelCheckpoint("ck-{epok}.keras")),
        "ModelCheckpoint: unknown placeholder {epok} in the file path \"ck-{epok}.keras\"",
        "did you mean {epoch}?",
        "{loss}",
        "{val_loss}",
        "{epoch:02d}");
  }

  @Test
  void malformedPathsAreRefusedWhenTheCallbackIsMade() {
    assertContains(message(() -> modelCheckpoint("ck-{epoch.keras")), "without its '}'");
    assertContains(message(() -> modelCheckpoint("ck-epoch}.keras")), "a single '}'");
    assertContains(message(() -> modelCheckpoint("ck-{}.keras")), "{}, which names no value");
    assertContains(message(() -> modelCheckpoint("ck-{epoch:x}.keras")), "format spec \"x\"");
    assertContains(
        message(() -> modelCheckpoint("ck-{loss:03d}.keras")),
        "\"d\" formats integers, and loss is a decimal value");
  }

  @Test
  void formatSpecsWorkAsInKeras() throws Exception {
    Model m = small();
    Tensor x = Tensor.rand(8, 3);
    Tensor y = Tensor.randint(0, 2, 8, 1);
    String pattern =
        dir.resolve("ck-{epoch:03d}-{{x}}-{loss:.2f}-{val_accuracy:.1%}.keras").toString();
    List<Double> losses = new ArrayList<>();
    List<Double> accuracies = new ArrayList<>();
    m.fit(
        x,
        y,
        epochs(2)
            .verbose(0)
            .validationData(x, y)
            .callbacks(
                modelCheckpoint(pattern).monitor("loss"),
                onEpochEnd(
                    (e, logs) -> {
                      losses.add(logs.get("loss"));
                      accuracies.add(logs.get("val_accuracy"));
                    })));
    List<String> want = new ArrayList<>();
    for (int e = 0; e < 2; e++) {
      want.add(
          String.format(
              java.util.Locale.ROOT,
              "ck-%03d-{x}-%.2f-%.1f%%.keras",
              e + 1,
              losses.get(e),
              accuracies.get(e) * 100));
    }
    assertEquals(want, files());
  }

  @Test
  void aMisspeltLogNameFailsWhenTrainingBeginsBeforeTheFirstEpoch() throws Exception {
    Model m = small();
    List<Integer> epochsRun = new ArrayList<>();
    ModelCheckpoint cb = modelCheckpoint(dir.resolve("ck-{val_los:.2f}.keras").toString());
    assertContains(
        message(
            () ->
                m.fit(
                    Tensor.rand(4, 3),
                    Tensor.randint(0, 2, 4, 1),
                    epochs(2).verbose(0).callbacks(cb, onEpochBegin(epochsRun::add)))),
        "unknown placeholder {val_los}",
        "did you mean {val_loss}?",
        "{epoch}, {loss}, {accuracy}, {val_loss}, {val_accuracy}");
    assertTrue(epochsRun.isEmpty(), "no epoch may run before the error");
    assertEquals(List.of(), files());
  }

  @Test
  void aNameACallbackLogsIsAcceptedAndAMissingOneNamedAtTheEpochEnd() throws Exception {
    Model m = small();
    // A callback may add values to the logs (Keras callbacks do too), so {score} is not refused
    // when training begins.
    Callback scorer =
        new Callback() {
          @Override
          public void onEpochEnd(Training t, int epoch, java.util.Map<String, Double> logs) {
            logs.put("score", 0.5 + epoch);
          }
        };
    m.fit(
        Tensor.rand(4, 3),
        Tensor.randint(0, 2, 4, 1),
        epochs(1)
            .verbose(0)
            .callbacks(
                scorer,
                modelCheckpoint(dir.resolve("ck-{score:.1f}.keras").toString()).monitor("loss")));
    assertEquals(List.of("ck-0.5.keras"), files());
    assertContains(
        message(
            () ->
                m.fit(
                    Tensor.rand(4, 3),
                    Tensor.randint(0, 2, 4, 1),
                    epochs(1)
                        .verbose(0)
                        .callbacks(
                            modelCheckpoint(dir.resolve("ck-{f1_score}.keras").toString())))),
        "unknown placeholder {f1_score}",
        "the logs of this epoch hold no such value",
        "{loss}, {accuracy}");
  }

  @Test
  void checkpointFoldersAreCreatedWhenTrainingBegins() throws Exception {
    Model m = small();
    String pattern = dir.resolve("runs/a/ck-{epoch}.keras").toString();
    List<Boolean> folderAtFirstEpoch = new ArrayList<>();
    m.fit(
        Tensor.rand(4, 3),
        Tensor.randint(0, 2, 4, 1),
        epochs(1)
            .verbose(0)
            .callbacks(
                modelCheckpoint(pattern).monitor("loss"),
                onEpochBegin(
                    e -> folderAtFirstEpoch.add(Files.isDirectory(dir.resolve("runs/a"))))));
    assertEquals(List.of(true), folderAtFirstEpoch);
    assertEquals(List.of("runs/a/ck-01.keras"), files());
    // Folders chosen by placeholders are made at each save.
    m.fit(
        Tensor.rand(4, 3),
        Tensor.randint(0, 2, 4, 1),
        epochs(1)
            .verbose(0)
            .callbacks(
                modelCheckpoint(dir.resolve("e{epoch}/m.keras").toString()).monitor("loss")));
    assertTrue(Files.exists(dir.resolve("e01/m.keras")));
  }

  @Test
  void aFolderThatCannotBeMadeFailsBeforeTheFirstEpoch() throws Exception {
    Files.writeString(dir.resolve("taken"), "a file, not a folder");
    Model m = small();
    List<Integer> epochsRun = new ArrayList<>();
    String pattern = dir.resolve("taken/sub/ck-{epoch}.keras").toString();
    assertContains(
        message(
            () ->
                m.fit(
                    Tensor.rand(4, 3),
                    Tensor.randint(0, 2, 4, 1),
                    epochs(1)
                        .verbose(0)
                        .callbacks(
                            modelCheckpoint(pattern).monitor("loss"),
                            onEpochBegin(epochsRun::add)))),
        "ModelCheckpoint: cannot create the folder " + dir.resolve("taken/sub"));
    assertTrue(epochsRun.isEmpty());
  }

  @Test
  void savingIntoAMissingFolderNamesTheFolder() {
    Model m = small();
    Path target = dir.resolve("missing/model.keras");
    String msg = assertThrows(ModelFileException.class, () -> m.save(target)).getMessage();
    assertContains(msg, "the folder " + dir.resolve("missing") + " does not exist");
    assertFalse(msg.contains(".tmp"), msg);
    assertContains(
        assertThrows(ModelFileException.class, () -> m.saveWeights(dir.resolve("no/w.weights.h5")))
            .getMessage(),
        "the folder " + dir.resolve("no") + " does not exist");
    assertFalse(Files.exists(dir.resolve("missing")), "save must not create folders");
  }
}
