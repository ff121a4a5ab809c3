package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.io.ModelIO;
import dev.graft.layers.EinsumDense;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keras 3's {@code EinsumDense}: kernel and bias shapes as Keras derives them, values against a
 * naive double-precision einsum written here, finite-difference gradients, refusals naming the
 * equation, Keras's config and a {@code .keras} round trip.
 */
class EinsumDenseTest {
  private final Rng rng = new Rng(51);

  /**
   * {@code sum over the letters not in out of x[in] * k[kernel]} for explicit specs (no ellipsis),
   * then {@code + bias} laid over the output from its first bias letter on.
   */
  private static double[] naive(
      String in, String kernel, String out, Tensor x, Tensor k, String biasAxes, Tensor bias) {
    Map<Character, Integer> size = new HashMap<>();
    for (int i = 0; i < in.length(); i++) {
      size.put(in.charAt(i), x.shape().dim(i));
    }
    for (int i = 0; i < kernel.length(); i++) {
      size.put(kernel.charAt(i), k.shape().dim(i));
    }
    String all = in + kernel.replaceAll("[" + in + "]", "");
    int[] outDims = out.chars().map(c -> size.get((char) c)).toArray();
    double[] y = new double[Shape.of(outDims).size()];
    int[] idx = new int[all.length()];
    while (true) {
      Map<Character, Integer> at = new HashMap<>();
      for (int i = 0; i < all.length(); i++) {
        at.put(all.charAt(i), idx[i]);
      }
      y[flat(out, outDims, at)] +=
          (double) x.getFlat(flat(in, x.shape().toArray(), at))
              * k.getFlat(flat(kernel, k.shape().toArray(), at));
      int d = all.length() - 1;
      while (d >= 0 && ++idx[d] == size.get(all.charAt(d))) {
        idx[d--] = 0;
      }
      if (d < 0) {
        break;
      }
    }
    if (biasAxes != null) {
      int first = out.length();
      for (char c : biasAxes.toCharArray()) {
        first = Math.min(first, out.indexOf(c));
      }
      int[] outIdx = new int[out.length()];
      for (int e = 0; e < y.length; e++) {
        int b = 0;
        for (int i = first; i < out.length(); i++) {
          int bd = bias.shape().dim(i - first);
          b = b * bd + (bd == 1 ? 0 : outIdx[i]);
        }
        y[e] += bias.getFlat(b);
        for (int i = out.length() - 1; i >= 0 && ++outIdx[i] == outDims[i]; i--) {
          outIdx[i] = 0;
        }
      }
    }
    return y;
  }

  private static int flat(String spec, int[] dims, Map<Character, Integer> at) {
    int f = 0;
    for (int i = 0; i < spec.length(); i++) {
      f = f * dims[i] + at.get(spec.charAt(i));
    }
    return f;
  }

  private static Tensor run(Layer layer, Tensor x) {
    return new LayerHarness(layer, List.of(x), new boolean[] {false}, null, false).output();
  }

  /**
   * Each case: the equation, its explicit form (ellipsis expanded), output_shape (0 for None),
   * bias_axes, input dims, the kernel and bias shapes Keras derives.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "ab,bc->ac; ab,bc->ac; 5; c; 3 4; 4 5; 5",
        "abc,cd->abd; abc,cd->abd; 0 5; d; 2 3 4; 4 5; 5",
        "abc,cde->abde; abc,cde->abde; 0 2 5; de; 2 3 4; 4 2 5; 2 5",
        "abcd,cde->abe; abcd,cde->abe; 0 6; e; 2 3 4 5; 4 5 6; 6",
        "abc,cde->abde; abc,cde->abde; 3 2 5; d; 2 3 4; 4 2 5; 2 1",
        "abc,dc->adb; abc,dc->adb; 5 3; db; 2 3 4; 5 4; 5 3",
        "abc,cbd->ad; abc,cbd->ad; 5; ; 2 3 4; 4 3 5; -",
        "...b,bc->...c; zab,bc->zac; 5; c; 2 3 4; 4 5; 5",
        "ab...,bc->ac...; abz,bc->acz; 5; c; 2 4 3; 4 5; 5 1"
      })
  void matchesANaiveEinsum(
      String equation,
      String explicit,
      String outShape,
      String biasAxes,
      String inDims,
      String kernelShape,
      String biasShape) {
    int[] out = ints(outShape);
    for (int i = 0; i < out.length; i++) {
      out[i] = out[i] == 0 ? NONE : out[i];
    }
    EinsumDense l = einsumDense(equation, out).biasAxes(biasAxes);
    Tensor x = Tensor.uniform(rng, -1f, 1f, ints(inDims));
    l.ensureBuilt(List.of(x.shape().withDim(0, Shape.UNKNOWN)));
    assertEquals(Shape.of(ints(kernelShape)), l.weights().get(0).shape());
    if (biasAxes == null) {
      assertEquals(1, l.weights().size());
    } else {
      assertEquals(Shape.of(ints(biasShape)), l.weights().get(1).shape());
      l.weights().get(1).assign(Tensor.uniform(rng, -1f, 1f, ints(biasShape)));
    }
    String[] spec = explicit.split(",|->");
    double[] want =
        naive(
            spec[0],
            spec[1],
            spec[2],
            x,
            l.weights().get(0).value(),
            biasAxes,
            biasAxes == null ? null : l.weights().get(1).value());
    Tensor got = run(l, x);
    assertEquals(l.outputShapes(List.of(x.shape())).get(0), got.shape());
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got.getFlat(i), 1e-5, equation + " at " + i);
    }
  }

  private static int[] ints(String s) {
    String[] p = s.trim().split(" ");
    int[] out = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = Integer.parseInt(p[i]);
    }
    return out;
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    for (EinsumDense l :
        List.of(
            einsumDense("abc,cde->abde", NONE, 2, 3).biasAxes("de").activation("tanh"),
            einsumDense("abc,dc->adb", 3, 3).biasAxes("db"),
            einsumDense("abcd,cde->abe", NONE, 2).biasAxes("e"))) {
      int[] dims = l.equation().startsWith("abcd") ? new int[] {2, 3, 2, 2} : new int[] {2, 3, 4};
      new LayerHarness(
              l, List.of(Tensor.uniform(rng, -1f, 1f, dims)), new boolean[] {true}, null, false)
          .checkFiniteDifferences("einsum_dense " + l.equation());
    }
  }

  @Test
  void equationsGraftCannotRunAreRefusedByName() {
    for (String eq : new String[] {"abc,bcd->abd", "abc,cd->ad", "ab,bc->ca"}) {
      var e = assertThrows(IllegalArgumentException.class, () -> einsumDense(eq, 4));
      assertTrue(e.getMessage().contains("\"" + eq + "\" is not supported"), e.getMessage());
    }
    var e = assertThrows(IllegalArgumentException.class, () -> einsumDense("ab,bc", 4));
    assertTrue(
        e.getMessage()
            .startsWith(
                "Invalid value for argument equation of EinsumDense. Received: equation=ab,bc"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> einsumDense("ab,bc->ac", 4).biasAxes("b"));
    assertTrue(e.getMessage().contains("bias dimension 'b'"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> einsumDense("abc,cd->abd", 4).name("ed").on(input(3, 4)));
    assertTrue(e.getMessage().contains("output_shape [4] has 1 sizes"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> einsumDense("abc,cd->abd", 2, 4).name("ed").on(input(3, 4)));
    assertTrue(e.getMessage().contains("\"ed\""), e.getMessage());
  }

  /** The config Keras 3 writes loads; LoRA and regularizers are refused by name. */
  @Test
  void kerasConfigLoadsAndUnsupportedSettingsAreRefused() {
    String json =
        """
        {"module": "keras.layers", "class_name": "EinsumDense", "config": {
          "name": "einsum_dense", "trainable": true, "dtype": "float32",
          "output_shape": [null, 64], "equation": "abc,cd->abd", "activation": "relu",
          "bias_axes": "d",
          "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
            "config": {"seed": null}, "registered_name": null},
          "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros",
            "config": {}, "registered_name": null},
          "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
          "kernel_constraint": null, "bias_constraint": null, "quantization_config": null},
          "registered_name": null}
        """;
    EinsumDense l = (EinsumDense) ModelIO.layerFromConfig(json);
    assertEquals("abc,cd->abd", l.equation());
    assertEquals(Shape.of(Shape.UNKNOWN, 7, 64), l.on(input(7, 32)).shape());
    assertEquals(
        List.of("einsum_dense/kernel", "einsum_dense/bias"),
        l.weights().stream().map(w -> w.name()).toList());
    Map<String, Object> c = l.config();
    assertEquals("relu", c.get("activation"));
    assertEquals("d", c.get("bias_axes"));
    assertEquals(java.util.Arrays.asList(null, 64), c.get("output_shape"));
    // Keras accepts a single int as output_shape.
    EinsumDense one =
        (EinsumDense)
            ModelIO.layerFromConfig(
                "{\"class_name\": \"EinsumDense\", \"config\": {\"name\": \"e\","
                    + " \"output_shape\": 3, \"equation\": \"ab,bc->ac\"}}");
    assertEquals(Shape.of(Shape.UNKNOWN, 3), one.on(input(5)).shape());
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelIO.layerFromConfig(
                    json.replace(
                        "\"bias_axes\": \"d\",", "\"bias_axes\": \"d\", \"lora_rank\": 4,")));
    assertTrue(e.getMessage().contains("lora_rank"), e.getMessage());
  }

  @Test
  void roundTripsThroughKeras(@TempDir Path dir) {
    clearSession();
    var in = input(5, 6);
    EinsumDense heads = einsumDense("abc,cde->abde", NONE, 2, 3).biasAxes("de");
    Model m = model(in, dense(1).on(flatten().on(heads.on(in))));
    heads.weights().get(1).assign(Tensor.uniform(rng, -1f, 1f, 2, 3));
    Path file = dir.resolve("einsum.keras");
    m.save(file);
    Model back = Model.load(file);
    Tensor x = Tensor.uniform(rng, -1f, 1f, 3, 5, 6);
    assertTrue(back.predict(x).allClose(m.predict(x), 1e-6, 1e-6));
    assertEquals(m.countParams(), back.countParams());
  }
}
