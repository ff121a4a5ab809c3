package dev.graft.examples;

import dev.graft.dsl.data.DataException;
import dev.graft.dsl.data.Idx;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fashion-MNIST (Zalando, MIT licence): 28x28 grey images of clothes in 10 classes, read from the
 * gzipped IDX files of the original distribution.
 *
 * <p>Two sources: the full 60,000 / 10,000 split from a folder holding the four {@code *-ubyte.gz}
 * files (by default where Debian's {@code dataset-fashion-mnist} package installs them), or the
 * 10,000-image test set bundled in this module, split 8,000 / 2,000. A missing or corrupt file is
 * an error naming the file; there is never a synthetic fallback.
 */
public final class FashionMnist {
  /** Where Debian's {@code dataset-fashion-mnist} package installs the data. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** The class names, by label. */
  public static final List<String> CLASS_NAMES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  /** The side of an image in pixels. */
  public static final int SIDE = 28;

  private static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
  private static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
  private static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
  private static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";
  private static final String BUNDLE = "/dev/graft/examples/fashion-mnist/";
  private static final int BUNDLED_TRAIN = 8_000;

  private FashionMnist() {}

  /**
   * A train/test split: images {@code (N, 28, 28, 1)} scaled to [0, 1], labels {@code (N, 1)}
   * holding the class index (for {@code sparse_categorical_crossentropy}).
   *
   * @param source which data this is, for the user to read
   */
  public record Data(Tensor trainX, Tensor trainY, Tensor testX, Tensor testY, String source) {
    /**
     * The first {@code train} training and {@code test} test samples (for quick runs).
     *
     * @param train the number of training samples kept
     * @param test the number of test samples kept
     * @return a new data set over the first samples
     */
    public Data head(int train, int test) {
      return new Data(
          trainX.slice(0, Math.min(train, n(trainX))),
          trainY.slice(0, Math.min(train, n(trainY))),
          testX.slice(0, Math.min(test, n(testX))),
          testY.slice(0, Math.min(test, n(testY))),
          source + ", first " + train + "/" + test);
    }

    private static int n(Tensor t) {
      return t.shape().dim(0);
    }
  }

  /**
   * The bundled 10,000-image test set, split 8,000 for training and 2,000 for testing.
   *
   * @return the 8,000 training and 2,000 test samples
   */
  public static Data bundled() {
    Tensor images = readImages(BUNDLE + TEST_IMAGES, resource(TEST_IMAGES));
    Tensor labels = readLabels(BUNDLE + TEST_LABELS, resource(TEST_LABELS));
    int n = images.shape().dim(0);
    return new Data(
        images.slice(0, BUNDLED_TRAIN),
        labels.slice(0, BUNDLED_TRAIN),
        images.slice(BUNDLED_TRAIN, n),
        labels.slice(BUNDLED_TRAIN, n),
        "bundled Fashion-MNIST test set split 8,000 train / 2,000 test");
  }

  /**
   * The full data set (60,000 / 10,000) from the four {@code *-ubyte.gz} files in {@code dir}.
   *
   * @param dir the folder holding the four files
   * @return the data
   * @throws IllegalArgumentException naming the missing files, or a corrupt one and why
   */
  public static Data full(Path dir) {
    List<String> missing = new ArrayList<>();
    for (String f : List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        missing.add(f);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "Fashion-MNIST: "
              + dir.toAbsolutePath()
              + " lacks "
              + missing
              + " (install Debian's dataset-fashion-mnist or give --data DIR)");
    }
    return new Data(
        readImages(dir, TRAIN_IMAGES),
        readLabels(dir, TRAIN_LABELS),
        readImages(dir, TEST_IMAGES),
        readLabels(dir, TEST_LABELS),
        "full Fashion-MNIST from " + dir + ": 60,000 train / 10,000 test");
  }

  /**
   * The full data set if {@code dir} exists, else the bundled subset (what the demo does by default
   * with {@link #DEBIAN_DIR}).
   *
   * @param dir the folder that may hold the four files
   * @return the data
   */
  public static Data fullIfPresent(Path dir) {
    return Files.isDirectory(dir) ? full(dir) : bundled();
  }

  private static Tensor readImages(Path dir, String file) {
    return readImages(dir.resolve(file).toString(), open(dir.resolve(file)));
  }

  private static Tensor readLabels(Path dir, String file) {
    return readLabels(dir.resolve(file).toString(), open(dir.resolve(file)));
  }

  private static InputStream open(Path p) {
    try {
      return Files.newInputStream(p);
    } catch (IOException e) {
      throw new UncheckedIOException("Fashion-MNIST: cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  private static InputStream resource(String file) {
    InputStream in = FashionMnist.class.getResourceAsStream(BUNDLE + file);
    if (in == null) {
      throw new IllegalStateException(
          "Fashion-MNIST: the bundled resource "
              + BUNDLE
              + file
              + " is missing from the class path");
    }
    return in;
  }

  /** Images as {@code (N, 28, 28, 1)} floats in [0, 1]. */
  static Tensor readImages(String name, InputStream raw) {
    Tensor b = idx(name, raw, 3);
    int n = b.shape().dim(0);
    if (b.shape().dim(1) != SIDE || b.shape().dim(2) != SIDE) {
      throw corrupt(
          name, "images are " + b.shape().dim(1) + "x" + b.shape().dim(2) + ", not 28x28");
    }
    float[] data = b.array();
    for (int i = 0; i < data.length; i++) {
      data[i] /= 255f;
    }
    return Tensor.wrap(data, n, SIDE, SIDE, 1);
  }

  /** Labels as {@code (N, 1)} class indices. */
  static Tensor readLabels(String name, InputStream raw) {
    Tensor b = idx(name, raw, 1);
    int n = b.shape().dim(0);
    for (int i = 0; i < n; i++) {
      float label = b.getFlat(i);
      if (label >= CLASS_NAMES.size()) {
        throw corrupt(name, "label " + (int) label + " at index " + i + " is not in 0..9");
      }
    }
    return b.reshape(n, 1);
  }

  /** The IDX file through the library's reader; its errors keep this class's wording. */
  private static Tensor idx(String name, InputStream raw, int rank) {
    try {
      return Idx.read(name, raw, rank);
    } catch (DataException e) {
      throw new IllegalArgumentException("Fashion-MNIST: " + e.getMessage(), e);
    }
  }

  private static IllegalArgumentException corrupt(String name, String why) {
    return new IllegalArgumentException("Fashion-MNIST: " + name + " is corrupt: " + why);
  }
}
