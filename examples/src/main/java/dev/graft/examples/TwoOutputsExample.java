package dev.graft.examples;

import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.History;
import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * A model with two outputs and two losses: one trunk reads the image; one head names the garment
 * (10 classes, sparse categorical cross-entropy), the other says whether it is footwear (sandal,
 * sneaker or ankle boot; binary cross-entropy). Each output gets its own loss and accuracy.
 */
public final class TwoOutputsExample {
  private TwoOutputsExample() {}

  /**
   * Trains on the bundled data and prints each output's test accuracy.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    seed(5);
    double[] acc = run(FashionMnist.bundled(), 3);
    System.out.printf(
        Locale.ROOT, "category accuracy %.4f, footwear accuracy %.4f%n", acc[0], acc[1]);
  }

  /**
   * Trains for {@code epochs}; returns the test accuracy of each output.
   *
   * @param data the training and test images
   * @param epochs the number of epochs
   * @return one test accuracy per output, in {@code [0, 1]}
   */
  public static double[] run(FashionMnist.Data data, int epochs) {
    var image = input("image", 28, 28, 1);
    var x = conv2d(16, 3).activation("relu").on(image);
    x = maxPooling2d().on(x);
    x = flatten().on(x);
    x = dense(64).activation("relu").on(x);
    var category = dense(10).activation("softmax").name("category").on(x);
    var footwear = dense(1).activation("sigmoid").name("footwear").on(x);
    Model m = model(List.of(image), List.of(category, footwear));
    m.compile(
        adam(),
        List.of("sparse_categorical_crossentropy", "binary_crossentropy"),
        List.of("accuracy"));
    m.summary();
    History h =
        m.fit(
            List.of(data.trainX()),
            List.of(data.trainY(), footwear(data.trainY())),
            epochs(epochs).batchSize(64));
    System.out.println("logged: " + h.history().keySet());
    double[] r = m.evaluate(List.of(data.testX()), List.of(data.testY(), footwear(data.testY())));
    List<String> names = m.metricsNames();
    return new double[] {
      r[names.indexOf("category_accuracy")], r[names.indexOf("footwear_accuracy")]
    };
  }

  /** 1 for sandals (5), sneakers (7) and ankle boots (9), else 0. */
  static Tensor footwear(Tensor labels) {
    int n = labels.shape().dim(0);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      int c = (int) labels.getFlat(i);
      out[i] = c == 5 || c == 7 || c == 9 ? 1 : 0;
    }
    return Tensor.of(out, n, 1);
  }
}
