package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.*;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three seed examples of DESIGN.md, exactly as written there. */
class SeedExamplesTest {
  @Test
  void functionalMerge() {
    // 1. Functional API: two models used as blocks of a new one
    var inputImage = input(64, 64, 3);
    var x = conv2d(32, 3).activation("relu").on(inputImage);
    x = maxPooling2d().on(x);
    x = flatten().on(x);
    Model modelImage = model(inputImage, dense(128).activation("relu").on(x));

    var inputText = input(100);
    var t = embedding(1000, 32).on(inputText);
    t = lstm(32).on(t);
    Model modelText = model(inputText, dense(128).activation("relu").on(t));

    var imageIn = input("image_input", 64, 64, 3);
    var textIn = input("text_input", 100);
    var merged = concatenate(modelImage.on(imageIn), modelText.on(textIn));
    merged = dense(64).activation("relu").on(merged);
    var finalOutput = dense(1).activation("sigmoid").on(merged);
    Model mergedModel = model(List.of(imageIn, textIn), finalOutput);
    mergedModel.compile(adam(), "binary_crossentropy", "accuracy");
    mergedModel.summary(); // Keras-style table; params must equal Keras's: 3,998,337

    assertEquals(3_998_337, mergedModel.countParams());
    assertTrue(mergedModel.summaryText(false).contains("3,998,337"));
    Tensor p =
        mergedModel
            .predict(List.of(Tensor.rand(5, 64, 64, 3), Tensor.randint(0, 1000, 5, 100)))
            .get(0);
    assertEquals(Shape.of(5, 1), p.shape());
  }

  @Test
  void subclassedMerge() {
    // 2. Subclassing: call() is traced once into the same IR
    class MergedModel extends Model {
      final Model sequenceModel, featureExtractor;
      final Layer hidden = dense(64).activation("relu");
      final Layer out = dense(1).activation("sigmoid");

      MergedModel(Model sequenceModel, Model featureExtractor) {
        this.sequenceModel = sequenceModel;
        this.featureExtractor = featureExtractor;
      }

      @Override
      public SymbolicTensor call(List<SymbolicTensor> inputs) {
        var merged =
            concatenate(sequenceModel.on(inputs.get(0)), featureExtractor.on(inputs.get(1)));
        return out.on(hidden.on(merged));
      }
    }
    var seqIn = input(200);
    Model sequenceModel =
        model(seqIn, dense(128).activation("relu").on(lstm(64).on(embedding(1000, 64).on(seqIn))));
    var featIn = input(10);
    Model featureExtractor = model(featIn, dense(128).activation("relu").on(featIn));
    var sub = new MergedModel(sequenceModel, featureExtractor);
    sub.compile(adam(), "binary_crossentropy", "accuracy");
    History h =
        sub.fit(
            List.of(Tensor.randint(0, 1000, 100, 200), Tensor.rand(100, 10)),
            Tensor.randint(0, 2, 100, 1),
            2); // epochs; batch size 32 by default

    assertEquals(2, h.get("loss").size());
    assertEquals(123_265, sub.countParams());
  }

  @Test
  void averagingEnsemble() {
    // 3. Ensemble: outputs averaged
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
    Tensor p = ensemble.predict(Tensor.rand(8, 32, 32, 3));

    assertEquals(Shape.of(8, 1), p.shape());
    assertEquals(24_290, ensemble.countParams());
  }
}
