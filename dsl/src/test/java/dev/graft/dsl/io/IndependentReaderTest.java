package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HDF5 files Graft writes (through jhdf, with its workaround) are read by h5py (the HDF5 C
 * library) with the same paths, shapes and bit-identical values. Skips when {@code
 * /usr/bin/python3} has no h5py (Debian: {@code apt-get install python3-h5py}).
 */
class IndependentReaderTest {
  @TempDir Path dir;

  private static final String DUMP =
      "import sys, h5py, hashlib, numpy as np\n"
          + "f = h5py.File(sys.argv[1], 'r')\n"
          + "def show(name, obj):\n"
          + "    if isinstance(obj, h5py.Dataset):\n"
          + "        a = np.asarray(obj[()])\n"
          + "        if a.dtype.kind == 'f': a = a.astype('<f4')\n"
          + "        else: a = a.astype('<i8')\n"
          + "        print(name, list(obj.shape), a.dtype.kind, hashlib.sha256(a.tobytes()).hexdigest())\n"
          + "    else:\n"
          + "        print(name + '/')\n"
          + "f.visititems(show)\n";

  private static boolean h5pyPresent() {
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

  private static List<String> dump(Path h5) throws Exception {
    Process p =
        new ProcessBuilder("/usr/bin/python3", "-c", DUMP, h5.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), "h5py failed to read " + h5 + ":\n" + out);
    return out.lines().sorted().toList();
  }

  private static String sha(Tensor t) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < t.size(); i++) {
      b.putFloat(t.getFlat(i));
    }
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
  }

  private static String shaLong(long v) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
  }

  /** The lines h5py should print for a tree. */
  private static List<String> expected(H5.Tree t, String prefix, List<String> out)
      throws Exception {
    for (Map.Entry<String, H5.Tree> g : t.groups.entrySet()) {
      out.add(prefix + g.getKey() + "/");
      expected(g.getValue(), prefix + g.getKey() + "/", out);
    }
    return out;
  }

  private static Model sample() {
    seed(11);
    var in = input(6);
    Model inner = model(in, dense(4).activation("relu").on(in));
    var x = input("x", 6);
    var h = lstm(3).on(repeatVector(2).on(inner.on(x)));
    Model m = model(x, dense(1).on(dropout(0.2).on(flatten().on(h))));
    m.compile(adam(), "mse");
    m.trainOnBatch(Tensor.rand(4, 6), Tensor.rand(4, 1));
    return m;
  }

  @Test
  void h5pyReadsOurKerasWeightsBitForBit() throws Exception {
    assumeTrue(h5pyPresent(), "/usr/bin/python3 with h5py is absent: skipping the h5py check");
    Model m = sample();
    Path keras = dir.resolve("m.keras");
    m.save(keras);
    Map<String, byte[]> entries = KerasArchive.entries(keras);
    Path h5 = dir.resolve("model.weights.h5");
    Files.write(h5, entries.get("model.weights.h5"));
    List<String> got = dump(h5);

    H5.Tree tree = KerasWeights.tree(m, true);
    List<String> want = new ArrayList<>(expected(tree, "", new ArrayList<>()));
    Map<String, String> datasets = new TreeMap<>();
    collect(tree, "", datasets);
    for (Map.Entry<String, String> e : datasets.entrySet()) {
      want.add(e.getKey() + " " + e.getValue());
    }
    assertEquals(want.stream().sorted().toList(), got);
  }

  private static void collect(H5.Tree t, String prefix, Map<String, String> out) throws Exception {
    for (Map.Entry<String, Object> d : t.datasets.entrySet()) {
      String name = prefix + d.getKey();
      if (d.getValue() instanceof Long v) {
        out.put(name, "[] i " + shaLong(v));
      } else {
        Tensor value = valueOf(d.getValue());
        out.put(name, dims(value) + " f " + sha(value));
      }
    }
    for (Map.Entry<String, H5.Tree> g : t.groups.entrySet()) {
      collect(g.getValue(), prefix + g.getKey() + "/", out);
    }
  }

  private static String dims(Tensor t) {
    return java.util.Arrays.toString(t.shape().toArray());
  }

  /** Flattens the nested float arrays handed to jhdf back into a tensor. */
  private static Tensor valueOf(Object nested) {
    if (nested instanceof Float f) {
      return Tensor.wrap(new float[] {f}, 0, dev.graft.tensor.Shape.of());
    }
    List<Integer> dims = new ArrayList<>();
    Object o = nested;
    while (o.getClass().isArray()) {
      dims.add(java.lang.reflect.Array.getLength(o));
      if (o instanceof float[]) {
        break;
      }
      o = java.lang.reflect.Array.get(o, 0);
    }
    List<Float> flat = new ArrayList<>();
    flattenInto(nested, flat);
    float[] v = new float[flat.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = flat.get(i);
    }
    return Tensor.wrap(v, 0, dev.graft.tensor.Shape.of(dims.stream().mapToInt(i -> i).toArray()));
  }

  private static void flattenInto(Object o, List<Float> out) {
    if (o instanceof float[] f) {
      for (float x : f) {
        out.add(x);
      }
      return;
    }
    for (int i = 0; i < java.lang.reflect.Array.getLength(o); i++) {
      flattenInto(java.lang.reflect.Array.get(o, i), out);
    }
  }

  @Test
  void h5pyReadsOurWeightsOnlyFile() throws Exception {
    assumeTrue(h5pyPresent(), "/usr/bin/python3 with h5py is absent: skipping the h5py check");
    Model m = sample();
    Path f = dir.resolve("m.weights.h5");
    m.saveWeights(f);
    List<String> got = dump(f);
    String kernelPath = "layers/dense/vars/0";
    String want =
        kernelPath
            + " "
            + dims(m.weights().get(0).value())
            + " f "
            + sha(m.weights().get(0).value());
    assertEquals(
        1, got.stream().filter(l -> l.startsWith("layers/functional/" + kernelPath)).count());
    assertEquals(
        List.of("layers/functional/" + want),
        got.stream().filter(l -> l.startsWith("layers/functional/" + kernelPath)).toList());
    assertEquals(0, got.stream().filter(l -> l.startsWith("optimizer")).count());
  }
}
