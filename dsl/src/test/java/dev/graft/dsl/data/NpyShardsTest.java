package dev.graft.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.io.Npy;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code .npy} shard sets: rows read in place, shards checked on open, bounded heap. */
class NpyShardsTest {
  @Test
  void shardsReadAsOneArrayInOrder(@TempDir Path dir) {
    Tensor a = Tensor.arange(12).reshape(4, 3);
    Tensor b = Tensor.arange(6).reshape(2, 3);
    Npy.write(dir.resolve("a.npy"), a);
    Npy.write(dir.resolve("empty.npy"), Tensor.zeros(0, 3));
    Npy.write(dir.resolve("b.npy"), b);
    Dataset<Tensor> d =
        Dataset.fromNpy(dir.resolve("a.npy"), dir.resolve("empty.npy"), dir.resolve("b.npy"));
    assertEquals(6, d.cardinality());
    List<Tensor> rows = d.toList();
    assertArrayEquals(new float[] {9, 10, 11}, rows.get(3).toArray());
    assertArrayEquals(new float[] {3, 4, 5}, rows.get(5).toArray());
    Tensor batch = d.batch(6).toList().get(0);
    assertArrayEquals(new int[] {6, 3}, batch.shape().toArray());
  }

  @Test
  void otherDtypesAndBigEndianAreConverted(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("i2.npy");
    writeRaw(f, ">i2", "(3, 2)", ByteOrder.BIG_ENDIAN, 2, new double[] {1, -2, 3, 4, 500, -600});
    List<Tensor> rows = Dataset.fromNpy(f).toList();
    assertArrayEquals(new float[] {500, -600}, rows.get(2).toArray());
  }

  @Test
  void wrongShardsAreNamedWhenOpened(@TempDir Path dir) throws IOException {
    Path good = dir.resolve("good.npy");
    Path wide = dir.resolve("wide.npy");
    Npy.write(good, Tensor.zeros(4, 3));
    Npy.write(wide, Tensor.zeros(4, 5));
    var e = assertThrows(DataException.class, () -> Dataset.fromNpy(good, wide));
    assertTrue(e.getMessage().contains("wide.npy has rows of shape (5,)"), e.getMessage());
    assertTrue(e.getMessage().contains("good.npy"), e.getMessage());

    Path cut = dir.resolve("cut.npy");
    byte[] bytes = Files.readAllBytes(good);
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 5));
    e = assertThrows(DataException.class, () -> Dataset.fromNpy(cut));
    assertTrue(e.getMessage().contains("cut.npy is cut short"), e.getMessage());

    e = assertThrows(DataException.class, () -> Dataset.fromNpy(dir.resolve("missing.npy")));
    assertTrue(e.getMessage().contains("missing.npy does not exist"), e.getMessage());

    Path text = dir.resolve("text.npy");
    Files.writeString(text, "not numpy at all");
    e = assertThrows(DataException.class, () -> Dataset.fromNpy(text));
    assertTrue(e.getMessage().contains("text.npy"), e.getMessage());

    Path strings = dir.resolve("strings.npy");
    writeRaw(strings, "<U4", "(2,)", ByteOrder.LITTLE_ENDIAN, 16, new double[0]);
    e = assertThrows(DataException.class, () -> Dataset.fromNpy(strings));
    assertTrue(e.getMessage().contains("strings.npy holds dtype"), e.getMessage());
  }

  /**
   * Trains from 256 MB of shards in a JVM with a 64 MB heap: the rows are read from the mapped
   * files on demand, so the heap holds only the batches in flight.
   */
  @Test
  void trainsFromShardsLargerThanTheHeap(@TempDir Path dir) throws Exception {
    int features = 256;
    int rowsPerShard = 32_768; // 32 MB of float32 per x shard
    int shards = 8;
    for (int s = 0; s < shards; s++) {
      writeShard(dir.resolve(String.format("x-%02d.npy", s)), rowsPerShard, features, s);
      writeShard(dir.resolve(String.format("y-%02d.npy", s)), rowsPerShard, 1, s);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:+UseSerialGC"));
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            ShardTraining.class.getName(),
            dir.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    System.out.println("bounded-heap run: " + out.strip());
    assertEquals(0, code, out);
    Matcher m = Pattern.compile("rows=(\\d+) peakHeapMB=([\\d.]+)").matcher(out);
    assertTrue(m.find(), out);
    assertEquals((long) rowsPerShard * shards, Long.parseLong(m.group(1)), out);
    assertTrue(Double.parseDouble(m.group(2)) <= 64, out);
  }

  /** A float32 shard of {@code rows x cols}, written in blocks so this JVM's heap stays small. */
  static void writeShard(Path f, int rows, int cols, int seed) throws IOException {
    String shape = cols == 1 ? "(" + rows + ", 1)" : "(" + rows + ", " + cols + ")";
    try (OutputStream out = Files.newOutputStream(f)) {
      out.write(header("<f4", shape));
      ByteBuffer block = ByteBuffer.allocate(4 * cols * 1024).order(ByteOrder.LITTLE_ENDIAN);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          block.putFloat(((r * 31 + c * 7 + seed) % 97) / 97f);
        }
        if (!block.hasRemaining() || r == rows - 1) {
          out.write(block.array(), 0, block.position());
          block.clear();
        }
      }
    }
  }

  private static byte[] header(String descr, String shape) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int unpadded = 10 + dict.length() + 1;
    String h = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + h.length()).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.putShort((short) h.length());
    b.put(h.getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }

  private static void writeRaw(
      Path f, String descr, String shape, ByteOrder order, int size, double[] values)
      throws IOException {
    ByteBuffer data = ByteBuffer.allocate(Math.max(size * 2, values.length * size)).order(order);
    for (double v : values) {
      data.putShort((short) v);
    }
    try (OutputStream out = Files.newOutputStream(f)) {
      out.write(header(descr, shape));
      out.write(data.array());
    }
  }
}
