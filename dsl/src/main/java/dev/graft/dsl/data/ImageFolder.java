package dev.graft.dsl.data;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keras's {@code image_dataset_from_directory}: a folder with one sub-folder of images per class
 * becomes a dataset of {@code [images (batch, height, width, channels), labels]} batches, decoded
 * (PNG, JPEG, BMP, GIF) on worker threads, resized bilinearly, values in [0, 255], prefetched.
 *
 * <pre>{@code
 * var train = ImageFolder.from(Path.of("flowers")).imageSize(180, 180).batchSize(32)
 *     .validationSplit(0.2).subset("training").seed(123).dataset();
 * var val = ImageFolder.from(Path.of("flowers")).imageSize(180, 180).batchSize(32)
 *     .validationSplit(0.2).subset("validation").seed(123).dataset();
 * model.fit(train, epochs(10).validationData(val));
 * }</pre>
 *
 * <p>The folder is read, and every image's header checked, when the dataset is made: a missing
 * folder or an unreadable file is an error naming it before training starts (unless {@link
 * #ignoreErrors()}: skipped and counted).
 */
public final class ImageFolder extends FolderOptions<ImageFolder> {
  // How long decoding waits for a kernel loop to end before it takes a core anyway.
  private static final long DEFER_NANOS = 500_000;
  private static final Set<String> FORMATS = Set.of(".bmp", ".gif", ".jpeg", ".jpg", ".png");

  private int height = 256;
  private int width = 256;
  private int channels = 3;

  private ImageFolder(Path directory) {
    super(directory);
  }

  /**
   * The options for the images under {@code directory}.
   *
   * @param directory a folder with one sub-folder of images per class
   * @return options with Keras's defaults
   */
  public static ImageFolder from(Path directory) {
    return new ImageFolder(directory);
  }

  @Override
  String who() {
    return "image_dataset_from_directory";
  }

  @Override
  Set<String> formats() {
    return FORMATS;
  }

  /**
   * The size images are resized to (default 256 x 256); returns this.
   *
   * @param height the output height in pixels
   * @param width the output width in pixels
   * @return these options, for chaining
   */
  public ImageFolder imageSize(int height, int width) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "image_size must be positive; Received: image_size=(" + height + ", " + width + ")");
    }
    this.height = height;
    this.width = width;
    return this;
  }

  /**
   * {@code "rgb"} (default), {@code "rgba"} or {@code "grayscale"}; returns this.
   *
   * @param mode the colour mode's Keras name
   * @return these options, for chaining
   */
  public ImageFolder colorMode(String mode) {
    channels =
        switch (mode) {
          case "rgb" -> 3;
          case "rgba" -> 4;
          case "grayscale" -> 1;
          default ->
              throw new IllegalArgumentException(
                  "`color_mode` must be one of {\"rgb\", \"rgba\", \"grayscale\"}. Received:"
                      + " color_mode="
                      + mode);
        };
    return this;
  }

  /**
   * The dataset of the subset chosen (or of every image); the folder is read now.
   *
   * @return a dataset of {@code [images, labels]} batches (or single samples), images {@code (N, H,
   *     W, C)} in {@code [0, 255]}
   */
  public Dataset<List<Tensor>> dataset() {
    List<String> subsets = subsets();
    if (subsets.size() != 1) {
      throw new IllegalStateException(
          who() + ": subset \"both\" makes two datasets: call datasets()");
    }
    return build(subsets.get(0));
  }

  /**
   * The training and validation datasets, for {@code subset("both")}.
   *
   * @return two datasets, training first
   */
  public List<Dataset<List<Tensor>>> datasets() {
    List<Dataset<List<Tensor>>> out = new ArrayList<>();
    for (String s : subsets()) {
      out.add(build(s));
    }
    return out;
  }

  private Dataset<List<Tensor>> build(String subset) {
    List<Entry> entries = readable(subsetEntries(subset));
    boolean labels = !labelMode().equals("none");
    int h = height;
    int w = width;
    int c = channels;
    if (batchSize > 0 && !ignoreErrors) {
      // A whole batch per map task, decoded into the batch's tensor: no task, tensor or stacking
      // copy per image (they cost as much as decoding a small image). Same order and batches as
      // decoding image by image then batching, which the skipping of bad images needs.
      return shuffled(Dataset.fromList(entries))
          .batch(batchSize, Entry[]::new)
          .map(b -> decodeBatch(b, h, w, c, labels))
          .prefetch(Dataset.AUTOTUNE);
    }
    Dataset<List<Tensor>> samples =
        shuffled(Dataset.fromList(entries))
            .map(
                e -> {
                  float[] px;
                  try {
                    Parallel.deferToKernels(DEFER_NANOS);
                    px = Images.load(e.file(), h, w, c);
                  } catch (DataException x) {
                    if (!ignoreErrors) {
                      throw x;
                    }
                    System.err.println(
                        "Skipped "
                            + x.getMessage()
                            + " ("
                            + skipped.incrementAndGet()
                            + " so far)");
                    return List.<Tensor>of();
                  }
                  Tensor image = Tensor.wrap(px, h, w, c);
                  return labels ? List.of(image, label(e.label())) : List.of(image);
                });
    if (ignoreErrors) {
      samples = samples.filter(l -> !l.isEmpty());
    }
    return (batchSize > 0 ? samples.batch(batchSize) : samples).prefetch(Dataset.AUTOTUNE);
  }

  /** The images of {@code batch} as one {@code (n, h, w, c)} tensor, then their labels. */
  private List<Tensor> decodeBatch(Entry[] batch, int h, int w, int c, boolean withLabels) {
    int size = h * w * c;
    Tensor images = Tensor.zeros(batch.length, h, w, c);
    float[] into = images.array();
    Images.Buffers buffers = new Images.Buffers();
    int[] classes = new int[batch.length];
    for (int i = 0; i < batch.length; i++) {
      Parallel.deferToKernels(DEFER_NANOS);
      Images.load(batch[i].file(), h, w, c, into, i * size, buffers);
      classes[i] = batch[i].label();
    }
    return withLabels ? List.of(images, labels(classes)) : List.of(images);
  }

  /** Checks every image's header now; with ignoreErrors, drops (and counts) the bad ones. */
  private List<Entry> readable(List<Entry> entries) {
    List<Entry> ok = new ArrayList<>(entries.size());
    long bad = 0;
    DataException first = null;
    for (Entry e : entries) {
      try {
        Images.checkHeader(e.file());
        ok.add(e);
      } catch (DataException x) {
        if (!ignoreErrors) {
          throw new DataException(who() + ": " + x.getMessage(), x);
        }
        bad++;
        first = first == null ? x : first;
      }
    }
    if (bad > 0) {
      skipped.addAndGet(bad);
      System.err.println(
          who() + ": skipped " + bad + " unreadable files (the first: " + first.getMessage() + ")");
    }
    return ok;
  }
}
