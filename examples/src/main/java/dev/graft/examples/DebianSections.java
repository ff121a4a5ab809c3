package dev.graft.examples;

import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.History;
import dev.graft.dsl.Model;
import dev.graft.dsl.data.Csv;
import dev.graft.dsl.data.DataIterator;
import dev.graft.dsl.data.Dataset;
import dev.graft.dsl.data.Row;
import dev.graft.layers.Normalization;
import dev.graft.layers.StringLookup;
import dev.graft.layers.TextVectorization;
import dev.graft.tensor.Parallel;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.zip.CRC32;

/**
 * The second demo: a real text + features model on Debian's package index (63,440 packages, 58
 * sections). Each package's one-line description goes through {@code TextVectorization} → {@code
 * Embedding(mask_zero=True)} → {@code LSTM(64)}; its numeric columns ({@code log1p} of the
 * installed size, the numbers of dependencies and recommendations, {@code Architecture: all})
 * through {@code Normalization} and its priority through a one-hot {@code StringLookup}, then a
 * {@code Dense}; the two branches are concatenated into a softmax over the sections. The package
 * name is not used: it only decides the split docs/examples.md gives (test = CRC-32 of the name
 * modulo 5 is 0).
 *
 * <p>Training reads {@code packages.tsv.gz} as a streaming {@link Dataset} (a TSV source, filtered
 * to the training rows, shuffled, grouped into batches of similar description length, vectorised on
 * worker threads, prefetched). Each batch is padded only to its longest description, and the mask
 * makes the LSTM carry its state over the padding.
 *
 * <p>Run from the project root: {@code mvn -q -pl examples -am compile exec:java
 * -Dexec.mainClass=dev.graft.examples.DebianSections} (add {@code -Dexec.args="--help"} for the
 * options). Writes {@code training.svg}, {@code model.svg}, {@code debian_sections.keras} and
 * {@code sections.txt} into {@code target/graft-demo-debian/}.
 */
public final class DebianSections {
  private DebianSections() {}

  /** Where the data set is by default, relative to the project root. */
  public static final Path DEFAULT_DATA =
      Path.of("..", "shared", "datasets", "debian-packages", "packages.tsv.gz");

  /** The numeric columns the feature branch reads, in order (the size is log1p-transformed). */
  static final String[] NUMERIC = {"installed_size_kb", "n_depends", "n_recommends", "arch_all"};

  /** The rows of a batch that are grouped by description length before being cut into batches. */
  private static final int BUCKET_BATCHES = 16;

  /** The usage text. */
  public static final String USAGE =
      """
      Usage: DebianSections [--data FILE] [--out DIR] [--epochs N] [--limit N]
                            [--batch-size N] [--buckets] [--verbose 0|1|2]
        --data FILE       packages.tsv.gz (default ../shared/datasets/debian-packages/
                          packages.tsv.gz from the project root)
        --out DIR         where the plots and the .keras go (default target/graft-demo-debian)
        --epochs N        training epochs (default 5)
        --limit N         use only the first N rows of the file (quick runs)
        --batch-size N    default 64
        --buckets         group batches by description length (measured slower here:
                          33 s instead of 27 s; per-batch padding is enough)
      """;

  /**
   * The command line.
   *
   * @param data the {@code packages.tsv.gz} file, or {@code null} for {@link #DEFAULT_DATA}
   * @param out where the plots and the model go
   * @param epochs training epochs
   * @param limit at most this many rows of the file (0 = all)
   * @param batchSize the batch size
   * @param verbose fit's verbosity (-1 = automatic)
   * @param buckets group the rows of a batch by description length (off, the default: batches in
   *     shuffled order, each padded only to its own longest description)
   */
  public record Options(
      Path data, Path out, int epochs, int limit, int batchSize, int verbose, boolean buckets) {
    /**
     * The defaults.
     *
     * @return new options with the default values
     */
    public static Options defaults() {
      return new Options(null, Path.of("target", "graft-demo-debian"), 5, 0, 64, -1, false);
    }

    /**
     * Parses the command line.
     *
     * @param args the command-line arguments
     * @return the options
     * @throws IllegalArgumentException naming the bad argument, with the usage
     */
    public static Options parse(String... args) {
      Options o = defaults();
      for (int i = 0; i < args.length; i += 2) {
        String a = args[i];
        if (a.equals("--buckets")) {
          o = new Options(o.data, o.out, o.epochs, o.limit, o.batchSize, o.verbose, true);
          i--;
          continue;
        }
        if (i + 1 >= args.length || !a.startsWith("--")) {
          throw new IllegalArgumentException("Unknown or incomplete argument: " + a + "\n" + USAGE);
        }
        String v = args[i + 1];
        o =
            switch (a) {
              case "--data" ->
                  new Options(
                      Path.of(v), o.out, o.epochs, o.limit, o.batchSize, o.verbose, o.buckets);
              case "--out" ->
                  new Options(
                      o.data, Path.of(v), o.epochs, o.limit, o.batchSize, o.verbose, o.buckets);
              case "--epochs" ->
                  new Options(
                      o.data, o.out, count(a, v, 1), o.limit, o.batchSize, o.verbose, o.buckets);
              case "--limit" ->
                  new Options(
                      o.data, o.out, o.epochs, count(a, v, 10), o.batchSize, o.verbose, o.buckets);
              case "--batch-size" ->
                  new Options(
                      o.data, o.out, o.epochs, o.limit, count(a, v, 1), o.verbose, o.buckets);
              case "--verbose" ->
                  new Options(
                      o.data, o.out, o.epochs, o.limit, o.batchSize, count(a, v, 0), o.buckets);
              default ->
                  throw new IllegalArgumentException("Unknown argument: " + a + "\n" + USAGE);
            };
      }
      return o;
    }

    private static int count(String arg, String v, int min) {
      try {
        int n = Integer.parseInt(v);
        if (n >= min) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(arg + " needs an integer >= " + min + "; Received: " + v);
    }

    /**
     * The data file: {@code --data}, or the default looked up from the working directory and its
     * parent (the project root, or a module folder under it).
     *
     * @return the path of the data file
     * @throws IllegalArgumentException saying where it was looked for
     */
    public Path dataFile() {
      if (data != null) {
        if (!Files.isRegularFile(data)) {
          throw new IllegalArgumentException(
              "DebianSections: no data file at " + data.toAbsolutePath() + "\n" + USAGE);
        }
        return data;
      }
      Path found = findDefault();
      if (found == null) {
        throw new IllegalArgumentException(
            "DebianSections: the data set is not at "
                + DEFAULT_DATA.toAbsolutePath().normalize()
                + " (it stays outside the project: give its place with --data"
                + " PATH/packages.tsv.gz)");
      }
      return found;
    }
  }

  /**
   * The default data file seen from the working directory or its parent, or null.
   *
   * @return the path of the file, or {@code null} if neither place has it
   */
  public static Path findDefault() {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path dir = cwd; dir != null && dir.getNameCount() >= cwd.getNameCount() - 1; ) {
      Path p = dir.resolve(DEFAULT_DATA).normalize();
      if (Files.isRegularFile(p)) {
        return p;
      }
      dir = dir.getParent();
    }
    return null;
  }

  /**
   * What a run measured.
   *
   * @param accuracy test accuracy of the trained model
   * @param majority test accuracy of always guessing the most frequent training section
   * @param trainSeconds wall time of {@code fit}
   * @param loss the training loss per epoch
   * @param testRows the number of test rows
   * @param perl the reloaded model's section for "Perl module to parse YAML"
   * @param reloadedAgrees whether the reloaded model predicts the test rows exactly as the trained
   *     one
   * @param model the saved {@code .keras}
   */
  public record Result(
      double accuracy,
      double majority,
      double trainSeconds,
      List<Double> loss,
      int testRows,
      String perl,
      boolean reloadedAgrees,
      Path model) {}

  /**
   * Runs the demo with command-line options (see {@link #USAGE}).
   *
   * @param args the command-line arguments, as {@link #USAGE} lists them
   */
  public static void main(String[] args) {
    if (List.of(args).contains("--help")) {
      System.out.print(USAGE);
      return;
    }
    Options options;
    try {
      options = Options.parse(args);
      options.dataFile();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    run(options);
    // ends the kernel threads now so that `mvn exec:java` returns at once
    Parallel.shutdown();
  }

  /** The preprocessing state learnt from the training rows and the model reading it. */
  private record Setup(
      TextVectorization text,
      StringLookup priority,
      Normalization numbers,
      StringLookup sections) {}

  /**
   * Runs the demo; prints progress and results to standard output.
   *
   * @param o the options
   * @return the measured accuracies and the files written
   */
  public static Result run(Options o) {
    long wall = System.nanoTime();
    Path file = o.dataFile();
    seed(42);
    Dataset<Row> rows =
        Csv.tsv(file).numericColumns(NUMERIC).dataset(); // checks the header now, reads nothing
    if (o.limit() > 0) {
      rows = rows.take(o.limit());
    }
    Dataset<Row> train = rows.filter(r -> !isTest(r));
    Dataset<Row> test = rows.filter(DebianSections::isTest);
    System.out.println("Data: " + file + (o.limit() > 0 ? ", first " + o.limit() + " rows" : ""));

    System.out.println("\n== 1. Adapting the preprocessing layers on the training rows");
    long t0 = System.nanoTime();
    Setup s = adapt(train);
    System.out.printf(
        Locale.ROOT,
        "  %d tokens in the vocabulary, %d sections, priorities %s (%.1f s)%n",
        s.text().vocabularySize(),
        s.sections().vocabularySize(),
        s.priority().getVocabulary(),
        (System.nanoTime() - t0) / 1e9);

    Model model = build(s);
    model.compile(adam(), "sparse_categorical_crossentropy", "accuracy");
    model.summary();

    // Each batch is padded only to its own longest description (TextVectorization without
    // output_sequence_length), and the mask makes the LSTM carry its state over that padding.
    // Grouping batches by length (--buckets) was measured slower: 33 s instead of 27 s.
    int batch = o.batchSize();
    Dataset<Row[]> chunks = train.shuffle(8192).batch(batch * BUCKET_BATCHES, Row[]::new);
    long bucketSeed = Rng.global().nextLong();
    Dataset<Row[]> batches =
        o.buckets()
            ? Dataset.fromGenerator(() -> new Buckets(chunks, batch, s.text(), bucketSeed))
            : train.shuffle(8192).batch(batch, Row[]::new);
    Dataset<List<Tensor>> trainBatches =
        batches.map(b -> encode(model, s, b), Dataset.AUTOTUNE).prefetch(4);

    System.out.printf(
        Locale.ROOT,
        "%n== 2. Training (batch %d, %d epochs; load average %.1f on %d cores)%n",
        batch,
        o.epochs(),
        loadAverage(),
        Runtime.getRuntime().availableProcessors());
    var fit = epochs(o.epochs());
    if (o.verbose() >= 0) {
      fit.verbose(o.verbose());
    }
    long f0 = System.nanoTime();
    long c0 = cpuNanos();
    History history = model.fit(trainBatches, fit);
    double trainSeconds = (System.nanoTime() - f0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "  training took %.1f s wall, %.1f s CPU (load average now %.1f)%n",
        trainSeconds,
        (cpuNanos() - c0) / 1e9,
        loadAverage());

    System.out.println("\n== 3. Test split (CRC-32 of the name % 5 == 0; name not used)");
    List<Row> testRows = test.toList();
    Row[] testArray = testRows.toArray(new Row[0]);
    int[] truth = labels(s, testArray);
    int[] predicted = argmax(model.predict(rawInputs(testArray)));
    double accuracy = agreement(predicted, truth);
    double majority = majority(truth);
    System.out.printf(
        Locale.ROOT,
        "  test accuracy %.4f on %,d packages (majority guess %.4f)%n",
        accuracy,
        testArray.length,
        majority);
    printWorstClasses(s.sections().getVocabulary(), truth, predicted, 8);

    createDirectories(o.out());
    Path keras = o.out().resolve("debian_sections.keras");
    Path names = o.out().resolve("sections.txt");
    model.save(keras);
    write(names, String.join("\n", s.sections().getVocabulary()));
    Path trainingSvg = o.out().resolve("training.svg");
    Path modelSvg = o.out().resolve("model.svg");
    history.plot(trainingSvg.toString());
    model.plot(modelSvg.toString());
    System.out.println("\nSaved " + keras + " (+ " + names.getFileName() + "), loading it back");

    Model again = Model.load(keras);
    boolean agrees = Arrays.equals(argmax(again.predict(rawInputs(testArray))), predicted);
    String perl = section(again, s.sections().getVocabulary(), "Perl module to parse YAML");
    System.out.println(
        "  the reloaded model "
            + (agrees ? "predicts the test split as the trained one" : "DIFFERS from the trained"));
    System.out.println("  \"Perl module to parse YAML\" -> " + perl);
    System.out.println("Wrote " + trainingSvg + " and " + modelSvg);
    System.out.printf(Locale.ROOT, "Time: %.0f s wall in all%n", (System.nanoTime() - wall) / 1e9);
    return new Result(
        accuracy,
        majority,
        trainSeconds,
        history.get("loss"),
        testArray.length,
        perl,
        agrees,
        keras);
  }

  /** True for the test rows of docs/examples.md: the CRC-32 of the name is a multiple of 5. */
  static boolean isTest(Row r) {
    CRC32 crc = new CRC32();
    crc.update(r.string("name").getBytes(StandardCharsets.UTF_8));
    return crc.getValue() % 5 == 0;
  }

  /** Learns the vocabularies and the feature statistics from one pass over the training rows. */
  private static Setup adapt(Dataset<Row> train) {
    List<String> texts = new ArrayList<>();
    List<String> priorities = new ArrayList<>();
    List<String> sections = new ArrayList<>();
    List<Row> all = new ArrayList<>();
    train.forEach(
        r -> {
          texts.add(r.string("description"));
          priorities.add(r.string("priority"));
          sections.add(r.string("section"));
          all.add(r);
        });
    TextVectorization text = textVectorization().maxTokens(20000);
    text.name("vectorize");
    text.adapt(texts);
    StringLookup priority = stringLookup(null, 1, null, "[UNK]", "one_hot");
    priority.name("priority_one_hot");
    priority.adapt(priorities);
    Normalization numbers = normalization();
    numbers.name("normalize");
    numbers.adapt(features(all.toArray(new Row[0])));
    // no OOV index: every section of the test split occurs in training, and indices start at 0
    StringLookup sectionIds = stringLookup(null, 0, null, "[UNK]", "int");
    sectionIds.adapt(sections);
    return new Setup(text, priority, numbers, sectionIds);
  }

  /** The model: a text branch and a feature branch, concatenated, softmax over the sections. */
  private static Model build(Setup s) {
    var description = stringInput("description", 1);
    var priority = stringInput("priority", 1);
    var numbers = input("numbers", NUMERIC.length);

    var tokens = s.text().on(description);
    var x = embedding(s.text().vocabularySize(), 64).maskZero(true).name("embed").on(tokens);
    x = lstm(64).name("lstm").on(x);

    var f = concatenate(s.numbers().on(numbers), s.priority().on(priority));
    f = dense(32).activation("relu").name("features").on(f);

    var merged = concatenate(x, f);
    var out = dense(s.sections().vocabularySize()).activation("softmax").name("section").on(merged);
    Model m = model(List.of(description, priority, numbers), out);
    m.name("debian_sections");
    return m;
  }

  /** A batch of rows as the model's raw inputs: descriptions, priorities, numeric columns. */
  static Object[] rawInputs(Row[] b) {
    String[] text = new String[b.length];
    String[] prio = new String[b.length];
    for (int i = 0; i < b.length; i++) {
      text[i] = b[i].string("description");
      prio[i] = b[i].string("priority");
    }
    return new Object[] {text, prio, features(b)};
  }

  /** The numeric columns of some rows, {@code (n, 4)}, the installed size as {@code log1p}. */
  static Tensor features(Row[] b) {
    float[] v = new float[b.length * NUMERIC.length];
    for (int i = 0; i < b.length; i++) {
      for (int k = 0; k < NUMERIC.length; k++) {
        float x = b[i].number(NUMERIC[k]);
        v[i * NUMERIC.length + k] = k == 0 ? (float) Math.log1p(x) : x;
      }
    }
    return Tensor.wrap(v, b.length, NUMERIC.length);
  }

  /** A batch of rows as the tensors fit reads: the encoded inputs, then the section indices. */
  private static List<Tensor> encode(Model m, Setup s, Row[] b) {
    List<Tensor> out = new ArrayList<>(m.encodeInputs(rawInputs(b)));
    int[] y = labels(s, b);
    float[] f = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      f[i] = y[i];
    }
    out.add(Tensor.wrap(f, y.length, 1));
    return out;
  }

  private static int[] labels(Setup s, Row[] b) {
    String[] sec = new String[b.length];
    for (int i = 0; i < b.length; i++) {
      sec[i] = b[i].string("section");
    }
    float[] ids = s.sections().apply(sec).toArray();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  private static int[] argmax(Tensor probs) {
    int n = probs.shape().dim(0);
    int k = probs.shape().dim(1);
    float[] p = probs.toArray();
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int j = 1; j < k; j++) {
        if (p[i * k + j] > p[i * k + best]) {
          best = j;
        }
      }
      out[i] = best;
    }
    return out;
  }

  private static double agreement(int[] a, int[] b) {
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      same += a[i] == b[i] ? 1 : 0;
    }
    return (double) same / Math.max(1, a.length);
  }

  /** The test accuracy of always answering the training split's most frequent section. */
  private static double majority(int[] truth) {
    // StringLookup orders its vocabulary by frequency: index 0 is the most frequent section
    int hits = 0;
    for (int t : truth) {
      hits += t == 0 ? 1 : 0;
    }
    return (double) hits / Math.max(1, truth.length);
  }

  /** The section a model gives one description (priority optional, a small arch-all package). */
  static String section(Model m, List<String> sections, String description) {
    Tensor numbers = Tensor.wrap(new float[] {(float) Math.log1p(60), 1, 0, 1}, 1, NUMERIC.length);
    Tensor p = m.predict(new String[] {description}, new String[] {"optional"}, numbers);
    return sections.get(argmax(p)[0]);
  }

  /**
   * Prints the {@code k} sections with the most test errors: support, errors, recall, confusion.
   */
  private static void printWorstClasses(List<String> names, int[] truth, int[] pred, int k) {
    int c = names.size();
    int[][] confusion = new int[c][c];
    for (int i = 0; i < truth.length; i++) {
      confusion[truth[i]][pred[i]]++;
    }
    Integer[] order = new Integer[c];
    int[] errors = new int[c];
    int[] support = new int[c];
    for (int t = 0; t < c; t++) {
      order[t] = t;
      for (int p = 0; p < c; p++) {
        support[t] += confusion[t][p];
        errors[t] += p == t ? 0 : confusion[t][p];
      }
    }
    Arrays.sort(order, Comparator.comparingInt((Integer t) -> -errors[t]));
    System.out.printf(
        Locale.ROOT,
        "  %-12s %7s %6s %7s  %s%n",
        "section",
        "support",
        "errors",
        "recall",
        "most often taken for");
    for (int i = 0; i < Math.min(k, c); i++) {
      int t = order[i];
      int other = -1;
      for (int p = 0; p < c; p++) {
        if (p != t && (other < 0 || confusion[t][p] > confusion[t][other])) {
          other = p;
        }
      }
      System.out.printf(
          Locale.ROOT,
          "  %-12s %7d %6d %7.3f  %s (%d)%n",
          names.get(t),
          support[t],
          errors[t],
          support[t] == 0 ? 0.0 : 1.0 - (double) errors[t] / support[t],
          names.get(other),
          confusion[t][other]);
    }
  }

  /**
   * One pass of training batches: each chunk of {@code BUCKET_BATCHES} batches' worth of shuffled
   * rows is sorted by description length, cut into batches, and the batches given in a shuffled
   * order ({@code bucket_by_sequence_length}'s idea, within a window).
   */
  private static final class Buckets implements Iterator<Row[]> {
    private final DataIterator<Row[]> chunks;
    private final int batch;
    private final TextVectorization text;
    private final Rng rng;
    private final List<Row[]> ready = new ArrayList<>();

    Buckets(Dataset<Row[]> chunks, int batch, TextVectorization text, long seed) {
      this.chunks = chunks.iterator();
      this.batch = batch;
      this.text = text;
      this.rng = new Rng(seed);
    }

    @Override
    public boolean hasNext() {
      if (ready.isEmpty() && chunks.hasNext()) {
        Row[] chunk = chunks.next();
        int[] length = new int[chunk.length];
        Integer[] order = new Integer[chunk.length];
        for (int i = 0; i < chunk.length; i++) {
          order[i] = i;
          length[i] = text.tokens(chunk[i].string("description")).size();
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> length[i]));
        for (int at = 0; at < chunk.length; at += batch) {
          Row[] b = new Row[Math.min(batch, chunk.length - at)];
          for (int i = 0; i < b.length; i++) {
            b[i] = chunk[order[at + i]];
          }
          ready.add(b);
        }
        for (int i = ready.size() - 1; i > 0; i--) {
          int j = rng.nextInt(0, i + 1);
          Row[] tmp = ready.get(i);
          ready.set(i, ready.get(j));
          ready.set(j, tmp);
        }
      }
      return !ready.isEmpty();
    }

    @Override
    public Row[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.remove(ready.size() - 1);
    }
  }

  private static long cpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the output folder " + dir, e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }
}
