package dev.graft.dsl.data;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The options Keras's {@code image_dataset_from_directory} and {@code text_dataset_from_directory}
 * share, and their reading of the folder: one sub-folder per class (sorted by name, or {@code
 * classNames} in the given order), files sorted within each, shuffled with the seed, then split
 * into training and validation subsets.
 *
 * @param <T> the concrete options type, returned by the fluent setters
 */
public abstract class FolderOptions<T extends FolderOptions<T>> {
  /** A file and its class index. */
  record Entry(Path file, int label) {}

  final Path directory;
  private String labelMode = "int";
  private List<String> classNames;
  int batchSize = 32;
  private boolean shuffle = true;
  private Long seed;
  private double validationSplit;
  private String subset;
  private boolean followLinks;
  boolean verbose = true;
  boolean ignoreErrors;
  final java.util.concurrent.atomic.AtomicLong skipped =
      new java.util.concurrent.atomic.AtomicLong();

  FolderOptions(Path directory) {
    this.directory = directory;
  }

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  /** The function name used in messages. */
  abstract String who();

  /** The file name endings this reader takes. */
  abstract Set<String> formats();

  /**
   * {@code "int"} (class index, a scalar per sample: {@code sparse_categorical_crossentropy}),
   * {@code "categorical"} (one-hot), {@code "binary"} (0/1 as {@code (1,)}, two classes only) or
   * {@code "none"} (no labels); returns this.
   *
   * @param mode the label mode's Keras name
   * @return these options, for chaining
   */
  public T labelMode(String mode) {
    if (!Set.of("int", "categorical", "binary", "none").contains(mode)) {
      throw new IllegalArgumentException(
          "`label_mode` argument must be one of \"int\", \"categorical\", \"binary\", or None."
              + " Received: label_mode="
              + mode);
    }
    this.labelMode = mode;
    return self();
  }

  /**
   * The classes to read, in this order (each a sub-folder); returns this.
   *
   * @param names sub-folder names
   * @return these options, for chaining
   */
  public T classNames(String... names) {
    this.classNames = List.of(names);
    return self();
  }

  /**
   * Samples per batch (default 32); {@code 0} yields single samples (Keras's None).
   *
   * @param n the batch size, 0 or more
   * @return these options, for chaining
   */
  public T batchSize(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("batch_size must be >= 0; Received: batch_size=" + n);
    }
    this.batchSize = n;
    return self();
  }

  /**
   * Whether to shuffle (default true): the file order once, and a buffer each pass.
   *
   * @param value false to read in file order
   * @return these options, for chaining
   */
  public T shuffle(boolean value) {
    this.shuffle = value;
    return self();
  }

  /**
   * The shuffling seed (default: from {@code Graft.seed}); returns this.
   *
   * @param value the seed
   * @return these options, for chaining
   */
  public T seed(long value) {
    this.seed = value;
    return self();
  }

  /**
   * The fraction of the files held out for validation, with {@link #subset}; returns this.
   *
   * @param fraction the held-out fraction, in {@code (0, 1)}
   * @return these options, for chaining
   */
  public T validationSplit(double fraction) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException(
          "`validation_split` must be between 0 and 1, received: " + fraction);
    }
    this.validationSplit = fraction;
    return self();
  }

  /**
   * {@code "training"} or {@code "validation"} (or {@code "both"}, see {@code datasets()}).
   *
   * @param name the subset's name
   * @return these options, for chaining
   */
  public T subset(String name) {
    if (!Set.of("training", "validation", "both").contains(name)) {
      throw new IllegalArgumentException(
          "`subset` must be either \"training\", \"validation\" or \"both\", received: " + name);
    }
    this.subset = name;
    return self();
  }

  /**
   * Whether to follow symbolic links to sub-folders (default false); returns this.
   *
   * @param value true to follow links
   * @return these options, for chaining
   */
  public T followLinks(boolean value) {
    this.followLinks = value;
    return self();
  }

  /**
   * Whether to print what was found (default true, as Keras); returns this.
   *
   * @param value false to print nothing
   * @return these options, for chaining
   */
  public T verbose(boolean value) {
    this.verbose = value;
    return self();
  }

  /**
   * Skips unreadable files instead of failing, reporting how many were skipped (on standard error,
   * and by {@code skipped()}); returns this.
   *
   * @return these options, for chaining
   */
  public T ignoreErrors() {
    this.ignoreErrors = true;
    return self();
  }

  /**
   * How many unreadable files were skipped so far (with {@link #ignoreErrors()}).
   *
   * @return the count, 0 before a dataset is read
   */
  public long skipped() {
    return skipped.get();
  }

  /** The label mode. */
  String labelMode() {
    return labelMode;
  }

  /**
   * The class names, in label order (Keras's {@code class_names}): the folder is read now.
   *
   * @return the sub-folder names, in label order
   */
  public List<String> classNames() {
    return index().classes();
  }

  /** The files and classes found. */
  record Index(List<Entry> entries, List<String> classes) {}

  private Index index;

  /** Reads the folder (once): class sub-folders, files, the shuffle of the file order. */
  Index index() {
    if (index != null) {
      return index;
    }
    checkSplit();
    if (!Files.isDirectory(directory)) {
      throw new DataException(
          who()
              + ": directory "
              + directory
              + (Files.exists(directory) ? " is not a directory" : " does not exist"));
    }
    List<String> subdirs = new ArrayList<>();
    try (Stream<Path> s = Files.list(directory)) {
      s.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .forEach(subdirs::add);
    } catch (IOException e) {
      throw new DataException(who() + ": cannot list " + directory + ": " + e.getMessage(), e);
    }
    List<String> classes = subdirs;
    if (classNames != null) {
      if (!subdirs.containsAll(classNames)) {
        throw new DataException(
            who()
                + ": The `class_names` passed did not match the names of the subdirectories of"
                + " the target directory "
                + directory
                + ". Expected: "
                + subdirs
                + " (or a subset of it), but received: class_names="
                + classNames);
      }
      classes = classNames;
    }
    if (labelMode.equals("binary") && classes.size() != 2) {
      throw new DataException(
          who()
              + ": When passing `label_mode=\"binary\"`, there must be exactly 2 class_names."
              + " Received: class_names="
              + classes);
    }
    List<Entry> entries = new ArrayList<>();
    for (int c = 0; c < classes.size(); c++) {
      for (Path f : files(directory.resolve(classes.get(c)))) {
        entries.add(new Entry(f, c));
      }
    }
    if (verbose) {
      System.out.println(
          "Found " + entries.size() + " files belonging to " + classes.size() + " classes.");
    }
    if (shuffle) {
      Collections.shuffle(entries, new java.util.Random(seed()));
    }
    index = new Index(List.copyOf(entries), List.copyOf(classes));
    return index;
  }

  private List<Path> files(Path dir) {
    FileVisitOption[] opts =
        followLinks ? new FileVisitOption[] {FileVisitOption.FOLLOW_LINKS} : new FileVisitOption[0];
    try (Stream<Path> s = Files.walk(dir, opts)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> formats().stream().anyMatch(ext -> lower(p).endsWith(ext)))
          .sorted()
          .toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new DataException(who() + ": cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String lower(Path p) {
    return p.getFileName().toString().toLowerCase(Locale.ROOT);
  }

  private long resolvedSeed = Long.MIN_VALUE;

  /** The seed given, or one drawn from {@code Graft.seed} the first time it is needed. */
  long seed() {
    if (seed != null) {
      return seed;
    }
    if (resolvedSeed == Long.MIN_VALUE) {
      resolvedSeed = Rng.global().nextLong();
    }
    return resolvedSeed;
  }

  private void checkSplit() {
    if ((validationSplit > 0) != (subset != null)) {
      throw new IllegalArgumentException(
          who() + ": If `subset` is set, `validation_split` must be set, and inversely.");
    }
    if (validationSplit > 0 && shuffle && seed == null) {
      throw new IllegalArgumentException(
          who()
              + ": If using `validation_split` and shuffling the data, you must provide a `seed`"
              + " argument, to make sure that there is no overlap between the training and"
              + " validation subset.");
    }
  }

  /** The entries of one subset ({@code "training"}, {@code "validation"} or all for null). */
  List<Entry> subsetEntries(String which) {
    List<Entry> all = index().entries();
    if (which == null) {
      return requireSome(all, null);
    }
    int nVal = (int) (validationSplit * all.size());
    List<Entry> out;
    if (which.equals("training")) {
      out = all.subList(0, all.size() - nVal);
      if (verbose) {
        System.out.println("Using " + out.size() + " files for training.");
      }
    } else {
      out = all.subList(all.size() - nVal, all.size());
      if (verbose) {
        System.out.println("Using " + out.size() + " files for validation.");
      }
    }
    return requireSome(out, which);
  }

  private List<Entry> requireSome(List<Entry> entries, String which) {
    if (entries.isEmpty()) {
      throw new DataException(
          who()
              + ": No "
              + (which == null ? "" : which + " ")
              + "files found in directory "
              + directory
              + ". Allowed formats: "
              + formats().stream().sorted().toList());
    }
    return entries;
  }

  /** The subsets asked for: one, or training then validation for {@code "both"}. */
  List<String> subsets() {
    if (subset == null) {
      return Collections.singletonList(null);
    }
    return subset.equals("both") ? List.of("training", "validation") : List.of(subset);
  }

  /** The label tensor of class {@code c}: a scalar, a one-hot row or a {@code (1,)} value. */
  Tensor label(int c) {
    return switch (labelMode) {
      case "categorical" -> {
        Tensor t = Tensor.zeros(index().classes().size());
        t.setFlat(c, 1f);
        yield t;
      }
      case "binary" -> Tensor.of((float) c);
      default -> Tensor.scalar(c);
    };
  }

  /**
   * The labels of a batch of samples of classes {@code c}, as {@link #label} of each stacked: one
   * tensor rather than one per sample.
   */
  Tensor labels(int[] c) {
    int n = c.length;
    return switch (labelMode) {
      case "categorical" -> {
        int k = index().classes().size();
        Tensor t = Tensor.zeros(n, k);
        for (int i = 0; i < n; i++) {
          t.setFlat(i * k + c[i], 1f);
        }
        yield t;
      }
      case "binary" -> {
        Tensor t = Tensor.zeros(n, 1);
        for (int i = 0; i < n; i++) {
          t.setFlat(i, c[i]);
        }
        yield t;
      }
      default -> {
        Tensor t = Tensor.zeros(n);
        for (int i = 0; i < n; i++) {
          t.setFlat(i, c[i]);
        }
        yield t;
      }
    };
  }

  /** Shuffles (a buffer of 8 batches, or 1024 samples unbatched) as Keras does, each pass. */
  <E> Dataset<E> shuffled(Dataset<E> d) {
    if (!shuffle) {
      return d;
    }
    return d.shuffle(batchSize > 0 ? batchSize * 8 : 1024, seed());
  }

  boolean shuffles() {
    return shuffle;
  }
}
