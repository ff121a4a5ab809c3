package dev.graft.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text folders, text lines and IDX files. */
class TextAndIdxTest {
  @Test
  void textFolderBatchesTextsWithLabels(@TempDir Path dir) throws IOException {
    for (int i = 0; i < 5; i++) {
      Files.createDirectories(dir.resolve("neg"));
      Files.createDirectories(dir.resolve("pos"));
      Files.writeString(dir.resolve("neg/" + i + ".txt"), "bad film number " + i);
      Files.writeString(dir.resolve("pos/" + i + ".txt"), "good film number " + i);
    }
    Files.writeString(dir.resolve("pos/readme.md"), "not a .txt: not read");
    TextFolder opts = TextFolder.from(dir).batchSize(4).shuffle(false).maxLength(8).verbose(false);
    assertEquals(List.of("neg", "pos"), opts.classNames());
    List<TextBatch> batches = opts.dataset().toList();
    assertEquals(3, batches.size());
    assertArrayEquals(
        new String[] {"bad film", "bad film", "bad film", "bad film"}, batches.get(0).texts());
    assertArrayEquals(new float[] {0, 1, 1, 1}, batches.get(1).labels().toArray());
    // to model inputs through any String[] -> Tensor function (a TextVectorization's apply)
    List<Tensor> xy = batches.get(0).vectorized(t -> Tensor.full(t.length, t.length, 1));
    assertArrayEquals(new int[] {4, 1}, xy.get(0).shape().toArray());

    List<Dataset<TextBatch>> both =
        TextFolder.from(dir)
            .batchSize(3)
            .validationSplit(0.2)
            .subset("both")
            .seed(1)
            .verbose(false)
            .datasets();
    List<String> train = new ArrayList<>();
    both.get(0).forEach(b -> train.addAll(Arrays.asList(b.texts())));
    List<String> val = new ArrayList<>();
    both.get(1).forEach(b -> val.addAll(Arrays.asList(b.texts())));
    assertEquals(8, train.size());
    assertEquals(2, val.size());
    val.forEach(v -> assertTrue(!train.contains(v), v));

    var e = assertThrows(DataException.class, () -> TextFolder.from(dir.resolve("x")).dataset());
    assertTrue(e.getMessage().contains("text_dataset_from_directory: directory"), e.getMessage());
  }

  @Test
  void textLinesReadPlainAndGzipFilesInOrder(@TempDir Path dir) throws IOException {
    Path a = dir.resolve("a.txt");
    Files.writeString(a, "one\ntwo\n");
    Path b = dir.resolve("b.txt.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(b))) {
      out.write("three\r\nfour".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Dataset<String> lines = Dataset.textLines(a, b);
    assertEquals(List.of("one", "two", "three", "four"), lines.toList());
    List<String[]> batches = lines.batch(3, String[]::new).toList();
    assertArrayEquals(new String[] {"four"}, batches.get(1));
    var e = assertThrows(DataException.class, () -> Dataset.textLines(dir.resolve("gone.txt")));
    assertTrue(e.getMessage().contains("gone.txt does not exist"), e.getMessage());
  }

  @Test
  void idxFilesReadWithTheirShapes(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("img-idx3-ubyte.gz");
    byte[] raw = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, (byte) 255, 4};
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(raw);
    }
    Tensor t = Idx.read(f);
    assertArrayEquals(new int[] {2, 1, 2}, t.shape().toArray());
    assertArrayEquals(new float[] {1, 2, 255, 4}, t.toArray());
    Path cut = dir.resolve("cut-idx1-ubyte");
    Files.write(cut, new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 1});
    var e = assertThrows(DataException.class, () -> Idx.read(cut));
    assertTrue(e.getMessage().contains("cut-idx1-ubyte is corrupt: holds 9 bytes"), e.getMessage());
  }
}
