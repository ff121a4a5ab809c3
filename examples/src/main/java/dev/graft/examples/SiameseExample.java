package dev.graft.examples;

import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Shared layers: a siamese network that tells whether two Fashion-MNIST images show the same kind
 * of garment. One encoder model is called on both images, so both sides use the same weights; the
 * head sees the squared difference of the two encodings.
 */
public final class SiameseExample {
  private SiameseExample() {}

  /**
   * Trains on pairs from the bundled data and prints the test accuracy.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    seed(7);
    System.out.printf(
        Locale.ROOT, "same-class test accuracy: %.4f%n", run(FashionMnist.bundled(), 3));
  }

  /**
   * Trains on pairs of the training images for {@code epochs}; returns the test pair accuracy.
   *
   * @param data the training and test images
   * @param epochs the number of epochs
   * @return the share of test pairs classified correctly, in {@code [0, 1]}
   */
  public static double run(FashionMnist.Data data, int epochs) {
    var image = input(28, 28, 1);
    var e = conv2d(16, 3).activation("relu").on(image);
    e = maxPooling2d().on(e);
    e = flatten().on(e);
    Model encoder = model(image, dense(32).activation("relu").on(e));
    encoder.name("encoder");

    var left = input("left", 28, 28, 1);
    var right = input("right", 28, 28, 1);
    // The same encoder on both sides: its weights are shared, not copied.
    var diff = subtract(encoder.on(left), encoder.on(right));
    var same = dense(1).activation("sigmoid").name("same").on(multiply(diff, diff));
    Model siamese = model(List.of(left, right), same);
    siamese.compile(adam(), "binary_crossentropy", "accuracy");
    siamese.summary();

    Random rnd = new Random(7);
    Pairs train = pairs(data.trainX(), data.trainY(), data.trainX().shape().dim(0), rnd);
    Pairs test = pairs(data.testX(), data.testY(), data.testX().shape().dim(0), rnd);
    siamese.fit(List.of(train.left, train.right), train.same, epochs(epochs).batchSize(64));
    double[] r = siamese.evaluate(List.of(test.left, test.right), test.same);
    return r[siamese.metricsNames().indexOf("accuracy")];
  }

  /** Image pairs and whether they show the same class (half the pairs do). */
  record Pairs(Tensor left, Tensor right, Tensor same) {}

  static Pairs pairs(Tensor x, Tensor y, int n, Random rnd) {
    int count = y.shape().dim(0);
    int[] a = new int[n];
    int[] b = new int[n];
    float[] same = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextInt(count);
      boolean wantSame = i % 2 == 0;
      int j;
      int tries = 0;
      do {
        j = rnd.nextInt(count);
      } while ((y.getFlat(j) == y.getFlat(a[i])) != wantSame && ++tries < 1000);
      b[i] = j;
      same[i] = y.getFlat(j) == y.getFlat(a[i]) ? 1 : 0;
    }
    return new Pairs(x.take(a), x.take(b), Tensor.of(same, n, 1));
  }
}
