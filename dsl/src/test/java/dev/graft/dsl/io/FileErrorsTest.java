package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken files give one clear {@link ModelFileException}; failures change nothing. */
class FileErrorsTest {
  @TempDir Path dir;

  private static Model small(int units) {
    var in = input(4);
    return model(in, dense(2).on(dense(units).activation("relu").on(in)));
  }

  private static ModelFileException loadFails(Path f, String... fragments) {
    ModelFileException e = assertThrows(ModelFileException.class, () -> Model.load(f));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    for (String s : fragments) {
      assertTrue(e.getMessage().contains(s), "missing \"" + s + "\" in: " + e.getMessage());
    }
    return e;
  }

  /** Rewrites one entry of a .keras archive. */
  private Path withEntry(Path keras, String name, byte[] content) throws IOException {
    Map<String, byte[]> entries = KerasArchive.entries(keras);
    entries.put(name, content);
    Path out = dir.resolve("edited.keras");
    try (OutputStream os = Files.newOutputStream(out);
        ZipOutputStream zip = new ZipOutputStream(os)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out;
  }

  @Test
  void truncatedFilesAreReportedAsSuch() throws IOException {
    Path f = dir.resolve("m.keras");
    small(3).save(f);
    byte[] all = Files.readAllBytes(f);
    Path cut = dir.resolve("cut.keras");
    Files.write(cut, Arrays.copyOf(all, all.length / 2));
    loadFails(cut);
    Path empty = dir.resolve("empty.keras");
    Files.write(empty, new byte[0]);
    loadFails(empty, "unknown format");
    loadFails(dir.resolve("absent.keras"), "no such file");
  }

  @Test
  void unknownLayerClassIsNamed() throws IOException {
    Path f = dir.resolve("m.keras");
    small(3).save(f);
    String config =
        new String(KerasArchive.entries(f).get("config.json"), StandardCharsets.UTF_8)
            .replaceFirst("\"class_name\": \"Dense\"", "\"class_name\": \"Frobnicate\"");
    Path edited = withEntry(f, "config.json", config.getBytes(StandardCharsets.UTF_8));
    loadFails(edited, "unknown layer class \"Frobnicate\"", "Dense");
  }

  @Test
  void wrongShapeAndMissingWeightsAreNamedAndChangeNothing() {
    Path three = dir.resolve("three.weights.h5");
    small(3).saveWeights(three);
    Model target = small(5);
    List<Tensor> before = target.getWeights();
    ModelFileException e = assertThrows(ModelFileException.class, () -> target.loadWeights(three));
    assertTrue(e.getMessage().contains("has shape (4, 3)"), e.getMessage());
    assertTrue(e.getMessage().contains("needs (4, 5)"), e.getMessage());
    assertUnchanged(before, target);

    var in = input(4);
    Model deeper = model(in, dense(2).on(dense(2).on(dense(3).activation("relu").on(in))));
    List<Tensor> before2 = deeper.getWeights();
    ModelFileException missing =
        assertThrows(ModelFileException.class, () -> deeper.loadWeights(three));
    assertTrue(
        missing.getMessage().contains("missing weight group layers/dense_2/vars"),
        missing.getMessage());
    assertUnchanged(before2, deeper);
  }

  private static void assertUnchanged(List<Tensor> before, Model m) {
    List<Tensor> after = m.getWeights();
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i).toArray(), after.get(i).toArray());
    }
  }

  @Test
  void anInterruptedSaveLeavesThePreviousFile() throws IOException {
    Path f = dir.resolve("m.keras");
    Model m = small(3);
    m.save(f);
    byte[] good = Files.readAllBytes(f);
    ModelFileException e =
        assertThrows(
            ModelFileException.class,
            () ->
                AtomicFiles.write(
                    f,
                    tmp -> {
                      Files.write(tmp, Arrays.copyOf(good, 100));
                      throw new IOException("disk full (simulated)");
                    }));
    assertTrue(e.getMessage().contains("disk full (simulated)"), e.getMessage());
    assertArrayEquals(good, Files.readAllBytes(f));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(f), files.toList(), "no temporary file is left behind");
    }
    // A model that cannot be described (subclassed) fails before touching the file.
    class Sub extends Model {
      final dev.graft.dsl.Layer d = dense(2);

      @Override
      public dev.graft.dsl.SymbolicTensor call(List<dev.graft.dsl.SymbolicTensor> inputs) {
        return d.on(inputs.get(0));
      }
    }
    Sub s = new Sub();
    s.build(dev.graft.tensor.Shape.of(4));
    ModelFileException sub = assertThrows(ModelFileException.class, () -> s.save(f));
    assertTrue(sub.getMessage().contains("saveWeights"), sub.getMessage());
    assertArrayEquals(good, Files.readAllBytes(f));
    var in = input(3);
    Model withLambda = model(in, lambda(n -> n).name("identity").on(in));
    ModelFileException lam = assertThrows(ModelFileException.class, () -> withLambda.save(f));
    assertTrue(lam.getMessage().contains("\"identity\" is a Lambda"), lam.getMessage());
    assertArrayEquals(good, Files.readAllBytes(f));
  }
}
