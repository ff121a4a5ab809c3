package dev.graft.benchmarks;

import dev.graft.dsl.Model;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a user sees first: in a fresh JVM, build one seed model, run 20 training steps on a batch of
 * 32, then 20 predictions, each timed alone (the peer's {@code benchmarks/peer/first_steps.py} does
 * the same in a fresh Python process). Prints one JSON object; args: the model name.
 */
public final class FirstSteps {
  private FirstSteps() {}

  /**
   * Runs the protocol for {@code args[0]} (a name of {@link SeedModels#NAMES}).
   *
   * @param args the seed model's name
   */
  public static void main(String[] args) {
    String name = args.length > 0 ? args[0] : SeedModels.NAMES.get(0);
    long t0 = System.nanoTime();
    Model m = SeedModels.build(name);
    double build = (System.nanoTime() - t0) / 1e6;
    Rng rng = new Rng(0);
    List<Tensor> x = SeedModels.inputs(name, rng, 32);
    List<Tensor> y = List.of(SeedModels.labels(rng, 32));
    double[] train = new double[20];
    for (int i = 0; i < train.length; i++) {
      long t = System.nanoTime();
      m.trainOnBatch(x, y);
      train[i] = (System.nanoTime() - t) / 1e6;
    }
    double[] predict = new double[20];
    for (int i = 0; i < predict.length; i++) {
      long t = System.nanoTime();
      m.predictOnBatch(x);
      predict[i] = (System.nanoTime() - t) / 1e6;
    }
    List<String> f = new ArrayList<>();
    f.add(figure("first20_train_" + name + "_ms", sum(train)));
    f.add(figure("first_train_step_" + name + "_ms", train[0]));
    f.add(figure("first20_predict_" + name + "_ms", sum(predict)));
    f.add(figure("build_" + name + "_ms", build));
    System.err.printf(
        Locale.ROOT,
        "[graft] %s train steps (ms): %s%n[graft] %s predicts (ms): %s%n",
        name,
        list(train),
        name,
        list(predict));
    System.out.println("{\"figures\": {" + String.join(", ", f) + "}}");
    System.exit(0);
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return s;
  }

  private static String list(double[] v) {
    StringBuilder b = new StringBuilder();
    for (double d : v) {
      b.append(String.format(Locale.ROOT, "%.1f ", d));
    }
    return b.toString().trim();
  }

  private static String figure(String key, double ms) {
    return String.format(Locale.ROOT, "\"%s\": %.3f", key, ms);
  }
}
