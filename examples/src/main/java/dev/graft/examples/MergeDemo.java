package dev.graft.examples;

import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.History;
import dev.graft.dsl.Layer;
import dev.graft.dsl.Model;
import dev.graft.dsl.SymbolicTensor;
import dev.graft.tensor.Parallel;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The main demo: merging two pre-trained models on Fashion-MNIST.
 *
 * <ol>
 *   <li>Train a CNN on the 28x28 images and an LSTM that reads each image row by row (28 steps of
 *       28 pixels), separately.
 *   <li>Hand both over to fresh copies (the save/load step), freeze them, merge their features with
 *       {@code concatenate} and a new trainable head, fine-tune, and evaluate; also average the two
 *       branches into an ensemble.
 *   <li>Print the test accuracy of each; write {@code training.svg} and {@code model.svg}.
 * </ol>
 *
 * <p>Run from the project root: {@code mvn -q -pl examples -am compile exec:java} (add {@code
 * -Dexec.args="--help"} for the options).
 */
public final class MergeDemo {
  private MergeDemo() {}

  /** The test accuracies and the pictures written. */
  public record Result(
      double cnn, double lstm, double merged, double ensemble, Path trainingSvg, Path modelSvg) {
    /**
     * True if the merged model beats both branches.
     *
     * @return true if the merged accuracy is above each branch's
     */
    public boolean mergedBeatsBranches() {
      return merged > cnn && merged > lstm;
    }
  }

  /**
   * Runs the demo with command-line options (see {@link DemoOptions#USAGE}).
   *
   * @param args the command-line arguments, as {@link DemoOptions#USAGE} lists them
   */
  public static void main(String[] args) {
    if (List.of(args).contains("--help")) {
      System.out.print(DemoOptions.USAGE);
      return;
    }
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    run(options);
    // The kernel threads would end by themselves after the idle timeout; ending them now lets
    // `mvn exec:java`, which waits for the threads the program started, return at once.
    Parallel.shutdown();
  }

  /**
   * Runs the demo; prints progress and results to standard output.
   *
   * @param o the options
   * @return the measured accuracies, timings and the files written
   */
  public static Result run(DemoOptions o) {
    long wall = System.nanoTime();
    long cpu = cpuNanos();
    seed(42);
    FashionMnist.Data data = o.load();
    System.out.println("Data: " + data.source());
    var fit = epochs(o.epochs()).batchSize(64);
    if (o.verbose() >= 0) {
      fit.verbose(o.verbose());
    }
    Map<String, History> histories = new LinkedHashMap<>();

    System.out.println("\n== 1. Training the CNN branch");
    Model cnn = cnnBranch();
    cnn.compile(adam(), "sparse_categorical_crossentropy", "accuracy");
    histories.put("cnn", cnn.fit(data.trainX(), data.trainY(), fit));

    System.out.println("\n== 1. Training the LSTM branch (28 rows of 28 pixels)");
    Model lstm = lstmBranch();
    lstm.compile(adam(), "sparse_categorical_crossentropy", "accuracy");
    histories.put("lstm", lstm.fit(data.trainX(), data.trainY(), fit));

    // ---- SAVE / LOAD STEP -------------------------------------------------------------------
    // The branches go through .keras files, as pre-trained models do between programs: load
    // restores architecture, weights and compile settings.
    Path cnnFile = o.out().resolve("cnn.keras");
    Path lstmFile = o.out().resolve("lstm.keras");
    createDirectories(o.out());
    cnn.save(cnnFile);
    lstm.save(lstmFile);
    System.out.println("\nSaved " + cnnFile + " and " + lstmFile + "; loading them back");
    Model cnnLoaded = Model.load(cnnFile);
    Model lstmLoaded = Model.load(lstmFile);
    // ------------------------------------------------------------------------------------------

    System.out.println("\n== 2. Merging the frozen branches with a new head, fine-tuning");
    Model merged = merge(cnnLoaded, lstmLoaded);
    merged.compile(adam(), "sparse_categorical_crossentropy", "accuracy");
    merged.summary();
    var headFit = epochs(o.headEpochs()).batchSize(64);
    if (o.verbose() >= 0) {
      headFit.verbose(o.verbose());
    }
    histories.put("merged", merged.fit(data.trainX(), data.trainY(), headFit));

    var image = input("image", 28, 28, 1);
    Model ensemble = model(image, average(cnnLoaded.on(image), lstmLoaded.on(image)));
    ensemble.name("ensemble");
    ensemble.compile(adam(), "sparse_categorical_crossentropy", "accuracy");

    int n = data.testX().shape().dim(0);
    System.out.printf(Locale.ROOT, "%n== 3. Test accuracy on %,d images%n", n);
    double[] acc = {
      accuracy(cnnLoaded, data),
      accuracy(lstmLoaded, data),
      accuracy(merged, data),
      accuracy(ensemble, data)
    };
    String[] names = {
      "CNN branch", "LSTM branch", "merged (frozen branches + new head)", "averaging ensemble"
    };
    for (int i = 0; i < acc.length; i++) {
      System.out.printf(Locale.ROOT, "  %-38s %.4f%n", names[i], acc[i]);
    }
    Result r =
        new Result(
            acc[0],
            acc[1],
            acc[2],
            acc[3],
            o.out().resolve("training.svg"),
            o.out().resolve("model.svg"));
    System.out.println(
        r.mergedBeatsBranches()
            ? String.format(
                Locale.ROOT,
                "The merged model beats the best branch by %.2f points.",
                100 * (r.merged() - Math.max(r.cnn(), r.lstm())))
            : "The merged model did NOT beat both branches this time.");

    History.plot(histories, r.trainingSvg().toString());
    merged.plot(r.modelSvg().toString());
    System.out.println("Wrote " + r.trainingSvg() + " and " + r.modelSvg());
    System.out.printf(
        Locale.ROOT,
        "Time: %.0f s wall, %.0f s CPU%n",
        (System.nanoTime() - wall) / 1e9,
        (cpuNanos() - cpu) / 1e9);
    return r;
  }

  /** The CNN branch: two conv/pool blocks, a 64-unit feature layer, a softmax. */
  static Model cnnBranch() {
    var in = input("image", 28, 28, 1);
    var x = conv2d(16, 3).activation("relu").on(in);
    x = maxPooling2d().on(x);
    x = conv2d(32, 3).activation("relu").on(x);
    x = maxPooling2d().on(x);
    x = flatten().on(x);
    x = dense(64).activation("relu").name("cnn_features").on(x);
    Model m = model(in, dense(10).activation("softmax").name("cnn_classes").on(x));
    m.name("cnn");
    return m;
  }

  /** The LSTM branch: the image as 28 time steps of 28 pixels, a 64-unit LSTM, a softmax. */
  static Model lstmBranch() {
    var in = input("image", 28, 28, 1);
    var rows = reshape(28, 28).on(in);
    var x = lstm(64).name("lstm_features").on(rows);
    Model m = model(in, dense(10).activation("softmax").name("lstm_classes").on(x));
    m.name("lstm");
    return m;
  }

  /**
   * The merged model: each branch up to its feature layer, frozen, concatenated, then a new
   * trainable head.
   */
  static Model merge(Model cnn, Model lstm) {
    Model cnnFeatures = features(cnn, "cnn_features");
    Model lstmFeatures = features(lstm, "lstm_features");
    cnnFeatures.trainable(false);
    lstmFeatures.trainable(false);
    var image = input("image", 28, 28, 1);
    var x = concatenate(cnnFeatures.on(image), lstmFeatures.on(image));
    x = dense(64).activation("relu").name("head_hidden").on(x);
    Model m = model(image, dense(10).activation("softmax").name("head_classes").on(x));
    m.name("merged");
    return m;
  }

  /** A model from {@code m}'s input to the output of its layer {@code layer} (shared weights). */
  static Model features(Model m, String layer) {
    Layer l = m.getLayer(layer);
    SymbolicTensor out = l.calls().get(0).outputs().get(0);
    Model f = model(m.inputs().get(0), out);
    f.name(m.name() + "_features");
    return f;
  }

  private static double accuracy(Model m, FashionMnist.Data d) {
    double[] r = m.evaluate(d.testX(), d.testY());
    return r[m.metricsNames().indexOf("accuracy")];
  }

  private static void createDirectories(Path dir) {
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot create the output folder " + dir, e);
    }
  }

  private static long cpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }
}
