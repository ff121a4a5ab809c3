package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NumPy {@code .npy}/{@code .npz}: dtypes, byte orders, Fortran order, 0-d, round trips. */
class NpyTest {
  @TempDir Path dir;

  /** A hand-made .npy file: header dict and raw data, as NumPy's format 1.0 lays them out. */
  private static byte[] npy(String descr, boolean fortran, String shape, byte[] data) {
    String dict =
        "{'descr': '"
            + descr
            + "', 'fortran_order': "
            + (fortran ? "True" : "False")
            + ", 'shape': "
            + shape
            + ", }";
    int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(header.length() & 0xff);
    out.write(header.length() >>> 8);
    out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(data);
    return out.toByteArray();
  }

  private Tensor read(byte[] bytes) throws IOException {
    Path f = dir.resolve("a.npy");
    Files.write(f, bytes);
    return Npy.read(f);
  }

  @Test
  void readsBoolArraysAsZeroAndOne() throws IOException {
    // NumPy's bool dtype '|b1': one byte per value, 0 or 1; (2, 3) in C and in Fortran order.
    byte[] bits = {1, 0, 0, 1, 1, 0};
    Tensor c = read(npy("|b1", false, "(2, 3)", bits));
    assertEquals(Shape.of(2, 3), c.shape());
    assertArrayEquals(new float[] {1, 0, 0, 1, 1, 0}, c.toArray());
    Tensor f = read(npy("|b1", true, "(2, 3)", bits));
    // Fortran order stores columns: (1, 0), (0, 1), (1, 0).
    assertArrayEquals(new float[] {1, 0, 1, 0, 1, 0}, f.toArray());
  }

  @Test
  void readsFloat64IntsBigEndianAndFortranOrder() throws IOException {
    ByteBuffer f8 = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 6; i++) {
      f8.putDouble(i + 0.5);
    }
    Tensor a = read(npy("<f8", false, "(2, 3)", f8.array()));
    assertEquals(Shape.of(2, 3), a.shape());
    assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f}, a.toArray());

    ByteBuffer i4 = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN);
    for (int i = 0; i < 6; i++) {
      i4.putInt(i - 2);
    }
    // Fortran order: the first axis varies fastest, so memory 0..5 is a[0,0], a[1,0], a[0,1], ...
    Tensor b = read(npy(">i4", true, "(2, 3)", i4.array()));
    assertArrayEquals(new float[] {-2, 0, 2, -1, 1, 3}, b.toArray());

    ByteBuffer i8 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(42);
    Tensor scalar = read(npy("<i8", false, "()", i8.array()));
    assertEquals(0, scalar.rank());
    assertEquals(42f, scalar.item());

    Tensor bytes = read(npy("|u1", false, "(3,)", new byte[] {0, 7, (byte) 255}));
    assertArrayEquals(new float[] {0, 7, 255}, bytes.toArray());
  }

  @Test
  void writesAndReadsBackIncludingNpz() {
    Tensor t = Tensor.arange(24).reshape(2, 3, 4);
    Path f = dir.resolve("t.npy");
    Npy.write(f, t);
    assertArrayEquals(t.toArray(), Npy.read(f).toArray());
    assertEquals(t.shape(), Npy.read(f).shape());
    Path s = dir.resolve("s.npy");
    Npy.write(s, Tensor.scalar(3.25f));
    assertEquals(0, Npy.read(s).rank());
    Map<String, Tensor> arrays = new LinkedHashMap<>();
    arrays.put("x", t);
    arrays.put("y", Tensor.of(1f, 2f));
    Path z = dir.resolve("d.npz");
    Npy.writeNpz(z, arrays);
    Map<String, Tensor> back = Npy.readNpz(z);
    assertEquals(arrays.keySet(), back.keySet());
    assertArrayEquals(t.toArray(), back.get("x").toArray());
  }

  @Test
  void badFilesAreNamed() throws IOException {
    Path f = dir.resolve("bad.npy");
    Files.write(f, npy("<c8", false, "(1,)", new byte[8]));
    ModelFileException e = assertThrows(ModelFileException.class, () -> Npy.read(f));
    assertTrue(e.getMessage().contains("unsupported dtype"), e.getMessage());
    Files.write(f, npy("<f4", false, "(4,)", new byte[8]));
    e = assertThrows(ModelFileException.class, () -> Npy.read(f));
    assertTrue(
        e.getMessage().startsWith(f.toString()) && e.getMessage().contains("truncated"),
        e.getMessage());
  }

  @Test
  void numpyReadsWhatWeWriteAndWeReadWhatNumpyWrites() throws Exception {
    Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import numpy").start();
    assumeTrue(
        probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
        "/usr/bin/python3 with numpy is absent: skipping the NumPy cross-check");
    Path ours = dir.resolve("ours.npy");
    Npy.write(ours, Tensor.arange(6).reshape(2, 3));
    Path theirs = dir.resolve("theirs.npz");
    String script =
        "import numpy as np, sys\n"
            + "a = np.load(sys.argv[1]); assert a.dtype == np.float32 and a.shape == (2, 3)\n"
            + "assert (a == np.arange(6).reshape(2, 3)).all()\n"
            + "np.savez(sys.argv[2], f=np.asfortranarray(np.arange(12.0).reshape(3, 4)),"
            + " i=np.arange(5, dtype=np.int64), z=np.float64(2.5))\n";
    Process p =
        new ProcessBuilder("/usr/bin/python3", "-c", script, ours.toString(), theirs.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), out);
    Map<String, Tensor> back = Npy.readNpz(theirs);
    assertArrayEquals(Tensor.arange(12).toArray(), back.get("f").toArray());
    assertEquals(Shape.of(3, 4), back.get("f").shape());
    assertArrayEquals(new float[] {0, 1, 2, 3, 4}, back.get("i").toArray());
    assertEquals(2.5f, back.get("z").item());
  }
}
