package dev.graft.examples;

import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.History;
import dev.graft.dsl.Layer;
import dev.graft.dsl.Model;
import dev.graft.dsl.SymbolicTensor;
import dev.graft.tensor.Tensor;
import java.util.List;

/**
 * Seed example 2: a subclassed model whose {@code call} merges two models; traced once into the
 * same graph as a functional model, then trained on random data for two epochs.
 */
public final class SubclassedMerge {
  private SubclassedMerge() {}

  /** A model merging a sequence model and a feature extractor with a small head. */
  public static class MergedModel extends Model {
    final Model sequenceModel;
    final Model featureExtractor;
    final Layer hidden = dense(64).activation("relu");
    final Layer out = dense(1).activation("sigmoid");

    /**
     * Merges these two models.
     *
     * @param sequenceModel the branch reading the sequence input
     * @param featureExtractor the branch reading the image input
     */
    public MergedModel(Model sequenceModel, Model featureExtractor) {
      this.sequenceModel = sequenceModel;
      this.featureExtractor = featureExtractor;
    }

    @Override
    public SymbolicTensor call(List<SymbolicTensor> inputs) {
      var merged = concatenate(sequenceModel.on(inputs.get(0)), featureExtractor.on(inputs.get(1)));
      return out.on(hidden.on(merged));
    }
  }

  /**
   * Trains the subclassed model for two epochs and prints the history.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println(run());
  }

  /**
   * Builds, compiles and trains the model; returns the history.
   *
   * @return the losses and metrics of each epoch
   */
  public static History run() {
    var seqIn = input(200);
    Model sequenceModel =
        model(seqIn, dense(128).activation("relu").on(lstm(64).on(embedding(1000, 64).on(seqIn))));
    var featIn = input(10);
    Model featureExtractor = model(featIn, dense(128).activation("relu").on(featIn));
    var sub = new MergedModel(sequenceModel, featureExtractor);
    sub.compile(adam(), "binary_crossentropy", "accuracy");
    return sub.fit(
        List.of(Tensor.randint(0, 1000, 100, 200), Tensor.rand(100, 10)),
        Tensor.randint(0, 2, 100, 1),
        2); // epochs; batch size 32 by default
  }
}
