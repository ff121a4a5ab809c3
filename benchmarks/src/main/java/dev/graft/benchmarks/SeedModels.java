package dev.graft.benchmarks;

import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.Model;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.util.List;

/**
 * The three seed models of DESIGN.md and their mock data (100 samples, binary labels), built
 * exactly as the PyTorch peer's {@code bench.py} builds its equivalents.
 */
final class SeedModels {
  /** The model names used in figure keys. */
  static final List<String> NAMES = List.of("m1_functional", "m2_subclassed", "m3_ensemble");

  private SeedModels() {}

  /** A fresh, compiled model. */
  static Model build(String name) {
    Model m =
        switch (name) {
          case "m1_functional" -> functional();
          case "m2_subclassed" -> subclassedEquivalent();
          case "m3_ensemble" -> ensemble();
          default -> throw new IllegalArgumentException("unknown seed model " + name);
        };
    m.compile(adam(), "binary_crossentropy", "accuracy");
    return m;
  }

  /** Inputs of {@code n} samples. */
  static List<Tensor> inputs(String name, Rng rng, int n) {
    return switch (name) {
      case "m1_functional" ->
          List.of(Tensor.rand(rng, n, 64, 64, 3), Tensor.randint(rng, 0, 1000, n, 100));
      case "m2_subclassed" ->
          List.of(Tensor.randint(rng, 0, 1000, n, 200), Tensor.rand(rng, n, 10));
      default -> List.of(Tensor.rand(rng, n, 32, 32, 3));
    };
  }

  /** Binary labels for {@code n} samples. */
  static Tensor labels(Rng rng, int n) {
    return Tensor.randint(rng, 0, 2, n, 1);
  }

  private static Model functional() {
    var inputImage = input(64, 64, 3);
    var x = conv2d(32, 3).activation("relu").on(inputImage);
    x = maxPooling2d().on(x);
    x = flatten().on(x);
    Model modelImage = model(inputImage, dense(128).activation("relu").on(x));
    var inputText = input(100);
    var t = lstm(32).on(embedding(1000, 32).on(inputText));
    Model modelText = model(inputText, dense(128).activation("relu").on(t));
    var imageIn = input("image_input", 64, 64, 3);
    var textIn = input("text_input", 100);
    var merged = concatenate(modelImage.on(imageIn), modelText.on(textIn));
    merged = dense(64).activation("relu").on(merged);
    return model(List.of(imageIn, textIn), dense(1).activation("sigmoid").on(merged));
  }

  private static Model subclassedEquivalent() {
    var seqIn = input(200);
    Model sequenceModel =
        model(seqIn, dense(128).activation("relu").on(lstm(64).on(embedding(1000, 64).on(seqIn))));
    var featIn = input(10);
    Model featureExtractor = model(featIn, dense(128).activation("relu").on(featIn));
    var a = input(200);
    var b = input(10);
    var merged = concatenate(sequenceModel.on(a), featureExtractor.on(b));
    var out = dense(1).activation("sigmoid").on(dense(64).activation("relu").on(merged));
    return model(List.of(a, b), out);
  }

  private static Model ensemble() {
    var in = input("input_data", 32, 32, 3);
    Model a =
        sequential(
            conv2d(32, 3).activation("relu").inputShape(32, 32, 3),
            maxPooling2d(),
            flatten(),
            dense(1).activation("sigmoid"));
    Model b =
        sequential(
            conv2d(64, 3).activation("relu").inputShape(32, 32, 3),
            maxPooling2d(),
            flatten(),
            dense(1).activation("sigmoid"));
    return model(in, average(a.on(in), b.on(in)));
  }
}
