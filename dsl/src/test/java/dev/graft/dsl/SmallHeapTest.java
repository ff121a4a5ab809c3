package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
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
 * docs/performance.md's "seed model 1 trains at batch 32 within -Xmx1g": in a JVM with that heap.
 */
class SmallHeapTest {
  @Test
  void seedModelOneTrainsWithinOneGigabyte() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.add("-Xmx1g");
    cmd.add("-Dgraft.threads=" + Parallel.threads());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Child.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    assertTrue(done && p.exitValue() == 0, "the -Xmx1g JVM failed: " + out);
    assertTrue(out.contains("trained 3 steps, max heap"), out);
  }

  /** Builds the README's first model (3,998,337 weights) and trains three batches of 32. */
  public static final class Child {
    private Child() {}

    /** Prints the steps trained and the heap limit. */
    public static void main(String[] args) {
      Graft.seed(1);
      var inputImage = input(64, 64, 3);
      var x = conv2d(32, 3).activation("relu").on(inputImage);
      x = flatten().on(maxPooling2d().on(x));
      Model modelImage = model(inputImage, dense(128).activation("relu").on(x));
      var inputText = input(100);
      var t = lstm(32).on(embedding(1000, 32).on(inputText));
      Model modelText = model(inputText, dense(128).activation("relu").on(t));
      var imageIn = input("image_input", 64, 64, 3);
      var textIn = input("text_input", 100);
      var merged = concatenate(modelImage.on(imageIn), modelText.on(textIn));
      merged = dense(64).activation("relu").on(merged);
      Model m = model(List.of(imageIn, textIn), dense(1).activation("sigmoid").on(merged));
      m.compile(adam(), "binary_crossentropy", "accuracy");
      if (m.countParams() != 3_998_337) {
        throw new AssertionError("not seed model 1: " + m.countParams() + " weights");
      }
      Rng rng = new Rng(2);
      Tensor images = Tensor.rand(rng, 32, 64, 64, 3);
      float[] ids = new float[32 * 100];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = i % 1000;
      }
      Tensor tokens = Tensor.wrap(ids, 32, 100);
      Tensor labels = Tensor.rand(rng, 32, 1);
      for (int s = 0; s < 3; s++) {
        m.trainOnBatch(List.of(images, tokens), List.of(labels));
      }
      System.out.println(
          "trained 3 steps, max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
    }
  }
}
