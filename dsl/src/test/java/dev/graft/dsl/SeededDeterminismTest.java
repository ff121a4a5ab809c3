package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One seed, one result, with the default back-end ({@code auto}): building and training a model
 * twice in one JVM gives bit-identical weights (the first run partly interpreted, the second
 * JIT-compiled), repeated predictions are bit-identical, and another JVM computes the same weights
 * (one running C1-compiled code only; {@code -Xint} gives the same hash too, checked by hand as it
 * is too slow for the suite).
 */
class SeededDeterminismTest {
  /**
   * A merged model: convolution (Vector API kernels), LSTM and Dense branches, and dropout, whose
   * masks must repeat too.
   */
  static Model build() {
    var image = input("image", 10, 10, 3);
    var x = conv2d(16, 3).activation("relu").on(image);
    x = dense(24).activation("relu").on(flatten().on(maxPooling2d().on(x)));
    var text = input("text", 10);
    var t = lstm(12).on(embedding(50, 8).on(text));
    var merged = dense(16).activation("relu").on(dropout(0.3).on(concatenate(x, t)));
    Model m = model(List.of(image, text), dense(3).activation("softmax").on(merged));
    m.compile(adam(0.01), "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  /** Seeds, builds and trains the model for {@code epochs} on {@code n} samples; returns it. */
  static Model trained(long seed, int n, int epochs) {
    Graft.seed(seed);
    Rng data = new Rng(seed + 1);
    List<Tensor> x = List.of(Tensor.rand(data, n, 10, 10, 3), Tensor.randint(data, 0, 50, n, 10));
    Tensor y = Tensor.randint(data, 0, 3, n, 1);
    Model m = build();
    m.fit(x, y, epochs(epochs).batchSize(16).verbose(0));
    return m;
  }

  /** A hash of every weight's bits, in order. */
  static long weightsHash(Model m) {
    long h = 1125899906842597L;
    for (Tensor w : m.getWeights()) {
      for (float v : w.toArray()) {
        h = 31 * h + Float.floatToRawIntBits(v);
      }
    }
    return h;
  }

  static List<Tensor> probe() {
    Rng r = new Rng(99);
    return List.of(Tensor.rand(r, 40, 10, 10, 3), Tensor.randint(r, 0, 50, 40, 10));
  }

  @Test
  void sameSeedTwiceInOneJvmGivesBitIdenticalWeightsAndPredictions() {
    Model a = trained(42, 64, 2);
    Model b = trained(42, 64, 2);
    List<Tensor> wa = a.getWeights();
    List<Tensor> wb = b.getWeights();
    assertEquals(wa.size(), wb.size());
    for (int i = 0; i < wa.size(); i++) {
      assertArrayEquals(wa.get(i).toArray(), wb.get(i).toArray(), "weight " + i);
    }
    float[] first = a.predict(probe()).get(0).toArray();
    for (int r = 0; r < 5; r++) {
      assertArrayEquals(first, a.predict(probe()).get(0).toArray(), "predict " + r);
    }
    assertArrayEquals(first, b.predict(probe()).get(0).toArray());
  }

  @Test
  void anotherJvmTrainsTheSameWeights() throws IOException, InterruptedException {
    // Small, so the second JVM (started cold, on a shared machine) stays within seconds.
    long here = weightsHash(trained(7, 32, 1));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    // C1 only: starts faster, and its code (Vector API calls not intrinsified, no C2 rewrites)
    // must compute what this JVM's C2 code computed.
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Dgraft.threads=" + Parallel.threads());
    String blas = System.getProperty("graft.blas");
    if (blas != null) {
      cmd.add("-Dgraft.blas=" + blas);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Child.class.getName());
    cmd.add("7");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    assertTrue(done && p.exitValue() == 0, "child JVM failed: " + out);
    String last = out.strip().lines().reduce((x, y) -> y).orElse("");
    assertEquals("weights " + here, last, out);
  }

  /** The second JVM: trains with the seed given and prints the weights' hash. */
  public static final class Child {
    private Child() {}

    /** Prints {@code weights <hash>} for the seed in {@code args[0]}. */
    public static void main(String[] args) {
      System.out.println("weights " + weightsHash(trained(Long.parseLong(args[0]), 32, 1)));
    }
  }
}
