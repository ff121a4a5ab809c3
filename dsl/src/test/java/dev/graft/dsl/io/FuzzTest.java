package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded fuzzing with a fixed seed: truncated and byte-mutated copies of real files (our own
 * {@code .keras} and {@code .weights.h5}, a Keras 2 {@code .h5}, a TensorFlow.js {@code
 * model.json}, a {@code .npy}) either load or fail with {@link ModelFileException}; nothing else
 * escapes and nothing hangs (the whole run has a generous time limit as a hang guard).
 */
class FuzzTest {
  @TempDir Path dir;

  @BeforeAll
  static void standIns() {}

  /** Something that reads a file. */
  interface Reader {
    /** Reads {@code f}. */
    void read(Path f);
  }

  private int cases;

  private void run(String label, byte[] original, int n, Random rnd, Path f, Reader reader)
      throws IOException {
    for (int i = 0; i < n; i++) {
      byte[] b = mutate(original, rnd);
      Files.write(f, b);
      cases++;
      try {
        reader.read(f);
      } catch (ModelFileException expected) {
        // The one exception type a broken file may give.
      } catch (Throwable t) {
        fail(label + " case " + i + " (" + b.length + " bytes) threw " + t, t);
      }
    }
  }

  static byte[] mutate(byte[] original, Random rnd) {
    byte[] b = original.clone();
    switch (rnd.nextInt(3)) {
      case 0:
        return java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
      case 1:
        int flips = 1 + rnd.nextInt(8);
        for (int k = 0; k < flips; k++) {
          b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
        }
        return b;
      default:
        int at = rnd.nextInt(b.length);
        int len = Math.min(b.length - at, 1 + rnd.nextInt(16));
        for (int k = 0; k < len; k++) {
          b[at + k] = (byte) rnd.nextInt(256);
        }
        return b;
    }
  }

  /** A .keras archive whose entry {@code name} is mutated (so the zip itself stays valid). */
  private static byte[] mutatedEntry(Map<String, byte[]> entries, String name, Random rnd)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getKey().equals(name) ? mutate(e.getValue(), rnd) : e.getValue());
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /** A quick pass (600 cases, a few seconds) for every build. */
  @Test
  void brokenFilesGiveOnlyModelFileExceptions() {
    assertTimeoutPreemptively(Duration.ofMinutes(10), () -> fuzz(5, 20261127L));
  }

  /** The full run: 3,000 cases (about ten seconds on two cores). */
  @Test
  @Tag("slow")
  void brokenFilesGiveOnlyModelFileExceptionsFullRun() {
    assertTimeoutPreemptively(Duration.ofMinutes(20), () -> fuzz(1, 1127L));
  }

  private void fuzz(int divisor, long randomSeed) throws IOException {
    Random rnd = new Random(randomSeed);
    seed(9);
    var in = input(6);
    var h = lstm(3).on(repeatVector(2).on(dense(4).activation("relu").on(in)));
    Model m = model(in, dense(1).activation("sigmoid").on(h));
    m.compile(adam(), "binary_crossentropy", "accuracy");
    m.trainOnBatch(Tensor.rand(4, 6), Tensor.randint(0, 2, 4, 1));
    Path keras = dir.resolve("good.keras");
    m.save(keras);
    Path weights = dir.resolve("good.weights.h5");
    m.saveWeights(weights);
    Path f = dir.resolve("fuzz.bin");

    byte[] kerasBytes = Files.readAllBytes(keras);
    run(".keras", kerasBytes, 400 / divisor, rnd, f, Model::load);
    Map<String, byte[]> entries = KerasArchive.entries(keras);
    for (String entry : new String[] {"config.json", "model.weights.h5"}) {
      for (int i = 0; i < 400 / divisor; i++) {
        Files.write(f, mutatedEntry(entries, entry, rnd));
        cases++;
        try {
          Model.load(f);
        } catch (ModelFileException expected) {
          // The one exception type a broken file may give.
        } catch (Throwable t) {
          fail(entry + " case " + i + " threw " + t, t);
        }
      }
    }
    run(".weights.h5", Files.readAllBytes(weights), 600 / divisor, rnd, f, m::loadWeights);

    Path legacy = Fixtures.shared("fixtures/keras").resolve("dl4j_cnn_batch_norm.h5");
    run("legacy .h5", Files.readAllBytes(legacy), 600 / divisor, rnd, f, Model::load);
    Path npy = Fixtures.shared("fixtures/keras").resolve("dl4j_cnn_batch_norm.predictions.npy");
    run(".npy", Files.readAllBytes(npy), 300 / divisor, rnd, f, Npy::read);

    Path seed = Fixtures.shared("reference/models/seed3_average_ensemble");
    Path tfjsDir = Files.createDirectory(dir.resolve("tfjs"));
    Files.copy(seed.resolve("weights.bin"), tfjsDir.resolve("weights.bin"));
    run(
        "model.json",
        Files.readAllBytes(seed.resolve("model.json")),
        300 / divisor,
        rnd,
        tfjsDir.resolve("model.json"),
        Model::load);
    if (cases < 3000 / divisor) {
      fail("only " + cases + " cases ran");
    }
  }
}
