package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.io.ModelIO;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The depthwise, separable and transposed convolution layers: hand-computed examples from Keras's
 * formulas for the 1-D forms (no reference case covers them), finite-difference gradients of every
 * form, a {@code .keras} round trip with Keras's weight names and shapes, and the refusals.
 */
class ConvLayersTest {
  private static Tensor predict(Layer layer, Tensor x) {
    int[] dims = x.shape().toArray();
    var in = input(java.util.Arrays.copyOfRange(dims, 1, dims.length));
    return model(in, layer.on(in)).predict(x);
  }

  @Test
  void separableConv1dIsDepthwiseThenPointwiseThenBias() {
    // x (1, 4, 2); depthwise_kernel (2, 2, 1); pointwise_kernel (1, 2, 1); bias (1); valid.
    // depthwise d[t, c] = x[t, c] * dk[0, c] + x[t + 1, c] * dk[1, c]:
    //   c = 0 (dk 1, 2): x 1 2 3 4 -> 5 8 11; c = 1 (dk -1, 1): x 10 20 30 40 -> 10 10 10
    // y[t] = 0.5 * d[t, 0] + 2 * d[t, 1] + 1 -> 23.5 25 26.5
    var layer = separableConv1d(1, 2);
    layer.ensureBuilt(List.of(Shape.of(Shape.UNKNOWN, 4, 2)));
    layer.setWeights(
        List.of(
            Tensor.of(new float[] {1, -1, 2, 1}, 2, 2, 1),
            Tensor.of(new float[] {0.5f, 2}, 1, 2, 1),
            Tensor.of(1f)));
    Tensor x = Tensor.of(new float[] {1, 10, 2, 20, 3, 30, 4, 40}, 1, 4, 2);
    assertArrayEquals(new float[] {23.5f, 25, 26.5f}, predict(layer, x).toArray(), 1e-5f);
  }

  @Test
  void separableConv1dWithMultiplierOrdersChannelsAsKeras() {
    // One input channel, M = 2: depthwise channels m = 0, 1 are x * 1 and x * -2 (k = 1), the
    // pointwise kernel (1, 2, 1) = (3, 1) mixes them: y = 3 x - 2 x = x; strides 2 keep t = 0, 2.
    var layer = separableConv1d(1, 1).depthMultiplier(2).strides(2).useBias(false);
    layer.ensureBuilt(List.of(Shape.of(Shape.UNKNOWN, 3, 1)));
    layer.setWeights(
        List.of(Tensor.of(new float[] {1, -2}, 1, 1, 2), Tensor.of(new float[] {3, 1}, 1, 2, 1)));
    Tensor x = Tensor.of(new float[] {4, 5, 6}, 1, 3, 1);
    assertArrayEquals(new float[] {4, 6}, predict(layer, x).toArray(), 1e-5f);
  }

  @Test
  void conv1dTransposeScattersEachStepThroughTheKernel() {
    // x = (1, 2), kernel (3, 1, 1) = (1, 10, 100), strides 2: out[2 t + j] += x[t] * k[j].
    // valid: length 2 * 2 + max(3 - 2, 0) = 5: 1 10 102 20 200, then bias 0.5.
    // same: length 4, the adjoint convolution pads 0 before and 1 after: the last tap falls off.
    Tensor kernel = Tensor.of(new float[] {1, 10, 100}, 3, 1, 1);
    Tensor x = Tensor.of(new float[] {1, 2}, 1, 2, 1);
    var valid = conv1dTranspose(1, 3).strides(2);
    valid.ensureBuilt(List.of(Shape.of(Shape.UNKNOWN, 2, 1)));
    valid.setWeights(List.of(kernel, Tensor.of(0.5f)));
    assertArrayEquals(
        new float[] {1.5f, 10.5f, 102.5f, 20.5f, 200.5f}, predict(valid, x).toArray(), 1e-5f);
    var same = conv1dTranspose(1, 3).strides(2).padding("same").useBias(false);
    same.ensureBuilt(List.of(Shape.of(Shape.UNKNOWN, 2, 1)));
    same.setWeights(List.of(kernel));
    assertArrayEquals(new float[] {1, 10, 102, 20}, predict(same, x).toArray(), 1e-5f);
    // output_padding 1 with valid: (2 - 1) * 2 + 3 + 1 = 6, the extra step is the bias alone.
    var padded = conv1dTranspose(1, 3).strides(2).outputPadding(1);
    padded.ensureBuilt(List.of(Shape.of(Shape.UNKNOWN, 2, 1)));
    padded.setWeights(List.of(kernel, Tensor.of(0.5f)));
    assertArrayEquals(
        new float[] {1.5f, 10.5f, 102.5f, 20.5f, 200.5f, 0.5f},
        predict(padded, x).toArray(),
        1e-5f);
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Rng rng = new Rng(5);
    check("depthwise_same", () -> depthwiseConv2d(3).padding("same"), rng, 2, 5, 4, 3);
    check(
        "depthwise_m2_s2",
        () -> depthwiseConv2d(2, 3).depthMultiplier(2).strides(2).activation("tanh"),
        rng,
        2,
        5,
        6,
        2);
    check("depthwise_dilated", () -> depthwiseConv2d(2).dilationRate(2, 1), rng, 1, 5, 4, 2);
    check(
        "separable2d",
        () -> separableConv2d(3, 3).depthMultiplier(2).padding("same"),
        rng,
        2,
        4,
        4,
        2);
    check(
        "separable1d",
        () -> separableConv1d(2, 3).strides(2).padding("same").depthMultiplier(2),
        rng,
        2,
        7,
        3);
    check("separable1d_dilated", () -> separableConv1d(2, 2).dilationRate(2), rng, 2, 6, 2);
    check(
        "conv2d_transpose_same",
        () -> conv2dTranspose(3, 3).strides(2).padding("same"),
        rng,
        2,
        3,
        2,
        2);
    check(
        "conv2d_transpose_valid_padded",
        () -> conv2dTranspose(2, 3, 2).strides(2, 3).outputPadding(1, 2),
        rng,
        1,
        3,
        2,
        2);
    check("conv1d_transpose", () -> conv1dTranspose(2, 3).strides(2), rng, 2, 3, 2);
    check(
        "conv1d_transpose_same_dilated",
        () -> conv1dTranspose(2, 2).dilationRate(2).padding("same"),
        rng,
        2,
        4,
        3);
  }

  private static void check(String name, Supplier<Layer> layer, Rng rng, int... dims) {
    new LayerHarness(
            layer.get(),
            List.of(Tensor.uniform(rng, -1f, 1f, dims)),
            new boolean[] {true},
            null,
            false)
        .checkFiniteDifferences(name);
  }

  @Test
  void modelRoundTripsWithKerasWeightNames(@TempDir Path dir) {
    var img = input(8, 8, 3);
    var x = depthwiseConv2d(3).depthMultiplier(2).padding("same").activation("relu").on(img);
    x = separableConv2d(4, 3).strides(2).on(x);
    x = conv2dTranspose(3, 3).strides(2).padding("same").outputPadding(1).on(x);
    var seq = input(6, 2);
    var s = separableConv1d(3, 2).depthMultiplier(2).on(seq);
    s = conv1dTranspose(2, 3).strides(2).on(s);
    var out = concatenate(flatten().on(x), flatten().on(s));
    Model m = model(List.of(img, seq), List.of(dense(1).on(out)));
    Rng rng = new Rng(9);
    Tensor a = Tensor.uniform(rng, -1f, 1f, 2, 8, 8, 3);
    Tensor b = Tensor.uniform(rng, -1f, 1f, 2, 6, 2);
    m.compile(adam(), "mse");
    m.fit(List.of(a, b), List.of(Tensor.uniform(rng, -1f, 1f, 2, 1)), epochs(1).verbose(0));
    Path file = dir.resolve("convs.keras");
    m.save(file);
    Model back = Model.load(file);
    assertTrue(back.predict(List.of(a, b)).get(0).allClose(m.predict(List.of(a, b)).get(0)));
    List<String> want =
        List.of(
            "depthwise_kernel (3, 3, 3, 2)",
            "bias (6,)",
            "depthwise_kernel (3, 3, 6, 1)",
            "pointwise_kernel (1, 1, 6, 4)",
            "bias (4,)",
            "kernel (3, 3, 3, 4)",
            "bias (3,)",
            "depthwise_kernel (2, 2, 2)",
            "pointwise_kernel (1, 4, 3)",
            "bias (3,)",
            "kernel (3, 2, 3)",
            "bias (2,)");
    List<String> got =
        back.weights().stream()
            .filter(v -> !v.name().startsWith("dense"))
            .map(v -> v.name().substring(v.name().lastIndexOf('/') + 1) + " " + v.shape())
            .toList();
    assertEquals(want, got);
    assertTrue(back.weights().get(0).name().startsWith("depthwise_conv2d"), "Keras's layer name");
    assertEquals(
        List.of(1, 1),
        back.layers().stream()
            .filter(l -> l.className().equals("Conv2DTranspose"))
            .map(l -> l.config().get("output_padding"))
            .map(p -> java.util.Arrays.stream((int[]) p).boxed().toList())
            .findFirst()
            .orElseThrow());
  }

  @Test
  void unsupportedSettingsAreRefusedByName() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelIO.layerFromConfig(
                    "{\"class_name\": \"DepthwiseConv2D\", \"config\": {\"name\": \"dw\","
                        + " \"kernel_size\": [3, 3], \"data_format\": \"channels_first\"}}"));
    assertTrue(e.getMessage().contains("data_format"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelIO.layerFromConfig(
                    "{\"class_name\": \"SeparableConv1D\", \"config\": {\"name\": \"sc\","
                        + " \"filters\": 2, \"kernel_size\": [3], \"padding\": \"causal\"}}"));
    assertTrue(e.getMessage().contains("padding"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> conv2dTranspose(2, 3).strides(2).outputPadding(2).on(input(4, 4, 1)));
    assertTrue(e.getMessage().contains("output_padding"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> depthwiseConv2d(3).depthMultiplier(0));
    assertEquals(
        "Invalid value for argument depth_multiplier of DepthwiseConv2D. Received:"
            + " depth_multiplier=0",
        e.getMessage());
  }
}
