package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Fashion-MNIST reader: the bundled split, and clear errors for missing or corrupt files. */
class FashionMnistTest {
  @TempDir Path dir;

  @Test
  void bundledSubsetIsSplit8000To2000WithPixelsInUnitRangeAndTenClasses() {
    FashionMnist.Data d = FashionMnist.bundled();
    assertEquals(Shape.of(8000, 28, 28, 1), d.trainX().shape());
    assertEquals(Shape.of(8000, 1), d.trainY().shape());
    assertEquals(Shape.of(2000, 28, 28, 1), d.testX().shape());
    assertEquals(Shape.of(2000, 1), d.testY().shape());
    int[] counts = new int[10];
    for (float v : d.testY().toArray()) {
      counts[(int) v]++;
    }
    for (int c : counts) {
      assertTrue(c > 100, "each class appears in the test part");
    }
    float max = 0;
    for (float v : d.trainX().toArray()) {
      assertTrue(v >= 0 && v <= 1);
      max = Math.max(max, v);
    }
    assertEquals(1f, max);
    assertTrue(d.source().contains("bundled"));
  }

  @Test
  void fullDataSetNamesTheMissingFiles() {
    var e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.full(dir));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
    assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz"), e.getMessage());
  }

  @Test
  void aTruncatedOrForeignFileIsReportedAsCorrupt() throws IOException {
    byte[] labels = gzip(new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 1, 2}); // promises 3 labels, has 2
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FashionMnist.readLabels("labels.gz", new java.io.ByteArrayInputStream(labels)));
    assertTrue(e.getMessage().contains("labels.gz is corrupt"), e.getMessage());
    assertTrue(e.getMessage().contains("promises 11"), e.getMessage());

    var notGzip =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                FashionMnist.readImages(
                    "images.gz", new java.io.ByteArrayInputStream("hello".getBytes())));
    assertTrue(notGzip.getMessage().contains("not a readable gzip file"), notGzip.getMessage());

    byte[] wrongMagic = gzip(new byte[] {0, 0, 8, 3, 0, 0, 0, 0});
    var magic =
        assertThrows(
            IllegalArgumentException.class,
            () -> FashionMnist.readLabels("x.gz", new java.io.ByteArrayInputStream(wrongMagic)));
    assertTrue(magic.getMessage().contains("magic number 0x00000803"), magic.getMessage());
  }

  @Test
  void fullDataSetReadsFromAFolderAndFailsOnACorruptOne() throws IOException {
    byte[] image = new byte[16 + 28 * 28];
    image[2] = 8;
    image[3] = 3;
    image[7] = 1;
    image[11] = 28;
    image[15] = 28;
    image[16] = (byte) 255;
    byte[] label = {0, 0, 8, 1, 0, 0, 0, 1, 9};
    for (String p : new String[] {"train", "t10k"}) {
      Files.write(dir.resolve(p + "-images-idx3-ubyte.gz"), gzip(image));
      Files.write(dir.resolve(p + "-labels-idx1-ubyte.gz"), gzip(label));
    }
    FashionMnist.Data d = FashionMnist.full(dir);
    assertEquals(Shape.of(1, 28, 28, 1), d.trainX().shape());
    assertEquals(1f, d.trainX().getFlat(0));
    assertEquals(Tensor.of(new float[] {9}, 1, 1).toString(), d.testY().toString());

    label[8] = 10;
    Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(label));
    var e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.full(dir));
    assertTrue(e.getMessage().contains("label 10 at index 0 is not in 0..9"), e.getMessage());
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(raw);
    }
    return bytes.toByteArray();
  }
}
