package dev.graft.examples;

import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;

/**
 * Seed example 3: two CNNs whose outputs are averaged into an ensemble, trained and used for
 * prediction on random data.
 */
public final class AveragingEnsemble {
  private AveragingEnsemble() {}

  /**
   * Trains the ensemble for two epochs and prints predictions for 8 images.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println(run());
  }

  /**
   * Builds and trains the ensemble; returns its predictions for 8 random images.
   *
   * @return the averaged sigmoid outputs {@code (8, 1)}
   */
  public static Tensor run() {
    var inputEnsemble = input("input_data", 32, 32, 3);
    Model modelA =
        sequential(
            conv2d(32, 3).activation("relu").inputShape(32, 32, 3),
            maxPooling2d(),
            flatten(),
            dense(1).activation("sigmoid"));
    Model modelB =
        sequential(
            conv2d(64, 3).activation("relu").inputShape(32, 32, 3),
            maxPooling2d(),
            flatten(),
            dense(1).activation("sigmoid"));
    Model ensemble =
        model(inputEnsemble, average(modelA.on(inputEnsemble), modelB.on(inputEnsemble)));
    ensemble.compile(adam(), "binary_crossentropy", "accuracy");
    ensemble.fit(Tensor.rand(100, 32, 32, 3), Tensor.randint(0, 2, 100, 1), 2);
    return ensemble.predict(Tensor.rand(8, 32, 32, 3));
  }
}
