package dev.graft.dsl.data;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.History;
import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code image_dataset_from_directory}: folder reading, decoding, resizing, labels, errors. */
class ImageFolderTest {
  @AfterEach
  void noThreadLeft() {
    assertEquals(List.of(), DatasetTest.dataThreads());
  }

  /** A 12x12 image: class "bright" is light with a dark square, "dark" the reverse. */
  static void writeImage(Path f, boolean bright, int variant, String format) throws IOException {
    BufferedImage img = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 12; y++) {
      for (int x = 0; x < 12; x++) {
        boolean square = x >= variant % 6 && x < variant % 6 + 4 && y >= 3 && y < 7;
        int v = (bright ^ square) ? 220 - variant : 30 + variant;
        img.setRGB(x, y, v << 16 | (v / 2) << 8 | (255 - v));
      }
    }
    Files.createDirectories(f.getParent());
    assertTrue(ImageIO.write(img, format, f.toFile()));
  }

  static Path folder(Path dir, int perClass) throws IOException {
    for (int i = 0; i < perClass; i++) {
      writeImage(dir.resolve("bright/img" + i + ".png"), true, i, "png");
      writeImage(
          dir.resolve("dark/img" + i + (i % 3 == 0 ? ".jpg" : ".png")),
          false,
          i,
          i % 3 == 0 ? "jpg" : "png");
    }
    Files.writeString(dir.resolve("dark/notes.txt"), "not an image: not listed");
    return dir;
  }

  @Test
  void trainsFromATemporaryImageFolder(@TempDir Path dir) throws IOException {
    folder(dir, 24);
    ImageFolder opts = ImageFolder.from(dir).imageSize(8, 8).batchSize(8).seed(4).verbose(false);
    assertEquals(List.of("bright", "dark"), opts.classNames());
    Dataset<List<Tensor>> train = opts.dataset();
    assertEquals(6, train.cardinality());
    List<Tensor> first = train.take(1).toList().get(0);
    assertArrayEquals(new int[] {8, 8, 8, 3}, first.get(0).shape().toArray());
    assertArrayEquals(new int[] {8}, first.get(1).shape().toArray());

    seed(2);
    var in = input(8, 8, 3);
    var x = rescaling(1 / 255.0).on(in);
    x = conv2d(4, 3).activation("relu").on(x);
    x = flatten().on(maxPooling2d().on(x));
    Model m = model(in, dense(2).activation("softmax").on(x));
    m.compile(adam(0.01), "sparse_categorical_crossentropy", "accuracy");
    History h = m.fit(train, epochs(8).verbose(0));
    assertTrue(h.get("accuracy").get(7) > 0.9, "accuracy " + h.get("accuracy"));
    double[] eval = m.evaluate(train);
    assertTrue(eval[1] > 0.9, "accuracy " + eval[1]);
    assertEquals(48, m.predict(train).shape().dim(0));
  }

  @Test
  void validationSplitGivesDisjointSubsetsUnderOneSeed(@TempDir Path dir) throws IOException {
    folder(dir, 10);
    ImageFolder base =
        ImageFolder.from(dir)
            .imageSize(4, 4)
            .batchSize(0)
            .validationSplit(0.25)
            .seed(9)
            .verbose(false)
            .subset("both");
    List<Dataset<List<Tensor>>> both = base.datasets();
    List<List<Tensor>> train = both.get(0).toList();
    List<List<Tensor>> val = both.get(1).toList();
    assertEquals(15, train.size());
    assertEquals(5, val.size());
    Set<String> seen = new HashSet<>();
    for (List<Tensor> e : train) {
      seen.add(java.util.Arrays.toString(e.get(0).toArray()));
    }
    for (List<Tensor> e : val) {
      assertTrue(seen.add(java.util.Arrays.toString(e.get(0).toArray())), "overlap");
    }
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ImageFolder.from(dir).validationSplit(0.2).subset("training").dataset());
    assertTrue(e.getMessage().contains("must provide a `seed`"), e.getMessage());
  }

  @Test
  void labelModesAndColorModes(@TempDir Path dir) throws IOException {
    folder(dir, 3);
    List<Tensor> cat =
        ImageFolder.from(dir)
            .imageSize(6, 6)
            .labelMode("categorical")
            .colorMode("grayscale")
            .shuffle(false)
            .verbose(false)
            .dataset()
            .toList()
            .get(0);
    assertArrayEquals(new int[] {6, 6, 6, 1}, cat.get(0).shape().toArray());
    assertArrayEquals(new float[] {1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1}, cat.get(1).toArray());
    List<Tensor> bin =
        ImageFolder.from(dir)
            .labelMode("binary")
            .shuffle(false)
            .verbose(false)
            .imageSize(2, 2)
            .dataset()
            .toList()
            .get(0);
    assertArrayEquals(new int[] {6, 1}, bin.get(1).shape().toArray());
    List<Tensor> none =
        ImageFolder.from(dir)
            .labelMode("none")
            .verbose(false)
            .imageSize(2, 2)
            .dataset()
            .toList()
            .get(0);
    assertEquals(1, none.size());
    List<Tensor> one =
        ImageFolder.from(dir)
            .classNames("dark")
            .verbose(false)
            .imageSize(2, 2)
            .dataset()
            .toList()
            .get(0);
    assertEquals(3, one.get(0).shape().dim(0));
    var e =
        assertThrows(
            DataException.class, () -> ImageFolder.from(dir).classNames("dark", "cats").dataset());
    assertTrue(e.getMessage().contains("class_names=[dark, cats]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ImageFolder.from(dir).labelMode("sparse"));
    assertThrows(IllegalArgumentException.class, () -> ImageFolder.from(dir).colorMode("cmyk"));
  }

  @Test
  void aBatchDecodedInOneTaskEqualsImageByImageDecoding(@TempDir Path dir) throws IOException {
    folder(dir, 5); // PNGs and JPEGs, 12x12
    writeImage(dir.resolve("bright/wide.png"), true, 9, "png"); // another size in the same batch
    BufferedImage wide = new BufferedImage(17, 9, BufferedImage.TYPE_INT_RGB);
    wide.setRGB(3, 4, 0x123456);
    assertTrue(ImageIO.write(wide, "png", dir.resolve("dark/wide.png").toFile()));
    for (String mode : List.of("int", "categorical", "binary", "none")) {
      for (String colour : List.of("rgb", "grayscale", "rgba")) {
        for (int size : new int[] {12, 7}) {
          String what = mode + ", " + colour + ", " + size + "x" + size;
          List<List<Tensor>> batched =
              options(dir, mode, colour, size).batchSize(4).dataset().toList();
          List<List<Tensor>> single =
              options(dir, mode, colour, size).batchSize(0).dataset().batch(4).toList();
          assertEquals(single.size(), batched.size(), what);
          for (int b = 0; b < single.size(); b++) {
            assertEquals(single.get(b).size(), batched.get(b).size(), what);
            for (int k = 0; k < single.get(b).size(); k++) {
              Tensor want = single.get(b).get(k);
              Tensor got = batched.get(b).get(k);
              assertEquals(want.shape(), got.shape(), what);
              assertArrayEquals(want.toArray(), got.toArray(), what + ", batch " + b);
            }
          }
        }
      }
    }
  }

  @Test
  void passesReadAtOnceShareNoScratchSpace(@TempDir Path dir) throws IOException {
    folder(dir, 12);
    Dataset<List<Tensor>> d = options(dir, "int", "rgb", 7).shuffle(false).batchSize(3).dataset();
    List<List<Tensor>> alone = d.toList();
    // two passes interleaved, each on its own workers: neither's images leak into the other's
    try (DataIterator<List<Tensor>> a = d.iterator();
        DataIterator<List<Tensor>> b = d.iterator()) {
      for (List<Tensor> want : alone) {
        assertArrayEquals(want.get(0).toArray(), a.next().get(0).toArray());
        assertArrayEquals(want.get(0).toArray(), b.next().get(0).toArray());
      }
      assertTrue(!a.hasNext() && !b.hasNext());
    }
  }

  private static ImageFolder options(Path dir, String mode, String colour, int size) {
    return ImageFolder.from(dir)
        .labelMode(mode)
        .colorMode(colour)
        .imageSize(size, size)
        .seed(5)
        .verbose(false);
  }

  @Test
  void resizingIsBilinearWithHalfPixelCentres() {
    // tf.image.resize([[0, 100]], (1, 4), "bilinear") == [[0, 25, 75, 100]]
    assertArrayEquals(
        new float[] {0, 25, 75, 100}, Images.resize(new float[] {0, 100}, 1, 2, 1, 1, 4));
    // shrinking 4 -> 2 averages each pair's middle: (0+10)/2, (20+30)/2
    assertArrayEquals(
        new float[] {5, 25}, Images.resize(new float[] {0, 10, 20, 30}, 1, 4, 1, 1, 2));
  }

  @Test
  void greyPngsKeepTheirStoredValues(@TempDir Path dir) throws IOException {
    BufferedImage g = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    g.getRaster().setSample(0, 0, 0, 7);
    g.getRaster().setSample(1, 0, 0, 200);
    Files.createDirectories(dir.resolve("a"));
    ImageIO.write(g, "png", dir.resolve("a/g.png").toFile());
    Tensor img =
        ImageFolder.from(dir).imageSize(1, 2).verbose(false).dataset().toList().get(0).get(0);
    assertArrayEquals(new float[] {7, 7, 7, 200, 200, 200}, img.toArray());
  }

  @Test
  void errorsNameTheFolderOrTheFile(@TempDir Path dir) throws IOException {
    var e =
        assertThrows(DataException.class, () -> ImageFolder.from(dir.resolve("nope")).dataset());
    assertTrue(e.getMessage().contains("nope does not exist"), e.getMessage());

    Files.createDirectories(dir.resolve("empty/a"));
    e = assertThrows(DataException.class, () -> ImageFolder.from(dir.resolve("empty")).dataset());
    assertTrue(e.getMessage().contains("No files found in directory"), e.getMessage());

    Path d = folder(dir.resolve("imgs"), 3);
    Path broken = d.resolve("bright/broken.png");
    Files.write(broken, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 1, 2});
    e = assertThrows(DataException.class, () -> ImageFolder.from(d).verbose(false).dataset());
    assertTrue(e.getMessage().contains("broken.png"), e.getMessage());

    ImageFolder skipping = ImageFolder.from(d).verbose(false).imageSize(4, 4).ignoreErrors();
    List<List<Tensor>> batches = skipping.dataset().toList();
    assertEquals(6, batches.get(0).get(0).shape().dim(0));
    assertEquals(1, skipping.skipped());
  }
}
