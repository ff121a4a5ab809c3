package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Tanh;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Keras's {@code run_layer_test} idea for every layer available through {@link Graft}: each layer
 * is built and called inside a model; its inferred output shape must equal the executed one; its
 * config must hold its constructor arguments; frozen ({@code trainable(false)}) it must come out of
 * a training step with every weight unchanged; unfrozen, a training step must run and move its
 * trainable weights.
 */
class LayerContractTest {
  /** One layer under test: how to make it, its sample inputs, and config entries it must have. */
  record Spec(
      String name,
      Supplier<Layer> layer,
      List<int[]> inputDims,
      boolean integerInput,
      Map<String, Object> config) {}

  static Spec spec(String name, Supplier<Layer> layer, int[] dims, Map<String, Object> config) {
    return new Spec(name, layer, List.of(dims), false, config);
  }

  static Spec merge(String name, Supplier<Layer> layer, Map<String, Object> config, int[]... dims) {
    return new Spec(name, layer, List.of(dims), false, config);
  }

  static List<Spec> specs() {
    int[] vec = {6};
    int[] img = {6, 5, 3};
    int[] seq = {5, 4};
    return List.of(
        spec(
            "dense",
            () -> dense(4).activation("relu"),
            vec,
            Map.of("units", 4, "activation", "relu")),
        spec(
            "conv2d",
            () -> conv2d(3, 3, 2).strides(2, 1).padding("same"),
            img,
            Map.of(
                "filters",
                3,
                "kernel_size",
                List.of(3, 2),
                "strides",
                List.of(2, 1),
                "padding",
                "same")),
        spec("max_pooling2d", () -> maxPooling2d(2), img, Map.of("pool_size", List.of(2, 2))),
        spec(
            "average_pooling2d",
            () -> averagePooling2d(2),
            img,
            Map.of("pool_size", List.of(2, 2))),
        spec("global_average_pooling2d", Graft::globalAveragePooling2d, img, Map.of()),
        spec("global_max_pooling2d", Graft::globalMaxPooling2d, img, Map.of()),
        spec("flatten", Graft::flatten, img, Map.of()),
        spec("reshape", () -> reshape(3, -1), vec, Map.of("target_shape", List.of(3, -1))),
        spec("repeat_vector", () -> repeatVector(3), vec, Map.of("n", 3)),
        spec("dropout", () -> dropout(0.25), vec, Map.of("rate", 0.25)),
        spec("activation", () -> activation("tanh"), vec, Map.of("activation", "tanh")),
        new Spec(
            "embedding",
            () -> embedding(10, 3),
            List.of(new int[] {5}),
            true,
            Map.of("input_dim", 10, "output_dim", 3)),
        spec(
            "lstm",
            () -> lstm(3).returnSequences(true),
            seq,
            Map.of("units", 3, "return_sequences", true)),
        spec("gru", () -> gru(3), seq, Map.of("units", 3)),
        spec("masking", () -> masking(0.5), seq, Map.of("mask_value", 0.5)),
        new Spec(
            "embedding_mask_zero",
            () -> embedding(10, 3).maskZero(true),
            List.of(new int[] {5}),
            true,
            Map.of("input_dim", 10, "output_dim", 3, "mask_zero", true)),
        spec("gru_reset_before", () -> gru(3).resetAfter(false), seq, Map.of("reset_after", false)),
        spec("lambda", () -> lambda(Tanh::of), vec, Map.of()),
        spec(
            "simple_rnn",
            () -> simpleRnn(3).returnSequences(true).goBackwards(true),
            seq,
            Map.of("units", 3, "return_sequences", true, "go_backwards", true)),
        spec(
            "bidirectional",
            () -> bidirectional(lstm(2).returnSequences(true)),
            seq,
            Map.of("merge_mode", "concat")),
        spec("bidirectional_gru_sum", () -> bidirectional(gru(2), "sum"), seq, Map.of()),
        spec("random_flip", Graft::randomFlip, img, Map.of("mode", "horizontal_and_vertical")),
        spec("random_rotation", () -> randomRotation(0.1), img, Map.of("fill_mode", "reflect")),
        spec("random_zoom", () -> randomZoom(0.2, 0.1), img, Map.of("interpolation", "bilinear")),
        spec("random_translation", () -> randomTranslation(0.1, 0.2), img, Map.of()),
        spec("simple_rnn_last", () -> simpleRnn(2), seq, Map.of("activation", "tanh")),
        merge("concatenate", () -> concatenateLayer(-1), Map.of("axis", -1), vec, new int[] {2}),
        merge("average", Graft::averageLayer, Map.of(), vec, vec),
        merge("add", dev.graft.layers.Add::new, Map.of(), vec, vec),
        merge("subtract", dev.graft.layers.Subtract::new, Map.of(), vec, vec),
        merge("multiply", dev.graft.layers.Multiply::new, Map.of(), vec, vec),
        merge("maximum", Graft::maximumLayer, Map.of(), vec, vec),
        merge("minimum", Graft::minimumLayer, Map.of(), vec, new int[] {1}),
        merge(
            "dot",
            () -> dotLayer(1).normalize(true),
            Map.of("axes", 1, "normalize", true),
            vec,
            vec),
        merge(
            "multi_head_attention",
            () -> multiHeadAttention(2, 3).valueDim(2).useCausalMask(true),
            Map.of("num_heads", 2, "key_dim", 3, "value_dim", 2),
            seq,
            seq),
        merge(
            "multi_head_attention_key_mask",
            () -> multiHeadAttention(2, 3).outputShape(3),
            Map.of("output_shape", List.of(3)),
            seq,
            new int[] {3, 2},
            new int[] {3, 6},
            new int[] {5, 3}),
        merge(
            "attention",
            () -> attention().useScale(true).scoreMode("concat"),
            Map.of("use_scale", true, "score_mode", "concat"),
            seq,
            seq),
        merge(
            "additive_attention",
            Graft::additiveAttention,
            Map.of("use_scale", true),
            seq,
            seq,
            seq),
        spec("permute", () -> permute(2, 1), seq, Map.of("dims", List.of(2, 1))),
        spec(
            "conv1d",
            () -> conv1d(3, 2).strides(2).padding("same").activation("relu"),
            seq,
            Map.of(
                "filters", 3, "kernel_size", List.of(2), "strides", List.of(2), "padding", "same")),
        spec("max_pooling1d", () -> maxPooling1d(2), seq, Map.of("pool_size", 2, "strides", 2)),
        spec("average_pooling1d", () -> averagePooling1d(2).strides(1), seq, Map.of("strides", 1)),
        spec("global_average_pooling1d", Graft::globalAveragePooling1d, seq, Map.of()),
        spec("rescaling", () -> rescaling(0.5, 1), vec, Map.of("scale", 0.5, "offset", 1.0)),
        spec("normalization", Graft::normalization, vec, Map.of("axis", List.of(-1))),
        spec("center_crop", () -> centerCrop(4, 3), img, Map.of("height", 4, "width", 3)),
        spec(
            "batch_normalization",
            () -> batchNormalization().momentum(0.9),
            img,
            Map.of("momentum", 0.9, "epsilon", 1e-3, "axis", -1)),
        spec("layer_normalization", Graft::layerNormalization, seq, Map.of("epsilon", 1e-3)),
        spec(
            "relu",
            () -> relu().maxValue(6).negativeSlope(0.1).threshold(0.2),
            vec,
            Map.of("max_value", 6, "negative_slope", 0.1, "threshold", 0.2)),
        spec("leaky_relu", () -> leakyRelu(0.2), vec, Map.of("negative_slope", 0.2)),
        spec("prelu", () -> prelu().sharedAxes(1, 2), img, Map.of("shared_axes", List.of(1, 2))),
        spec("elu", () -> elu(0.5), vec, Map.of("alpha", 0.5)),
        spec("softmax", () -> softmax(1), img, Map.of("axis", 1)),
        spec("thresholded_relu", () -> thresholdedRelu(0.3), vec, Map.of("theta", 0.3)),
        spec("identity", Graft::identity, vec, Map.of()),
        spec(
            "activity_regularization",
            () -> activityRegularization(0.01, 0.02),
            vec,
            Map.of("l1", 0.01, "l2", 0.02)),
        spec(
            "unit_normalization",
            () -> unitNormalization(1, 2),
            img,
            Map.of("axis", List.of(1, 2))),
        spec("gaussian_noise", () -> gaussianNoise(0.1), vec, Map.of("stddev", 0.1)),
        spec("gaussian_dropout", () -> gaussianDropout(0.3), vec, Map.of("rate", 0.3)),
        spec("alpha_dropout", () -> alphaDropout(0.3), vec, Map.of("rate", 0.3)),
        spec("spatial_dropout1d", () -> spatialDropout1d(0.3), seq, Map.of("rate", 0.3)),
        spec(
            "spatial_dropout2d",
            () -> spatialDropout2d(0.3),
            img,
            Map.of("rate", 0.3, "data_format", "channels_last")),
        spec("zero_padding1d", () -> zeroPadding1d(1, 2), seq, Map.of("padding", List.of(1, 2))),
        spec(
            "zero_padding2d",
            () -> zeroPadding2d(1, 2, 0, 1),
            img,
            Map.of("padding", List.of(List.of(1, 2), List.of(0, 1)))),
        spec("cropping1d", () -> cropping1d(2, 1), seq, Map.of("cropping", List.of(2, 1))),
        spec(
            "cropping2d",
            () -> cropping2d(1, 0, 2, 1),
            img,
            Map.of("cropping", List.of(List.of(1, 0), List.of(2, 1)))),
        spec("up_sampling1d", () -> upSampling1d(3), seq, Map.of("size", 3)),
        spec(
            "up_sampling2d_bilinear",
            () -> upSampling2d(2, 3).interpolation("bilinear"),
            img,
            Map.of("size", List.of(2, 3), "interpolation", "bilinear")),
        spec("global_max_pooling1d", Graft::globalMaxPooling1d, seq, Map.of("keepdims", false)),
        spec(
            "conv1d_causal",
            () -> conv1d(2, 3).padding("causal").dilationRate(2),
            seq,
            Map.of("padding", "causal", "dilation_rate", List.of(2))),
        merge(
            "dot_rank3",
            () -> dotLayer(2, 2).normalize(true),
            Map.of("axes", List.of(2, 2), "normalize", true),
            seq,
            new int[] {3, 4}),
        spec(
            "time_distributed_dense",
            () -> timeDistributed(dense(3).activation("relu")),
            seq,
            Map.of()),
        spec(
            "time_distributed_conv2d",
            () -> timeDistributed(conv2d(2, 2, 3)),
            new int[] {3, 5, 6, 2},
            Map.of()),
        spec(
            "group_normalization",
            () -> groupNormalization(2).epsilon(1e-2),
            seq,
            Map.of("groups", 2, "axis", -1, "epsilon", 1e-2, "center", true, "scale", true)),
        spec(
            "einsum_dense",
            () -> einsumDense("abc,cde->abde", NONE, 2, 3).biasAxes("de").activation("relu"),
            seq,
            Map.of(
                "equation",
                "abc,cde->abde",
                "bias_axes",
                "de",
                "output_shape",
                java.util.Arrays.asList(null, 2, 3))),
        spec(
            "time_distributed_sequential",
            () -> timeDistributed(sequential(input(4), dense(3).activation("relu"), dense(2))),
            seq,
            Map.of()),
        spec(
            "batch_normalization_no_gamma_beta",
            () -> batchNormalization().center(false).scale(false),
            img,
            Map.of("center", false, "scale", false)),
        spec(
            "layer_normalization_no_beta",
            () -> layerNormalization().center(false),
            seq,
            Map.of("center", false, "scale", true)),
        spec(
            "depthwise_conv2d",
            () -> depthwiseConv2d(3, 2).depthMultiplier(2).strides(2, 1).padding("same"),
            img,
            Map.of("kernel_size", List.of(3, 2), "depth_multiplier", 2, "strides", List.of(2, 1))),
        spec(
            "separable_conv2d",
            () -> separableConv2d(4, 3).depthMultiplier(2).padding("same").activation("relu"),
            img,
            Map.of("filters", 4, "kernel_size", List.of(3, 3), "depth_multiplier", 2)),
        spec(
            "separable_conv1d",
            () -> separableConv1d(3, 2).strides(2).dilationRate(1),
            seq,
            Map.of("filters", 3, "kernel_size", List.of(2), "strides", List.of(2))),
        spec(
            "conv2d_transpose",
            () -> conv2dTranspose(3, 3, 3).strides(2).padding("same").outputPadding(1, 0),
            img,
            Map.of("filters", 3, "strides", List.of(2, 2), "output_padding", List.of(1, 0))),
        spec(
            "conv1d_transpose",
            () -> conv1dTranspose(2, 3).strides(2).dilationRate(1),
            seq,
            Map.of("filters", 2, "kernel_size", List.of(3), "padding", "valid")));
  }

  @TestFactory
  Stream<DynamicTest> everyLayerHonoursTheContract() {
    return specs().stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> check(s)));
  }

  private static void check(Spec s) {
    Graft.seed(1);
    Layer layer = s.layer().get();
    List<SymbolicTensor> ins = new ArrayList<>();
    List<Tensor> xs = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    Rng rng = new Rng(2);
    for (int[] d : s.inputDims()) {
      ins.add(input(d));
      int[] full = Shape.batched(d).withBatch(3).toArray();
      xs.add(
          s.integerInput() ? Tensor.randint(rng, 0, 10, full) : Tensor.uniform(rng, -1f, 1f, full));
      shapes.add(Shape.batched(d));
    }
    SymbolicTensor out = layer.on(ins);
    Shape inferred = layer.outputShapes(shapes).get(0);
    assertEquals(inferred, out.shape(), s.name() + ": symbolic output shape");
    Model m = model(ins, out);
    Tensor y = m.predict(xs).get(0);
    assertEquals(inferred.withBatch(3), y.shape(), s.name() + ": executed vs inferred shape");

    Map<String, Object> config = layer.config();
    assertEquals(layer.name(), config.get("name"), s.name() + ": config name");
    for (Map.Entry<String, Object> e : s.config().entrySet()) {
      assertTrue(config.containsKey(e.getKey()), s.name() + ": config lacks " + e.getKey());
      assertEquals(
          normalize(e.getValue()),
          normalize(config.get(e.getKey())),
          s.name() + ": config " + e.getKey());
    }

    Tensor target = Tensor.uniform(rng, -1f, 1f, y.shape().toArray());
    layer.trainable(false);
    assertTrue(layer.trainableWeights().isEmpty(), s.name() + ": frozen but has trainable weights");
    List<Tensor> before = layer.getWeights();
    m.compile(sgd(0.5, 0, false), "mse");
    m.trainOnBatch(xs, List.of(target));
    List<Tensor> after = layer.getWeights();
    for (int i = 0; i < before.size(); i++) {
      assertTrue(
          Arrays.equals(before.get(i).toArray(), after.get(i).toArray()),
          s.name() + ": frozen weight " + layer.weights().get(i).name() + " changed in a fit step");
    }

    layer.trainable(true);
    Model again = model(ins, out);
    again.compile(sgd(0.5, 0, false), "mse");
    double loss = again.trainOnBatch(xs, List.of(target))[0];
    assertTrue(Double.isFinite(loss), s.name() + ": training loss " + loss);
    List<Variable> trainable = layer.trainableWeights();
    for (int i = 0; i < trainable.size(); i++) {
      int k = layer.weights().indexOf(trainable.get(i));
      assertFalse(
          Arrays.equals(before.get(k).toArray(), trainable.get(i).value().toArray()),
          s.name() + ": weight " + trainable.get(i).name() + " did not move in a training step");
    }
  }

  /** Config values compared loosely: int arrays as lists, numbers as doubles. */
  private static Object normalize(Object v) {
    if (v instanceof int[] a) {
      return Arrays.stream(a).boxed().map(i -> (double) i).toList();
    }
    if (v instanceof List<?> l) {
      return l.stream().map(LayerContractTest::normalize).toList();
    }
    if (v instanceof Number n) {
      return (double) n.floatValue();
    }
    return v;
  }
}
