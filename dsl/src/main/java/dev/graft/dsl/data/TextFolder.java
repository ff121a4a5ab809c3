package dev.graft.dsl.data;

import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keras's {@code text_dataset_from_directory}: a folder with one sub-folder of {@code .txt} files
 * per class becomes a dataset of {@link TextBatch}es (texts and labels), the files read on worker
 * threads. Options as {@link ImageFolder}'s, plus {@link #maxLength}.
 *
 * <pre>{@code
 * var train = TextFolder.from(Path.of("aclImdb/train")).batchSize(32)
 *     .validationSplit(0.2).subset("training").seed(42).dataset();
 * model.fit(train.map(b -> b.vectorized(vectorizer::apply)), epochs(3));
 * }</pre>
 */
public final class TextFolder extends FolderOptions<TextFolder> {
  private Integer maxLength;

  private TextFolder(Path directory) {
    super(directory);
  }

  /**
   * The options for the texts under {@code directory}.
   *
   * @param directory a folder with one sub-folder of text files per class
   * @return options with Keras's defaults
   */
  public static TextFolder from(Path directory) {
    return new TextFolder(directory);
  }

  @Override
  String who() {
    return "text_dataset_from_directory";
  }

  @Override
  Set<String> formats() {
    return Set.of(".txt");
  }

  /**
   * Keeps at most {@code n} characters of each text (Keras's {@code max_length}).
   *
   * @param n the character limit, at least 1
   * @return these options, for chaining
   */
  public TextFolder maxLength(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("max_length must be >= 1; Received: max_length=" + n);
    }
    this.maxLength = n;
    return this;
  }

  /**
   * The dataset of the subset chosen (or of every file); the folder is read now.
   *
   * @return a dataset of batches of texts and labels
   */
  public Dataset<TextBatch> dataset() {
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
  public List<Dataset<TextBatch>> datasets() {
    List<Dataset<TextBatch>> out = new ArrayList<>();
    for (String s : subsets()) {
      out.add(build(s));
    }
    return out;
  }

  /** A text and its class, before batching. */
  private record Sample(String text, Tensor label) {}

  private Dataset<TextBatch> build(String subset) {
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          who() + ": texts come in batches (TextBatch); batch_size must be >= 1");
    }
    List<Entry> entries = subsetEntries(subset);
    boolean labels = !labelMode().equals("none");
    Integer max = maxLength;
    Dataset<Sample> samples =
        shuffled(Dataset.fromList(entries))
            .map(e -> new Sample(read(e.file(), max), labels ? label(e.label()) : null));
    if (ignoreErrors) {
      samples = samples.filter(s -> s.text() != null);
    }
    return samples
        .batch(batchSize, Sample[]::new)
        .map(b -> batch(b, labels), 0)
        .prefetch(Dataset.AUTOTUNE);
  }

  private static TextBatch batch(Sample[] b, boolean labels) {
    String[] texts = new String[b.length];
    List<Tensor> ys = new ArrayList<>(b.length);
    for (int i = 0; i < b.length; i++) {
      texts[i] = b[i].text();
      if (labels) {
        ys.add(b[i].label());
      }
    }
    return new TextBatch(texts, labels ? Batching.stack(ys) : null);
  }

  private String read(Path f, Integer max) {
    try {
      String s = Files.readString(f, StandardCharsets.UTF_8);
      return max != null && s.length() > max ? s.substring(0, max) : s;
    } catch (IOException | RuntimeException e) {
      DataException x = new DataException(who() + ": cannot read " + f + ": " + e.getMessage(), e);
      if (!ignoreErrors) {
        throw x;
      }
      System.err.println(
          "Skipped " + x.getMessage() + " (" + skipped.incrementAndGet() + " so far)");
      return null;
    }
  }
}
