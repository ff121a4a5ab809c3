package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.autograd.Variable;
import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every weight Graft writes carries a CRC-32C ({@link Checksums}); a corrupted file fails to load
 * with a message naming the weight, and single bit flips anywhere in a saved file are either
 * detected or provably harmless (the loaded values are bit-identical).
 */
class WeightChecksumTest {
  @TempDir Path dir;

  private static Model small(long seed) {
    seed(seed);
    var in = input(4);
    return model(in, dense(2).on(dense(3).activation("relu").on(in)));
  }

  private static Model trained() {
    Model m = small(3);
    m.compile(adam(), "mse");
    m.trainOnBatch(Tensor.rand(8, 4), Tensor.rand(8, 2));
    return m;
  }

  private static int[] bits(Tensor t) {
    int[] out = new int[t.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Float.floatToRawIntBits(t.getFlat(i));
    }
    return out;
  }

  private static List<int[]> weightBits(Model m) {
    List<int[]> out = new ArrayList<>();
    for (Tensor t : m.getWeights()) {
      out.add(bits(t));
    }
    return out;
  }

  private static boolean sameBits(List<int[]> a, List<int[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!java.util.Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The byte offset of a float's little-endian bytes in {@code file}, or -1. */
  private static int offsetOf(byte[] file, float value) {
    byte[] le = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array();
    outer:
    for (int i = 0; i + 4 <= file.length; i++) {
      for (int k = 0; k < 4; k++) {
        if (file[i + k] != le[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void everyWeightCarriesItsChecksum() throws IOException {
    Model m = trained();
    Path f = dir.resolve("m.weights.h5");
    m.saveWeights(f);
    Path k = dir.resolve("m.keras");
    m.save(k);
    try (HdfFile h5 = new HdfFile(f);
        HdfFile inner = HdfFile.fromBytes(KerasArchive.entries(k).get("model.weights.h5"))) {
      List<Dataset> plain = datasets(h5);
      assertEquals(4, plain.size());
      List<Dataset> archived = datasets(inner);
      // 4 weights, iterations, learning rate and Adam's 2 slots per trainable weight.
      assertEquals(4 + 2 + 8, archived.size());
      for (Dataset d : plain) {
        Object crc = d.getAttribute(Checksums.ATTRIBUTE).getData();
        String path = d.getPath().substring(1);
        assertEquals(Checksums.of(path, (float[]) d.getDataFlat()), ((Number) crc).longValue());
      }
      for (Dataset d : archived) {
        assertNotNull(d.getAttribute(Checksums.ATTRIBUTE), d.getPath());
      }
    }
  }

  private static List<Dataset> datasets(Group g) {
    List<Dataset> out = new ArrayList<>();
    for (Node n : g.getChildren().values()) {
      if (n instanceof Dataset d) {
        out.add(d);
      } else if (n instanceof Group c) {
        out.addAll(datasets(c));
      }
    }
    return out;
  }

  @Test
  void aChangedWeightIsNamedAndNothingLoads() throws IOException {
    Model m = small(1);
    Path f = dir.resolve("m.weights.h5");
    m.saveWeights(f);
    byte[] bytes = Files.readAllBytes(f);
    // An element of the second Dense layer's kernel (a random value: it occurs once in the file).
    Variable kernel = m.layers().get(2).weights().get(0);
    int at = offsetOf(bytes, kernel.value().getFlat(5));
    assertTrue(at > 0, "the kernel value is stored little-endian in the file");
    bytes[at] ^= 1;
    Path bad = dir.resolve("bad.weights.h5");
    Files.write(bad, bytes);

    Model other = small(2);
    List<int[]> before = weightBits(other);
    ModelFileException e = assertThrows(ModelFileException.class, () -> other.loadWeights(bad));
    String name = other.layers().get(2).weights().get(0).name();
    assertTrue(
        e.getMessage().contains("weight \"" + name + "\" (layers/dense_1/vars/0)")
            && e.getMessage().contains("fails its checksum: the file is corrupted"),
        e.getMessage());
    assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    assertTrue(sameBits(before, weightBits(other)), "a failed load changes nothing");
  }

  /**
   * 400 single-bit flips spread over a saved {@code .weights.h5}: each gives an error or weights
   * bit-identical to the saved ones. Without checksums, flips in the data region load changed
   * weights silently (the mutation tried: not writing the attribute; 26 of 400 flips then load
   * changed weights).
   */
  @Test
  void everyBitFlipInAWeightsFileIsDetectedOrHarmless() {
    assertTimeoutPreemptively(Duration.ofMinutes(5), () -> sweepWeightsFile(400));
  }

  private void sweepWeightsFile(int flips) throws IOException {
    Model m = small(1);
    Path f = dir.resolve("m.weights.h5");
    m.saveWeights(f);
    List<int[]> saved = weightBits(m);
    byte[] original = Files.readAllBytes(f);
    Path g = dir.resolve("flipped.weights.h5");
    Model target = small(2);
    List<int[]> targetBefore = weightBits(target);
    int detected = 0;
    int harmless = 0;
    List<String> silent = new ArrayList<>();
    Random rnd = new Random(20261204L);
    long totalBits = 8L * original.length;
    for (int i = 0; i < flips; i++) {
      long bit = i * totalBits / flips + (long) (rnd.nextDouble() * (totalBits / flips));
      byte[] b = original.clone();
      b[(int) (bit / 8)] ^= (byte) (1 << (bit % 8));
      Files.write(g, b);
      try {
        target.loadWeights(g);
        if (sameBits(saved, weightBits(target))) {
          harmless++;
        } else {
          silent.add("bit " + bit);
        }
        target.setWeights(tensors(targetBefore, target));
      } catch (ModelFileException e) {
        detected++;
        assertTrue(sameBits(targetBefore, weightBits(target)), "a failed load changed the model");
      }
    }
    System.out.printf(
        "weights file of %d bytes: %d flips detected, %d harmless, %d silent%n",
        original.length, detected, harmless, silent.size());
    assertEquals(List.of(), silent, "flips that changed weights silently");
    assertEquals(flips, detected + harmless);
    assertTrue(detected > flips / 10, "detected " + detected + ", harmless " + harmless);
  }

  private static List<Tensor> tensors(List<int[]> bits, Model like) {
    List<Tensor> shapes = like.getWeights();
    List<Tensor> out = new ArrayList<>();
    for (int i = 0; i < bits.size(); i++) {
      float[] v = new float[bits.get(i).length];
      for (int k = 0; k < v.length; k++) {
        v[k] = Float.intBitsToFloat(bits.get(i)[k]);
      }
      out.add(Tensor.wrap(v, 0, shapes.get(i).shape()));
    }
    return out;
  }

  /**
   * 400 flips over a saved {@code .keras} archive (weights, optimizer state, config JSON, zip
   * headers): each gives an error, or a model whose weights, optimizer state and config are those
   * saved. The zip's own CRC guards the entries: the JDK's reader checks it as it reads.
   */
  @Test
  void everyBitFlipInAnArchiveIsDetectedOrHarmless() {
    assertTimeoutPreemptively(Duration.ofMinutes(5), () -> sweepArchive(400));
  }

  private void sweepArchive(int flips) throws IOException {
    Model m = trained();
    Path f = dir.resolve("m.keras");
    m.save(f);
    Model reference = Model.load(f);
    String config = Json.write(ConfigWriter.model(reference));
    List<int[]> saved = weightBits(reference);
    List<int[]> slots = slotBits(reference);
    long iterations = reference.optimizer().iterations();
    byte[] original = Files.readAllBytes(f);
    Path g = dir.resolve("flipped.keras");
    int detected = 0;
    List<String> silent = new ArrayList<>();
    Random rnd = new Random(1204L);
    long totalBits = 8L * original.length;
    for (int i = 0; i < flips; i++) {
      long bit = i * totalBits / flips + (long) (rnd.nextDouble() * (totalBits / flips));
      byte[] b = original.clone();
      b[(int) (bit / 8)] ^= (byte) (1 << (bit % 8));
      Files.write(g, b);
      Model back;
      try {
        back = Model.load(g);
      } catch (ModelFileException e) {
        detected++;
        continue;
      }
      boolean same =
          sameBits(saved, weightBits(back))
              && config.equals(Json.write(ConfigWriter.model(back)))
              && back.optimizer() != null
              && back.optimizer().iterations() == iterations
              && sameBits(slots, slotBits(back));
      if (!same) {
        silent.add("bit " + bit);
      }
    }
    System.out.printf(
        ".keras file of %d bytes: %d flips detected, %d harmless, %d silent%n",
        original.length, detected, flips - detected - silent.size(), silent.size());
    assertEquals(List.of(), silent, "flips that changed the model silently");
    assertTrue(detected > flips / 2, "detected " + detected);
  }

  private static List<int[]> slotBits(Model m) {
    List<int[]> out = new ArrayList<>();
    for (Variable v : m.trainableWeights()) {
      for (Tensor s : m.optimizer().slots(v)) {
        out.add(bits(s));
      }
    }
    return out;
  }

  @Test
  void aFlipInTheArchivedConfigIsAClearError() throws IOException {
    Model m = trained();
    Path f = dir.resolve("m.keras");
    m.save(f);
    byte[] b = Files.readAllBytes(f);
    String text = new String(b, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\"units\": 3");
    assertTrue(at > 0);
    b[at + 9] ^= 4; // 3 -> 7 units: valid JSON, a different model
    Path bad = dir.resolve("bad.keras");
    Files.write(bad, b);
    ModelFileException e = assertThrows(ModelFileException.class, () -> Model.load(bad));
    assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
  }

  @Test
  void kerasFilesWithoutChecksumsLoadAsBefore() {
    Path legacy = Fixtures.shared("fixtures/keras").resolve("dl4j_cnn_batch_norm.h5");
    Model m = Model.load(legacy);
    assertTrue(m.countParams() > 0);
  }

  private static final String KERAS_READ =
      "import sys, h5py, numpy as np\n"
          + "T = []\n"
          + "for n in range(256):\n"
          + "    c = n\n"
          + "    for _ in range(8): c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1\n"
          + "    T.append(c)\n"
          + "def crc32c(data):\n"
          + "    c = 0xFFFFFFFF\n"
          + "    for x in data: c = T[(c ^ x) & 0xFF] ^ (c >> 8)\n"
          + "    return c ^ 0xFFFFFFFF\n"
          + "f = h5py.File(sys.argv[1], 'r')\n"
          + "checked = 0\n"
          + "def visit(name, obj):\n"
          + "    global checked\n"
          + "    if isinstance(obj, h5py.Group) and name.endswith('vars'):\n"
          + "        keys = sorted(obj.keys(), key=int)\n"
          + "        assert keys == [str(i) for i in range(len(obj))], keys\n"
          + "        for k in keys:\n"
          + "            v = obj[k]\n"
          + "            # What Keras's H5Entry.__getitem__ reads: the dataset and its 'dtype' attr.\n"
          + "            assert 'dtype' not in v.attrs\n"
          + "            a = np.array(v)\n"
          + "            raw = a.astype('<i8' if a.dtype.kind == 'i' else '<f4').tobytes()\n"
          + "            want = int(v.attrs['graft_crc32c'])\n"
          + "            assert crc32c(v.name[1:].encode() + b'\\0' + raw) == want, v.name\n"
          + "            checked += 1\n"
          + "f.visititems(visit)\n"
          + "print('checked', checked)\n";

  /**
   * h5py (the HDF5 C library) reads the files as Keras's loader does (dataset keys {@code 0..n-1}
   * in each {@code vars} group, no {@code dtype} attribute to reinterpret them) and recomputes
   * every checksum with an independent CRC-32C. Skips without h5py ({@code apt-get install
   * python3-h5py}).
   */
  @Test
  void h5pyReadsTheFilesAndAgreesWithTheChecksums() throws Exception {
    assumeTrue(h5py(), "python3 with h5py is absent");
    Model m = trained();
    Path f = dir.resolve("m.weights.h5");
    m.saveWeights(f);
    Path k = dir.resolve("m.keras");
    m.save(k);
    Path inner = dir.resolve("inner.h5");
    Files.write(inner, KerasArchive.entries(k).get("model.weights.h5"));
    assertEquals("checked 4", python(KERAS_READ, f));
    assertEquals("checked 14", python(KERAS_READ, inner));
  }

  static boolean h5py() {
    try {
      Process p =
          new ProcessBuilder("/usr/bin/python3", "-c", "import h5py")
              .redirectErrorStream(true)
              .start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String python(String script, Path file) throws Exception {
    Process p =
        new ProcessBuilder("/usr/bin/python3", "-c", script, file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void theChecksumCoversThePath() {
    float[] v = {1, 2, 3};
    assertTrue(Checksums.of("layers/dense/vars/0", v) != Checksums.of("layers/dense/vars/1", v));
    assertArrayEquals(v, new float[] {1, 2, 3});
  }
}
