package dev.graft.examples;

import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * Freezing and un-freezing a pre-trained base, Keras's transfer-learning recipe: a convolutional
 * base with batch normalisation is pre-trained on the first five Fashion-MNIST classes (tops,
 * trousers, pullovers, dresses, coats), then reused for the other five (sandals, shirts, sneakers,
 * bags, boots): first frozen while a new head learns, then un-frozen and fine-tuned with a small
 * learning rate. The base is called with {@code training=false} ({@code base.on(x, false)}), so its
 * BatchNormalization keeps normalising with the statistics it learned, and keeps them, even while
 * its weights are fine-tuned.
 */
public final class FineTuningExample {
  private FineTuningExample() {}

  /** The accuracies on the new task after each phase. */
  public record Result(
      double frozenBase,
      double fineTuned,
      boolean baseUnchangedWhileFrozen,
      boolean movingStatisticsKeptWhileFineTuning) {}

  /**
   * Runs on the bundled data and prints the accuracies.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    seed(3);
    Result r = run(FashionMnist.bundled(), 3);
    System.out.printf(
        Locale.ROOT,
        "new task, frozen base: %.4f; after fine-tuning: %.4f (base unchanged while frozen: %s,"
            + " its BatchNormalization statistics kept while fine-tuning: %s)%n",
        r.frozenBase(),
        r.fineTuned(),
        r.baseUnchangedWhileFrozen(),
        r.movingStatisticsKeptWhileFineTuning());
  }

  /**
   * Pre-trains, transfers and fine-tunes, {@code epochs} epochs per phase.
   *
   * @param data the training and test images
   * @param epochs the epochs of each phase
   * @return the accuracies after each phase and the two checks
   */
  public static Result run(FashionMnist.Data data, int epochs) {
    Task old = Task.of(data, 0);
    Task fresh = Task.of(data, 5);

    var image = input(28, 28, 1);
    var x = conv2d(16, 3).useBias(false).on(image);
    var bn = batchNormalization();
    x = activation("relu").on(bn.on(x));
    x = maxPooling2d().on(x);
    x = conv2d(32, 3).activation("relu").on(x);
    x = globalAveragePooling2d().on(x);
    Model base = model(image, x);
    base.name("base");

    var in = input(28, 28, 1);
    Model pretraining = model(in, dense(5).activation("softmax").on(base.on(in)));
    pretraining.compile(adam(), "sparse_categorical_crossentropy", "accuracy");
    System.out.println("Pre-training the base on classes 0-4");
    pretraining.fit(old.x, old.y, epochs(epochs).batchSize(64));

    base.trainable(false);
    var in2 = input(28, 28, 1);
    // training=false: the base runs in inference mode inside the new model, also in fit.
    var h = dense(32).activation("relu").on(base.on(in2, false));
    Model transfer = model(in2, dense(5).activation("softmax").on(h));
    transfer.compile(adam(), "sparse_categorical_crossentropy", "accuracy");
    transfer.summary();
    var before = base.getWeights();
    System.out.println("Training a new head on classes 5-9, base frozen");
    transfer.fit(fresh.x, fresh.y, epochs(epochs).batchSize(64));
    boolean unchanged = same(before, base.getWeights());
    double frozenAcc = transfer.evaluate(fresh.testX, fresh.testY)[1];

    // Un-freeze; recompile so the optimizer sees the base's weights, with a small learning rate
    // so the pre-trained features are adjusted, not overwritten.
    base.trainable(true);
    transfer.compile(adam(1e-4), "sparse_categorical_crossentropy", "accuracy");
    System.out.println("Fine-tuning everything with lr 1e-4");
    var statistics = bn.getWeights().subList(2, 4);
    transfer.fit(fresh.x, fresh.y, epochs(epochs).batchSize(64));
    boolean kept = same(statistics, bn.getWeights().subList(2, 4));
    return new Result(frozenAcc, transfer.evaluate(fresh.testX, fresh.testY)[1], unchanged, kept);
  }

  private static boolean same(java.util.List<Tensor> a, java.util.List<Tensor> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i).toArray(), b.get(i).toArray())) {
        return false;
      }
    }
    return true;
  }

  /** The samples of five consecutive classes, labels shifted to 0..4. */
  record Task(Tensor x, Tensor y, Tensor testX, Tensor testY) {
    static Task of(FashionMnist.Data d, int first) {
      Tensor[] train = select(d.trainX(), d.trainY(), first);
      Tensor[] test = select(d.testX(), d.testY(), first);
      return new Task(train[0], train[1], test[0], test[1]);
    }

    private static Tensor[] select(Tensor x, Tensor y, int first) {
      int n = y.shape().dim(0);
      int[] keep = new int[n];
      int k = 0;
      for (int i = 0; i < n; i++) {
        float c = y.getFlat(i);
        if (c >= first && c < first + 5) {
          keep[k++] = i;
        }
      }
      int[] idx = Arrays.copyOf(keep, k);
      Tensor labels = y.take(idx);
      for (int i = 0; i < k; i++) {
        labels.setFlat(i, labels.getFlat(i) - first);
      }
      return new Tensor[] {x.take(idx), labels};
    }
  }
}
