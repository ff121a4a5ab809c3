package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.graft.autograd.Variable;
import dev.graft.dsl.Model;
import dev.graft.layers.Dense;
import dev.graft.layers.Lstm;
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

  /**
   * Skips without h5py, except where {@code GRAFT_REQUIRE_H5PY=1} ({@code .ci/run} sets it after
   * installing Debian's python3-h5py): there a missing h5py fails the test.
   */
  private static void requireH5py() {
    if (h5pyPresent()) {
      return;
    }
    String why = "/usr/bin/python3 with h5py is absent (Debian: apt-get install python3-h5py)";
    if ("1".equals(System.getenv("GRAFT_REQUIRE_H5PY"))) {
      fail(why + ", but GRAFT_REQUIRE_H5PY=1");
    }
    abort(why + ": skipping the h5py check");
  }

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

  /** The sample model and the layers whose weights the expected tree names. */
  private record Sample(Model model, Dense innerDense, Lstm lstm, Dense mid, Dense head) {}

  private static Sample sample() {
    seed(11);
    var in = input(6);
    Dense innerDense = dense(4).activation("relu");
    Model inner = model(in, innerDense.on(in));
    var x = input("x", 6);
    Lstm lstm = lstm(3);
    var h = lstm.on(repeatVector(2).on(inner.on(x)));
    Dense mid = dense(2);
    Dense head = dense(1);
    Model m = model(x, head.on(mid.on(dropout(0.2).on(flatten().on(h)))));
    m.compile(adam(), "mse");
    m.trainOnBatch(Tensor.rand(4, 6), Tensor.rand(4, 1));
    return new Sample(m, innerDense, lstm, mid, head);
  }

  private static String line(String path, Variable v) throws Exception {
    return path + " " + dims(v.value()) + " f " + sha(v.value());
  }

  /**
   * The tree Keras 3's {@code saving_lib} writes for {@link #sample}, written out by hand: each
   * object's variables in {@code <path>/vars/<index>} (a group even when empty), children of a
   * layer list under {@code layers/<snake_case class name>} numbered per class within the list
   * ({@code dense}, {@code dense_1}, ...), a Functional model's InputLayer among its layers, an
   * RNN's cell as {@code cell}, the optimizer's variables as {@code optimizer/vars/<i>}
   * (iterations, learning_rate, then m and v of each trainable weight in turn), and an empty {@code
   * vars} for the model itself. The real Keras 3.8 and 3.10 files in {@code
   * ../shared/fixtures/keras} have this shape ({@code layers/lstm/cell/vars/0..2}, {@code
   * layers/conv2d_1/vars/0..1}, {@code optimizer/vars/0} an int64 scalar).
   */
  private static List<String> kerasLayout(Sample s) throws Exception {
    List<String> want = new ArrayList<>();
    for (String group :
        List.of(
            "layers",
            "layers/input_layer",
            "layers/input_layer/vars",
            "layers/functional",
            "layers/functional/layers",
            "layers/functional/layers/input_layer",
            "layers/functional/layers/input_layer/vars",
            "layers/functional/layers/dense",
            "layers/functional/layers/dense/vars",
            "layers/functional/vars",
            "layers/repeat_vector",
            "layers/repeat_vector/vars",
            "layers/lstm",
            "layers/lstm/vars",
            "layers/lstm/cell",
            "layers/lstm/cell/vars",
            "layers/flatten",
            "layers/flatten/vars",
            "layers/dropout",
            "layers/dropout/vars",
            "layers/dense",
            "layers/dense/vars",
            "layers/dense_1",
            "layers/dense_1/vars",
            "optimizer",
            "optimizer/vars",
            "vars")) {
      want.add(group + "/");
    }
    List<Variable> dense = s.innerDense().weights(); // kernel, bias
    List<Variable> cell = s.lstm().weights(); // kernel, recurrent_kernel, bias
    List<Variable> mid = s.mid().weights();
    List<Variable> head = s.head().weights();
    want.add(line("layers/functional/layers/dense/vars/0", dense.get(0)));
    want.add(line("layers/functional/layers/dense/vars/1", dense.get(1)));
    want.add(line("layers/lstm/cell/vars/0", cell.get(0)));
    want.add(line("layers/lstm/cell/vars/1", cell.get(1)));
    want.add(line("layers/lstm/cell/vars/2", cell.get(2)));
    want.add(line("layers/dense/vars/0", mid.get(0)));
    want.add(line("layers/dense/vars/1", mid.get(1)));
    want.add(line("layers/dense_1/vars/0", head.get(0)));
    want.add(line("layers/dense_1/vars/1", head.get(1)));
    assertEquals("[6, 4]", dims(dense.get(0).value())); // Keras: kernel (in, units)
    assertEquals("[4, 12]", dims(cell.get(0).value()));
    // Optimizer slots: their shapes (values depend on Adam's arithmetic, checked elsewhere).
    want.add("optimizer/vars/0 [] i " + shaLong(1)); // iterations after one step
    want.add("optimizer/vars/1 [] f");
    List<Variable> trainable = new ArrayList<>(dense);
    trainable.addAll(cell);
    trainable.addAll(mid);
    trainable.addAll(head);
    int slot = 2;
    for (Variable v : trainable) {
      for (int k = 0; k < 2; k++) {
        want.add("optimizer/vars/" + slot++ + " " + dims(v.value()) + " f");
      }
    }
    return want.stream().sorted().toList();
  }

  @Test
  void h5pyFindsKerasLayoutInOurKerasFile() throws Exception {
    requireH5py();
    Sample s = sample();
    Path keras = dir.resolve("m.keras");
    s.model().save(keras);
    Map<String, byte[]> entries = KerasArchive.entries(keras);
    Path h5 = dir.resolve("model.weights.h5");
    Files.write(h5, entries.get("model.weights.h5"));
    List<String> got = new ArrayList<>();
    for (String l : dump(h5)) {
      // Optimizer slots other than iterations: path, shape and kind only.
      boolean slot =
          l.startsWith("optimizer/vars/") && l.contains(" ") && !l.startsWith("optimizer/vars/0 ");
      got.add(slot ? l.substring(0, l.lastIndexOf(' ')) : l);
    }
    assertEquals(kerasLayout(s), got.stream().sorted().toList());
  }

  private static String dims(Tensor t) {
    return java.util.Arrays.toString(t.shape().toArray());
  }

  @Test
  void h5pyReadsOurWeightsOnlyFile() throws Exception {
    requireH5py();
    Model m = sample().model();
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
