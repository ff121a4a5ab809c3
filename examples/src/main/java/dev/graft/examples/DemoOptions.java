package dev.graft.examples;

import java.nio.file.Path;

/**
 * The main demo's command line: {@code --data DIR}, {@code --bundled}, {@code --out DIR}, {@code
 * --epochs N}, {@code --head-epochs N}, {@code --limit N}, {@code --verbose N}.
 *
 * @param data the folder of the full data set, or {@code null} for the default (Debian's)
 * @param bundled use the bundled subset even if the full data set is present
 * @param out where {@code training.svg} and {@code model.svg} go
 * @param epochs epochs of each branch's training
 * @param headEpochs epochs of the merged model's fine-tuning
 * @param limit at most this many training samples (and a quarter as many test samples); 0 = all
 * @param verbose fit's verbosity (-1 = automatic)
 */
public record DemoOptions(
    Path data, boolean bundled, Path out, int epochs, int headEpochs, int limit, int verbose) {

  /** The usage text. */
  public static final String USAGE =
      """
      Usage: MergeDemo [--data DIR | --bundled] [--out DIR] [--epochs N] [--head-epochs N]
                       [--limit N] [--verbose 0|1|2]
        --data DIR        folder with the four Fashion-MNIST *-ubyte.gz files (60,000/10,000);
                          default /usr/share/datasets/fashion-mnist (Debian's
                          dataset-fashion-mnist) when it exists, else the bundled subset
        --bundled         use the bundled 10,000 test images split 8,000/2,000
        --out DIR         where training.svg and model.svg go (default target/graft-demo)
        --epochs N        epochs per branch (default 4)
        --head-epochs N   epochs of fine-tuning the merged model (default 5)
        --limit N         use only the first N training and N/4 test images (quick runs)
      """;

  /**
   * The defaults.
   *
   * @return new options with the default values
   */
  public static DemoOptions defaults() {
    return new DemoOptions(null, false, Path.of("target", "graft-demo"), 4, 5, 0, -1);
  }

  /**
   * Parses the command line.
   *
   * @param args the command-line arguments
   * @return the options
   * @throws IllegalArgumentException naming the bad argument, with the usage
   */
  public static DemoOptions parse(String... args) {
    DemoOptions o = defaults();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--bundled")) {
        o = new DemoOptions(o.data, true, o.out, o.epochs, o.headEpochs, o.limit, o.verbose);
        continue;
      }
      if (i + 1 >= args.length || !a.startsWith("--")) {
        throw new IllegalArgumentException("Unknown or incomplete argument: " + a + "\n" + USAGE);
      }
      String v = args[++i];
      o =
          switch (a) {
            case "--data" ->
                new DemoOptions(
                    Path.of(v), o.bundled, o.out, o.epochs, o.headEpochs, o.limit, o.verbose);
            case "--out" ->
                new DemoOptions(
                    o.data, o.bundled, Path.of(v), o.epochs, o.headEpochs, o.limit, o.verbose);
            case "--epochs" ->
                new DemoOptions(
                    o.data, o.bundled, o.out, count(a, v, 1), o.headEpochs, o.limit, o.verbose);
            case "--head-epochs" ->
                new DemoOptions(
                    o.data, o.bundled, o.out, o.epochs, count(a, v, 1), o.limit, o.verbose);
            case "--limit" ->
                new DemoOptions(
                    o.data, o.bundled, o.out, o.epochs, o.headEpochs, count(a, v, 4), o.verbose);
            case "--verbose" ->
                new DemoOptions(
                    o.data, o.bundled, o.out, o.epochs, o.headEpochs, o.limit, count(a, v, 0));
            default -> throw new IllegalArgumentException("Unknown argument: " + a + "\n" + USAGE);
          };
    }
    if (o.bundled && o.data != null) {
      throw new IllegalArgumentException("Give either --data DIR or --bundled, not both");
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
   * The data these options select (printing nothing).
   *
   * @return the training and test images and labels
   */
  public FashionMnist.Data load() {
    FashionMnist.Data d;
    if (bundled) {
      d = FashionMnist.bundled();
    } else if (data != null) {
      d = FashionMnist.full(data);
    } else {
      d = FashionMnist.fullIfPresent(FashionMnist.DEBIAN_DIR);
    }
    return limit > 0 ? d.head(limit, Math.max(1, limit / 4)) : d;
  }
}
