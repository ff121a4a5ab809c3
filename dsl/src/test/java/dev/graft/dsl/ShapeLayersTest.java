package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.layers.TimeDistributed;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Padding, cropping, upsampling, GlobalMaxPooling1D, causal Conv1D, Dot on any rank and
 * TimeDistributed: values worked out by hand from Keras's formulas (the cases without a
 * TensorFlow.js reference), finite-difference gradients, and argument errors.
 */
class ShapeLayersTest {
  private static final float TOL = 1e-6f;

  /** Runs {@code layer} on {@code inputs} (forward only) through the harness. */
  private static Tensor run(Layer layer, Tensor... inputs) {
    boolean[] diff = new boolean[inputs.length];
    return new LayerHarness(layer, List.of(inputs), diff, null, false).output();
  }

  private static void assertValues(float[] want, int[] shape, Tensor got) {
    assertEquals(Shape.of(shape), got.shape());
    assertArrayEquals(want, got.toArray(), TOL);
  }

  @Test
  void zeroPaddingAndCroppingOneDimensional() {
    Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 3, 1);
    assertValues(new float[] {0, 1, 2, 3, 0, 0}, new int[] {1, 6, 1}, run(zeroPadding1d(1, 2), x));
    assertValues(new float[] {0, 1, 2, 3, 0}, new int[] {1, 5, 1}, run(zeroPadding1d(1), x));
    Tensor y = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 3, 2);
    assertValues(new float[] {3, 4, 5, 6}, new int[] {1, 2, 2}, run(cropping1d(1, 0), y));
    assertValues(new float[] {3, 4}, new int[] {1, 1, 2}, run(cropping1d(1), y));
  }

  @Test
  void zeroPaddingAndCroppingTwoDimensional() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2, 1);
    // ((top, bottom), (left, right)) = ((1, 0), (0, 2))
    assertValues(
        new float[] {0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0},
        new int[] {1, 3, 4, 1},
        run(zeroPadding2d(1, 0, 0, 2), x));
    Tensor y = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3, 1);
    assertValues(new float[] {4, 5}, new int[] {1, 1, 2, 1}, run(cropping2d(1, 1, 0, 1), y));
  }

  @Test
  void upSamplingNearestRepeats() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2);
    assertValues(
        new float[] {1, 2, 1, 2, 3, 4, 3, 4}, new int[] {1, 4, 2}, run(upSampling1d(2), x));
    Tensor img = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2, 1);
    assertValues(
        new float[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4},
        new int[] {1, 2, 6, 1},
        run(upSampling2d(1, 3), img));
  }

  @Test
  void upSamplingBilinearUsesHalfPixelCentres() {
    // Keras 3 / TF2 resize: 1 2 3 4 doubled is 1 1.25 1.75 2.25 2.75 3.25 3.75 4.
    Tensor row = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 4, 1);
    assertValues(
        new float[] {1, 1.25f, 1.75f, 2.25f, 2.75f, 3.25f, 3.75f, 4},
        new int[] {1, 1, 8, 1},
        run(upSampling2d(1, 2).interpolation("bilinear"), row));
    // Tripled: position (o + 0.5) / 3 - 0.5 = -1/3, 0, 1/3, 2/3, 1, 4/3, clamped at the edges.
    Tensor pair = Tensor.of(new float[] {1, 2}, 1, 1, 2, 1);
    assertValues(
        new float[] {1, 1, 4 / 3f, 5 / 3f, 2, 2},
        new int[] {1, 1, 6, 1},
        run(upSampling2d(1, 3).interpolation("bilinear"), pair));
    // Both axes: rows weigh (1, 0), (3/4, 1/4), (1/4, 3/4), (0, 1) as the columns do.
    Tensor img = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2, 1);
    assertValues(
        new float[] {
          1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4
        },
        new int[] {1, 4, 4, 1},
        run(upSampling2d().interpolation("bilinear"), img));
  }

  @Test
  void globalMaxPooling1dKeepsDims() {
    Tensor x = Tensor.of(new float[] {1, 5, 3, 2, 2, 4}, 1, 3, 2);
    assertValues(new float[] {3, 5}, new int[] {1, 2}, run(globalMaxPooling1d(), x));
    assertValues(
        new float[] {3, 5}, new int[] {1, 1, 2}, run(globalMaxPooling1d().keepdims(true), x));
  }

  @Test
  void globalPooling2dKeepsDims() {
    Tensor x = Tensor.of(new float[] {1, 5, 3, 2, 2, 4, 0, 6}, 1, 2, 2, 2);
    assertValues(
        new float[] {3, 6}, new int[] {1, 1, 1, 2}, run(globalMaxPooling2d().keepdims(true), x));
    assertValues(
        new float[] {1.5f, 4.25f},
        new int[] {1, 1, 1, 2},
        run(globalAveragePooling2d().keepdims(true), x));
    assertEquals(true, globalMaxPooling2d().keepdims(true).config().get("keepdims"));
  }

  @Test
  void globalAveragePooling1dKeepsDims() {
    Tensor x = Tensor.of(new float[] {1, 5, 3, 2, 2, 4}, 1, 3, 2);
    assertValues(
        new float[] {2, 11f / 3},
        new int[] {1, 1, 2},
        run(globalAveragePooling1d().keepdims(true), x));
    Layer loaded =
        dev.graft.dsl.io.ModelIO.layerFromConfig(
            "{\"class_name\": \"GlobalAveragePooling1D\", \"config\": {\"name\": \"gap\","
                + " \"keepdims\": true}}");
    assertEquals(true, loaded.config().get("keepdims"));
  }

  @Test
  void causalConv1dSeesOnlyThePast() {
    // out[t] = sum_i x[t - (k - 1) d + i d] w[i], zeros before the start: w = (1, 10), d = 2.
    var conv = conv1d(1, 2).padding("causal").dilationRate(2).useBias(false);
    conv.ensureBuilt(List.of(Shape.of(1, 4, 1)));
    conv.setWeights(List.of(Tensor.of(new float[] {1, 10}, 2, 1, 1)));
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 4, 1);
    assertValues(new float[] {10, 20, 31, 42}, new int[] {1, 4, 1}, run(conv, x));
    assertEquals("causal", conv.config().get("padding"));
  }

  @Test
  void dotOnRank3InputsFollowsBatchDot() {
    // axes [1, 2]: a (1, 2, 3) summed over its 2 rows, b (1, 4, 2) over its 2 columns -> (1, 3, 4).
    Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 3);
    Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1, 2, -1}, 1, 4, 2);
    assertValues(
        new float[] {1, 4, 5, -2, 2, 5, 7, -1, 3, 6, 9, 0},
        new int[] {1, 3, 4},
        run(dotLayer(1, 2), a, b));
    // axes [2, 1] swaps the roles: (1, 4, 2) . (1, 2, 3) -> (1, 4, 3) = b . a as matrices.
    assertValues(
        new float[] {1, 2, 3, 4, 5, 6, 5, 7, 9, -2, -1, 0},
        new int[] {1, 4, 3},
        run(dotLayer(2, 1), b, a));
    // Rank 2 with rank 3: (1, 2) . (1, 2, 3) over axis 1 -> (1, 3).
    Tensor v = Tensor.of(new float[] {1, 2}, 1, 2);
    assertValues(new float[] {9, 12, 15}, new int[] {1, 3}, run(dotLayer(1), v, a));
    // normalize, axis -1: cosine similarity of (3, 4) with the rows (3, 4) and (0, 5).
    Tensor q = Tensor.of(new float[] {3, 4}, 1, 1, 2);
    Tensor k = Tensor.of(new float[] {3, 4, 0, 5}, 1, 2, 2);
    assertValues(
        new float[] {1, 0.8f}, new int[] {1, 1, 2}, run(dotLayer(-1).normalize(true), q, k));
    assertEquals(List.of(1, 2), dotLayer(1, 2).config().get("axes"));
    assertEquals(-1, dotLayer(-1).config().get("axes"));
  }

  @Test
  void dotOnRank4InputsFollowsBatchDot() {
    Rng rng = new Rng(3);
    // axes [2, 1]: a (2, 2, 3, 4) over its middle axis, b (2, 3, 5) over its rows -> (2, 2, 4, 5),
    // out[n, i, j, p] = sum_c a[n, i, c, j] b[n, c, p].
    Tensor a = Tensor.uniform(rng, -1f, 1f, 2, 2, 3, 4);
    Tensor b = Tensor.uniform(rng, -1f, 1f, 2, 3, 5);
    float[] want = new float[2 * 2 * 4 * 5];
    int at = 0;
    for (int n = 0; n < 2; n++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 4; j++) {
          for (int p = 0; p < 5; p++) {
            float sum = 0;
            for (int c = 0; c < 3; c++) {
              sum += a.get(n, i, c, j) * b.get(n, c, p);
            }
            want[at++] = sum;
          }
        }
      }
    }
    assertValues(want, new int[] {2, 2, 4, 5}, run(dotLayer(2, 1), a, b));
    // axes [1, -1]: a (2, 3, 2, 2) over axis 1, b (2, 2, 3) over its last -> (2, 2, 2, 2),
    // out[n, i, j, p] = sum_c a[n, c, i, j] b[n, p, c].
    Tensor x = Tensor.uniform(rng, -1f, 1f, 2, 3, 2, 2);
    Tensor y = Tensor.uniform(rng, -1f, 1f, 2, 2, 3);
    float[] want2 = new float[16];
    at = 0;
    for (int n = 0; n < 2; n++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          for (int p = 0; p < 2; p++) {
            float sum = 0;
            for (int c = 0; c < 3; c++) {
              sum += x.get(n, c, i, j) * y.get(n, p, c);
            }
            want2[at++] = sum;
          }
        }
      }
    }
    assertValues(want2, new int[] {2, 2, 2, 2}, run(dotLayer(1, -1), x, y));
  }

  @Test
  void timeDistributedSharesOneLayerAcrossSteps() {
    clearSession();
    var inner = dense(1);
    TimeDistributed td = timeDistributed(inner);
    td.ensureBuilt(List.of(Shape.of(1, 2, 2)));
    td.setWeights(List.of(Tensor.of(new float[] {1, 2}, 2, 1), Tensor.of(new float[] {0.5f}, 1)));
    Tensor x = Tensor.of(new float[] {1, 1, 2, 0}, 1, 2, 2);
    assertValues(new float[] {3.5f, 2.5f}, new int[] {1, 2, 1}, run(td, x));
    // Weights named under the wrapper as Keras 2 and TensorFlow.js name them; config keeps "dense".
    assertEquals(
        List.of(td.name() + "/kernel", td.name() + "/bias"),
        td.weights().stream().map(w -> w.name()).toList());
    Map<?, ?> wrapped = (Map<?, ?>) td.config().get("layer");
    assertEquals("Dense", wrapped.get("class_name"));
    assertEquals("dense", ((Map<?, ?>) wrapped.get("config")).get("name"));
    assertEquals(3, td.countParams());
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Rng rng = new Rng(7);
    check("zero_padding1d", () -> zeroPadding1d(2, 1), rng, 2, 3, 2);
    check("zero_padding2d", () -> zeroPadding2d(1, 2, 0, 1), rng, 2, 3, 2, 2);
    check("cropping1d", () -> cropping1d(1, 2), rng, 2, 5, 2);
    check("cropping2d", () -> cropping2d(0, 1, 2, 1), rng, 2, 3, 5, 2);
    check("up_sampling1d", () -> upSampling1d(3), rng, 2, 3, 2);
    check("up_sampling2d_nearest", () -> upSampling2d(2, 3), rng, 2, 2, 3, 2);
    check(
        "up_sampling2d_bilinear",
        () -> upSampling2d(3, 2).interpolation("bilinear"),
        rng,
        2,
        3,
        2,
        2);
    check("global_max_pooling1d", () -> globalMaxPooling1d().keepdims(true), rng, 2, 4, 3);
    check(
        "conv1d_causal_s2",
        () -> conv1d(2, 3).padding("causal").dilationRate(2).strides(2),
        rng,
        2,
        7,
        2);
    check(
        "time_distributed_dense", () -> timeDistributed(dense(3).activation("tanh")), rng, 2, 3, 4);
    check("time_distributed_conv2d", () -> timeDistributed(conv2d(2, 2, 2)), rng, 2, 2, 3, 3, 2);
    checkDot("dot_12", () -> dotLayer(1, 2), rng, new int[] {2, 3, 4}, new int[] {2, 5, 3});
    checkDot(
        "dot_21_normalize",
        () -> dotLayer(2, 1).normalize(true),
        rng,
        new int[] {2, 3, 4},
        new int[] {2, 4, 2});
    checkDot("dot_rank2_rank3", () -> dotLayer(-1, 1), rng, new int[] {2, 3}, new int[] {2, 3, 2});
    checkDot(
        "dot_rank4_middle", () -> dotLayer(2, 1), rng, new int[] {2, 2, 3, 2}, new int[] {2, 3, 2});
    checkDot(
        "dot_rank4_first_last",
        () -> dotLayer(1, 3).normalize(true),
        rng,
        new int[] {2, 3, 2, 2},
        new int[] {2, 2, 2, 3});
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

  private static void checkDot(String name, Supplier<Layer> layer, Rng rng, int[] a, int[] b) {
    new LayerHarness(
            layer.get(),
            List.of(Tensor.uniform(rng, -1f, 1f, a), Tensor.uniform(rng, -1f, 1f, b)),
            new boolean[] {true, true},
            null,
            false)
        .checkFiniteDifferences(name);
  }

  @Test
  void unknownLengthsStayUnknownInOutputShapes() {
    int u = Shape.UNKNOWN;
    List<Shape> seq = List.of(Shape.of(u, u, 4));
    List<Shape> img = List.of(Shape.of(u, u, u, 3));
    assertEquals(List.of(Shape.of(u, u, 4)), zeroPadding1d(1).outputShapes(seq));
    assertEquals(List.of(Shape.of(u, u, 4)), cropping1d(1).outputShapes(seq));
    assertEquals(List.of(Shape.of(u, u, 4)), upSampling1d(2).outputShapes(seq));
    assertEquals(List.of(Shape.of(u, 4)), globalMaxPooling1d().outputShapes(seq));
    assertEquals(List.of(Shape.of(u, u, u, 3)), zeroPadding2d(1).outputShapes(img));
    assertEquals(List.of(Shape.of(u, u, u, 3)), cropping2d(1, 1).outputShapes(img));
    assertEquals(List.of(Shape.of(u, u, u, 3)), upSampling2d().outputShapes(img));
    var td = timeDistributed(dense(3));
    td.ensureBuilt(seq);
    assertEquals(List.of(Shape.of(u, u, 3)), td.outputShapes(seq));
  }

  @Test
  void badArgumentsAndShapesAreNamed() {
    clearSession();
    var e = assertThrows(IllegalArgumentException.class, () -> zeroPadding2d(1, -1, 0, 0));
    assertEquals(
        "Invalid value for argument padding of ZeroPadding2D. Received: padding=((1, -1), (0, 0))",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> cropping1d(-1, 0));
    assertEquals(
        "Invalid value for argument cropping of Cropping1D. Received: cropping=(-1, 0)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> upSampling2d().interpolation("bicubic"));
    assertEquals(
        "Invalid value for argument interpolation of UpSampling2D. Received: interpolation=bicubic"
            + " (Graft supports \"nearest\" and \"bilinear\")",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> upSampling1d(0));
    assertThrows(IllegalArgumentException.class, () -> dotLayer(0, 1));
    var seq = input(3, 4);
    e = assertThrows(IllegalArgumentException.class, () -> cropping1d(2, 1).name("crop").on(seq));
    assertEquals(
        "Input 0 of layer \"crop\" is incompatible: expected axis 1 longer than the cropping (2, 1)"
            + " removes (3), got shape (None, 3, 4)",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> dotLayer(1, 1).name("d").on(seq, input(5, 2)));
    assertEquals(
        "Input 1 of layer \"d\" is incompatible: expected size 3 along axis 1 (as input 0 along"
            + " axis 1, axes=[1, 1]), got shape (None, 5, 2)",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> timeDistributed(dense(2)).name("td").on(input(4)));
    assertEquals(
        "Input 0 of layer \"td\" is incompatible: expected rank >= 3 (batch, time, ...), got shape"
            + " (None, 4)",
        e.getMessage());
  }
}
