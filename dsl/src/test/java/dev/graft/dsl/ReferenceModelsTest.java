package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.autograd.optim.Adam;
import dev.graft.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The three seed models rebuilt with the DSL, loaded with TensorFlow.js's reference weights ({@code
 * ../shared/reference/models}): predictions, loss, gradients and one Adam step must match.
 */
class ReferenceModelsTest {
  private static final double LR = 0.001;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-7;

  static Model seed1() {
    var inputImage = input("input_1", 64, 64, 3);
    var x = conv2d(32, 3).activation("relu").name("conv2d").on(inputImage);
    x = maxPooling2d().name("max_pooling2d").on(x);
    x = flatten().name("flatten").on(x);
    Model modelImage =
        model(inputImage, dense(128).activation("relu").name("dense").on(x)).name("model");
    var inputText = input("input_2", 100);
    var t = embedding(1000, 32).name("embedding").on(inputText);
    t = lstm(32).name("lstm").on(t);
    Model modelText =
        model(inputText, dense(128).activation("relu").name("dense_1").on(t)).name("model_1");
    var imageIn = input("image_input", 64, 64, 3);
    var textIn = input("text_input", 100);
    var merged = concatenate(modelImage.on(imageIn), modelText.on(textIn));
    merged = dense(64).activation("relu").name("dense_2").on(merged);
    var out = dense(1).activation("sigmoid").name("dense_3").on(merged);
    return model(List.of(imageIn, textIn), out);
  }

  /** Seed 2's two pre-trained blocks: the sequence model and the feature extractor. */
  static List<Model> seed2Blocks() {
    var seqIn = input("input_1", 200);
    var s = embedding(1000, 64).name("embedding").on(seqIn);
    s = lstm(64).name("lstm").on(s);
    Model sequenceModel =
        model(seqIn, dense(128).activation("relu").name("dense").on(s)).name("model");
    var featIn = input("input_2", 10);
    Model featureExtractor =
        model(featIn, dense(128).activation("relu").name("dense_1").on(featIn)).name("model_1");
    return List.of(sequenceModel, featureExtractor);
  }

  static Model seed2Functional() {
    List<Model> blocks = seed2Blocks();
    var seqIn = input("sequence_input", 200);
    var featIn = input("feature_input", 10);
    var merged = concatenate(blocks.get(0).on(seqIn), blocks.get(1).on(featIn));
    var hidden = dense(64).activation("relu").name("dense_2").on(merged);
    return model(List.of(seqIn, featIn), dense(1).activation("sigmoid").name("dense_3").on(hidden));
  }

  /** DESIGN.md's subclassed MergedModel, its layers named as in the reference. */
  static final class MergedModel extends Model {
    final Model sequenceModel;
    final Model featureExtractor;
    final Layer hidden = dense(64).activation("relu").name("dense_2");
    final Layer out = dense(1).activation("sigmoid").name("dense_3");

    MergedModel(Model sequenceModel, Model featureExtractor) {
      this.sequenceModel = sequenceModel;
      this.featureExtractor = featureExtractor;
    }

    @Override
    public SymbolicTensor call(List<SymbolicTensor> inputs) {
      var merged = concatenate(sequenceModel.on(inputs.get(0)), featureExtractor.on(inputs.get(1)));
      return out.on(hidden.on(merged));
    }
  }

  static Model seed2Subclassed() {
    List<Model> blocks = seed2Blocks();
    Model m = new MergedModel(blocks.get(0), blocks.get(1));
    return m.build(dev.graft.tensor.Shape.of(200), dev.graft.tensor.Shape.of(10));
  }

  static Model seed3() {
    var in = input("input_data", 32, 32, 3);
    Model a =
        sequential(
            conv2d(32, 3).activation("relu").name("conv2d").inputShape(32, 32, 3),
            maxPooling2d().name("max_pooling2d"),
            flatten().name("flatten"),
            dense(1).activation("sigmoid").name("dense"));
    Model b =
        sequential(
            conv2d(64, 3).activation("relu").name("conv2d_1").inputShape(32, 32, 3),
            maxPooling2d().name("max_pooling2d_1"),
            flatten().name("flatten_1"),
            dense(1).activation("sigmoid").name("dense_1"));
    return model(in, average(a.on(in), b.on(in)));
  }

  @Test
  void seed1FunctionalMerge() {
    check("seed1_functional_merge", ReferenceModelsTest::seed1);
  }

  @Test
  void seed2AsFunctionalModel() {
    check("seed2_subclassed_merge", ReferenceModelsTest::seed2Functional);
  }

  @Test
  void seed2AsSubclassedModel() {
    check("seed2_subclassed_merge", ReferenceModelsTest::seed2Subclassed);
  }

  @Test
  void seed3AverageEnsemble() {
    check("seed3_average_ensemble", ReferenceModelsTest::seed3);
  }

  private static void check(String seed, Supplier<Model> build) {
    Path dir = Reference.seed(seed);
    Object modelJson = Reference.json(dir.resolve("model.json"));
    Object caseJson = Reference.json(dir.resolve("case.json"));
    List<Object> manifest = Reference.manifest(modelJson);
    Map<String, Tensor> w0 = Reference.weights(dir.resolve("weights.bin"), manifest);
    Map<String, Tensor> wantAfter =
        Reference.weights(dir.resolve("weights_after_adam_step.bin"), manifest);
    Map<String, Tensor> wantGrads =
        Reference.weights(
            dir.resolve("loss_grads.bin"),
            Reference.get(caseJson, "train_step.loss_grads.weights"));
    List<Tensor> x = new ArrayList<>();
    for (Object rec : Reference.<List<Object>>get(caseJson, "inputs")) {
      x.add(Reference.tensor(rec));
    }
    List<Tensor> y = List.of(Reference.tensor(Reference.get(caseJson, "train_step.labels")));

    // TensorFlow.js's Adam rule: the stored step.
    Model m = build.get();
    assertEquals(((Double) Reference.get(caseJson, "param_count")).longValue(), m.countParams());
    Reference.load(m, w0);
    m.compile(new Adam().epsilonOnCorrectedMoments(true), "binary_crossentropy", "accuracy");
    Reference.assertClose(
        seed + " predictions",
        Reference.tensor(Reference.get(caseJson, "predictions")),
        m.predict(x).get(0));
    Map<String, Tensor> grads = m.gradients(x, y);
    wantGrads.forEach(
        (name, want) -> Reference.assertClose(name + " gradient", want, grads.get(name)));
    double[] r = m.trainOnBatch(x, y);
    double wantLoss = Reference.<Double>get(caseJson, "train_step.loss");
    assertEquals(wantLoss, r[0], 1e-5 + 1e-4 * wantLoss, seed + " loss");
    assertEquals(Reference.<Double>get(caseJson, "train_step.accuracy"), r[1], 1e-6, "accuracy");
    Map<String, Tensor> after = weightsByName(m);
    wantAfter.forEach((name, want) -> assertStep(name, want, after.get(name), grads.get(name)));

    // Keras's epsilon-hat rule (Graft's default): at t=1, w1 = w0 - lr g / (|g| + eps sqrt-hat).
    Model k = build.get();
    Reference.load(k, w0);
    k.compile(new Adam(), "binary_crossentropy");
    k.trainOnBatch(x, y);
    Map<String, Tensor> kerasAfter = weightsByName(k);
    double epsHat = EPSILON / Math.sqrt(1 - BETA2);
    wantGrads.forEach(
        (name, g) -> {
          Tensor w = w0.get(name);
          float[] want = new float[w.size()];
          for (int i = 0; i < want.length; i++) {
            double gi = g.getFlat(i);
            want[i] = (float) (w.getFlat(i) - LR * gi / (Math.abs(gi) + epsHat));
          }
          Reference.assertClose(
              name + " after Keras Adam",
              Tensor.of(want, w.shape().toArray()),
              kerasAfter.get(name));
        });
  }

  /**
   * Checks a weight after one tfjs Adam step. At t=1 the step is {@code lr g / (|g| + eps)}: for a
   * gradient near eps it is ill-conditioned, so the float32 cancellation noise of a 4-sample sum
   * (taken as 1e-8) may move it by {@code lr eps 1e-8 / (|g| + eps)^2}; that is allowed on top of
   * the usual tolerance. (One element of seed 1's 3.9 M dense kernel needs it.)
   */
  private static void assertStep(String name, Tensor want, Tensor got, Tensor grad) {
    for (int i = 0; i < want.size(); i++) {
      double w = want.getFlat(i);
      double g = Math.abs(grad.getFlat(i));
      double slack = LR * EPSILON * 1e-8 / ((g + EPSILON) * (g + EPSILON));
      double err = Math.abs(got.getFlat(i) - w);
      if (!(err <= 1e-5 + 1e-4 * Math.abs(w) + slack)) {
        throw new AssertionError(
            name + " after Adam [" + i + "]: got " + got.getFlat(i) + ", want " + w + ", g " + g);
      }
    }
  }

  private static Map<String, Tensor> weightsByName(Model m) {
    Map<String, Tensor> out = new java.util.LinkedHashMap<>();
    Reference.variables(m).forEach((k, v) -> out.put(k, v.value()));
    return out;
  }
}
