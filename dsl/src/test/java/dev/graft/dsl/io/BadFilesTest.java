package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loadWeights} reads every format that holds weights, and files or paths of the wrong kind
 * give one {@link ModelFileException} naming the file and the problem, changing nothing.
 */
class BadFilesTest {
  @TempDir Path dir;

  private static Model small(long seed, int units) {
    seed(seed);
    var in = input(4);
    return model(in, dense(2).on(dense(units).activation("relu").on(in)));
  }

  private static void assertSameWeights(Model a, Model b) {
    List<Tensor> x = a.getWeights();
    List<Tensor> y = b.getWeights();
    assertEquals(x.size(), y.size());
    for (int i = 0; i < x.size(); i++) {
      assertArrayEquals(x.get(i).toArray(), y.get(i).toArray(), "weight " + i);
    }
  }

  private static ModelFileException fails(Path f, Executable call, String... fragments) {
    ModelFileException e = assertThrows(ModelFileException.class, call);
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    for (String s : fragments) {
      assertTrue(e.getMessage().contains(s), "missing \"" + s + "\" in: " + e.getMessage());
    }
    return e;
  }

  /** Fails as {@link #fails} and checks {@code m}'s weights did not change. */
  private static void failsUnchanged(Model m, Path f, String... fragments) {
    List<Tensor> before = m.getWeights();
    fails(f, () -> m.loadWeights(f), fragments);
    List<Tensor> after = m.getWeights();
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i).toArray(), after.get(i).toArray());
    }
  }

  @Test
  void loadWeightsReadsTheWeightsInsideAKerasArchive() {
    Model saved = small(1, 3);
    saved.compile(adam(), "mse");
    saved.trainOnBatch(Tensor.rand(4, 4), Tensor.rand(4, 2));
    Path k = dir.resolve("m.keras");
    saved.save(k);
    Model target = small(2, 3);
    target.loadWeights(k);
    assertSameWeights(saved, target);
  }

  @Test
  void loadWeightsReadsATensorFlowJsModelJson() throws IOException {
    Path seed = Fixtures.shared("reference/models/seed3_average_ensemble");
    Path json = seed.resolve("model.json");
    Model reference = Model.load(json);
    Model target = Model.load(json);
    List<Tensor> zeros =
        target.getWeights().stream().map(t -> Tensor.zeros(t.shape().toArray())).toList();
    target.setWeights(zeros);
    target.loadWeights(json);
    assertSameWeights(reference, target);
  }

  @Test
  void aMissingWeightsShardIsNamedAndAnEmptyFileIsNoFormat() throws IOException {
    Path seed = Fixtures.shared("reference/models/seed3_average_ensemble");
    Model target = Model.load(seed.resolve("model.json"));
    Path alone = Files.createDirectory(dir.resolve("alone")).resolve("model.json");
    Files.copy(seed.resolve("model.json"), alone);
    String shard = alone.getParent().resolve("weights.bin").toString();
    fails(alone, () -> Model.load(alone), "the file it refers to is missing: " + shard);
    failsUnchanged(target, alone, "the file it refers to is missing: " + shard);

    Path empty = Files.write(dir.resolve("empty.weights.h5"), new byte[0]);
    failsUnchanged(target, empty, "unknown format");
  }

  private Path zip(String name, Map<String, byte[]> entries) throws IOException {
    Path out = dir.resolve(name);
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
  void anArchiveWithoutConfigOrWeightsIsNamedAsSuch() throws IOException {
    Model m = small(1, 3);
    Path k = dir.resolve("m.keras");
    m.save(k);
    Map<String, byte[]> noConfig = new TreeMap<>(KerasArchive.entries(k));
    noConfig.remove("config.json");
    Path a = zip("noconfig.keras", noConfig);
    fails(a, () -> Model.load(a), "not a Keras archive: no config.json", "model.weights.h5");
    m.loadWeights(a); // loadWeights needs only the weights

    Map<String, byte[]> noWeights = new TreeMap<>(KerasArchive.entries(k));
    noWeights.remove("model.weights.h5");
    Path b = zip("noweights.keras", noWeights);
    fails(b, () -> Model.load(b), "not a Keras archive: no model.weights.h5");
    failsUnchanged(small(3, 3), b, "not a Keras archive: no model.weights.h5");
  }

  @Test
  void truncatedFilesAreReportedAsSuchAndChangeNothing() throws IOException {
    Model m = small(1, 3);
    Path w = dir.resolve("m.weights.h5");
    m.saveWeights(w);
    byte[] all = Files.readAllBytes(w);
    for (int keep : new int[] {all.length - 1, all.length / 2, 100, 8}) {
      Path cut = dir.resolve("cut" + keep + ".weights.h5");
      Files.write(cut, Arrays.copyOf(all, keep));
      failsUnchanged(small(2, 3), cut, "corrupted");
    }
    Path k = dir.resolve("m.keras");
    m.save(k);
    byte[] archive = Files.readAllBytes(k);
    Path cut = dir.resolve("cut.keras");
    Files.write(cut, Arrays.copyOf(archive, archive.length * 2 / 3));
    fails(cut, () -> Model.load(cut), "truncated or corrupted");
    failsUnchanged(small(2, 3), cut, "truncated or corrupted");
  }

  @Test
  void aWeightOfTheWrongTypeOrShapeIsNamed() throws IOException {
    Model m = small(1, 3);
    String kernel = m.layers().get(1).weights().get(0).name();
    String group = "layers/dense/vars"; // Keras names the path after the class, not the layer

    H5.Tree booleans = KerasWeights.tree(m, false);
    booleans
        .group(group)
        .datasets
        .put(
            "0",
            new boolean[][] {
              {true, false, true}, {true, false, true}, {true, false, true}, {true, false, true}
            });
    booleans.group(group).datasetAttributes.remove("0");
    Path s = dir.resolve("booleans.weights.h5");
    H5.write(s, booleans);
    failsUnchanged(
        m, s, "weight " + group + "/0 (for " + kernel + ") holds boolean values, not numbers");

    H5.Tree scalar = KerasWeights.tree(m, false);
    scalar.group(group).datasets.put("0", Float.valueOf(1));
    scalar.group(group).datasetAttributes.remove("0");
    Path sc = dir.resolve("scalar.weights.h5");
    H5.write(sc, scalar);
    failsUnchanged(m, sc, "has shape ()", "needs (4, 3)");

    // Integers are numbers: they load as floats, as Keras assigns them.
    H5.Tree ints = KerasWeights.tree(m, false);
    ints.group(group).datasets.put("0", new int[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {1, 2, 3}});
    ints.group(group).datasetAttributes.remove("0");
    Path i = dir.resolve("ints.weights.h5");
    H5.write(i, ints);
    m.loadWeights(i);
    assertArrayEquals(
        new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3},
        m.layers().get(1).weights().get(0).value().toArray());
  }

  @Test
  void aDirectoryIsNotAFile() throws IOException {
    Path d = Files.createDirectory(dir.resolve("folder.keras"));
    Model m = small(1, 3);
    fails(d, () -> Model.load(d), "it is a directory");
    fails(d, () -> m.loadWeights(d), "it is a directory");
    fails(d, () -> m.save(d), "it is a directory");
    fails(d, () -> m.saveWeights(d), "it is a directory");
    assertTrue(Files.isDirectory(d));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(d), s.toList(), "nothing else written");
    }
  }

  @Test
  void aMissingFolderIsNamed() {
    Path f = dir.resolve("missing").resolve("m.keras");
    Model m = small(1, 3);
    ModelFileException e =
        fails(f, () -> m.save(f), "the folder " + f.getParent() + " does not exist");
    assertTrue(!e.getMessage().contains("graft-tmp"), e.getMessage());
    fails(f, () -> m.saveWeights(f), "does not exist");
  }

  @Test
  void aReadOnlyFolderIsNamed() throws IOException {
    assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "not POSIX");
    Path ro = Files.createDirectory(dir.resolve("ro"));
    Path f = ro.resolve("m.keras");
    Model m = small(1, 3);
    m.save(f);
    byte[] good = Files.readAllBytes(f);
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      boolean enforced;
      try {
        Files.delete(Files.createFile(ro.resolve("probe")));
        enforced = false;
      } catch (IOException e) {
        enforced = true;
      }
      assumeTrue(enforced, "permissions are not enforced for this user (root)");
      Model other = small(2, 3);
      fails(f, () -> other.save(f), "permission denied", "is the folder " + ro + " writable?");
      assertArrayEquals(good, Files.readAllBytes(f));
    } finally {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
