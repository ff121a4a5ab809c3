package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.io.ExporterFiles;
import dev.graft.dsl.io.ExporterFiles.W;
import dev.graft.layers.Add;
import dev.graft.layers.BatchNormalization;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer-learning backbones as Keras Applications builds them, with Keras's layer names: a
 * MobileNetV2 slice (ZeroPadding2D, DepthwiseConv2D, ReLU(6), BatchNormalization, Add) and a
 * ResNet50-style model (identity and projection shortcuts). Each saves to {@code .keras} and loads
 * from it, from a TensorFlow.js {@code model.json} and from a Keras 2 {@code .h5} written with the
 * exporters' names; the MobileNetV2 slice's predictions are checked against a double-precision
 * forward pass written here; and a loaded backbone fine-tunes frozen, then unfrozen, as in Keras.
 */
class BackbonesTest {
  private final Rng rng = new Rng(2014);

  // ---- the models, as keras.applications builds them (scaled down) ----

  private static BatchNormalization bn(double epsilon, double momentum) {
    return batchNormalization().epsilon(epsilon).momentum(momentum);
  }

  /** MobileNetV2's {@code _inverted_res_block} with an expansion (block_id > 0). */
  private static SymbolicTensor invertedResidual(
      SymbolicTensor in, int expansion, int stride, int filters, int blockId) {
    String p = "block_" + blockId + "_";
    int channels = in.shape().dim(3);
    SymbolicTensor x =
        conv2d(expansion * channels, 1).padding("same").useBias(false).name(p + "expand").on(in);
    x = bn(1e-3, 0.999).name(p + "expand_BN").on(x);
    x = relu().maxValue(6).name(p + "expand_relu").on(x);
    if (stride == 2) {
      // imagenet_utils.correct_pad for an even size and a 3x3 window: ((0, 1), (0, 1)).
      x = zeroPadding2d(0, 1, 0, 1).name(p + "pad").on(x);
    }
    x =
        depthwiseConv2d(3)
            .strides(stride)
            .padding(stride == 1 ? "same" : "valid")
            .useBias(false)
            .name(p + "depthwise")
            .on(x);
    x = bn(1e-3, 0.999).name(p + "depthwise_BN").on(x);
    x = relu().maxValue(6).name(p + "depthwise_relu").on(x);
    x = conv2d(filters, 1).padding("same").useBias(false).name(p + "project").on(x);
    x = bn(1e-3, 0.999).name(p + "project_BN").on(x);
    if (channels == filters && stride == 1) {
      return new Add().name(p + "add").on(in, x);
    }
    return x;
  }

  /**
   * MobileNetV2 at alpha 0.25 on 32x32 images, cut after block 2: Conv1 (8 filters, stride 2),
   * block_1 (expansion 6, stride 2, 8 filters), block_2 (stride 1, residual Add), global average
   * pooling and, with the top, a 5-way softmax {@code predictions}.
   */
  static Model mobileNetV2(boolean includeTop) {
    SymbolicTensor in = input("input_1", 32, 32, 3);
    SymbolicTensor x = conv2d(8, 3).strides(2).padding("same").useBias(false).name("Conv1").on(in);
    x = bn(1e-3, 0.999).name("bn_Conv1").on(x);
    x = relu().maxValue(6).name("Conv1_relu").on(x);
    x = invertedResidual(x, 6, 2, 8, 1);
    x = invertedResidual(x, 6, 1, 8, 2);
    x = globalAveragePooling2d().name("global_average_pooling2d").on(x);
    if (includeTop) {
      x = dense(5).activation("softmax").name("predictions").on(x);
    }
    return model(in, x).name("mobilenetv2_0.25_32");
  }

  /** ResNet50's {@code block1}: a projection shortcut ({@code _0_conv}) or the identity. */
  private static SymbolicTensor resBlock(
      SymbolicTensor in, int filters, int stride, boolean convShortcut, String name) {
    SymbolicTensor shortcut = in;
    if (convShortcut) {
      shortcut = conv2d(4 * filters, 1).strides(stride).name(name + "_0_conv").on(in);
      shortcut = bn(1.001e-5, 0.99).name(name + "_0_bn").on(shortcut);
    }
    SymbolicTensor x = conv2d(filters, 1).strides(stride).name(name + "_1_conv").on(in);
    x = bn(1.001e-5, 0.99).name(name + "_1_bn").on(x);
    x = activation("relu").name(name + "_1_relu").on(x);
    x = conv2d(filters, 3).padding("same").name(name + "_2_conv").on(x);
    x = bn(1.001e-5, 0.99).name(name + "_2_bn").on(x);
    x = activation("relu").name(name + "_2_relu").on(x);
    x = conv2d(4 * filters, 1).name(name + "_3_conv").on(x);
    x = bn(1.001e-5, 0.99).name(name + "_3_bn").on(x);
    x = new Add().name(name + "_add").on(shortcut, x);
    return activation("relu").name(name + "_out").on(x);
  }

  /** ResNet50's stem and stages, scaled down: conv2 (projection + identity), conv3_block1. */
  static Model resNet() {
    SymbolicTensor in = input("input_1", 32, 32, 3);
    SymbolicTensor x = zeroPadding2d(3, 3, 3, 3).name("conv1_pad").on(in);
    x = conv2d(8, 7).strides(2).name("conv1_conv").on(x);
    x = bn(1.001e-5, 0.99).name("conv1_bn").on(x);
    x = activation("relu").name("conv1_relu").on(x);
    x = zeroPadding2d(1, 1, 1, 1).name("pool1_pad").on(x);
    x = maxPooling2d(3).strides(2).name("pool1_pool").on(x);
    x = resBlock(x, 4, 1, true, "conv2_block1");
    x = resBlock(x, 4, 1, false, "conv2_block2");
    x = resBlock(x, 8, 2, true, "conv3_block1");
    x = globalAveragePooling2d().name("avg_pool").on(x);
    x = dense(5).activation("softmax").name("predictions").on(x);
    return model(in, x).name("resnet50");
  }

  /**
   * Pre-trained-looking weights drawn from the test's generator (so every run is the same): kernels
   * uniform with variance 1/fan_in (a depthwise kernel's fan-in is its window); biases, BN offsets
   * and moving means in [-0.5, 0.5]; scales and moving variances in [0.5, 1.5].
   */
  private void randomize(Model m) {
    for (Layer l : m.layers()) {
      List<Tensor> ws = new ArrayList<>();
      for (var v : l.weights()) {
        String n = v.name();
        int[] dims = v.shape().toArray();
        if (n.endsWith("gamma") || n.endsWith("moving_variance")) {
          ws.add(Tensor.uniform(rng, 0.5f, 1.5f, dims));
        } else if (n.endsWith("beta") || n.endsWith("moving_mean") || n.endsWith("bias")) {
          ws.add(Tensor.uniform(rng, -0.5f, 0.5f, dims));
        } else {
          int size = v.shape().size();
          int fanIn =
              n.endsWith("depthwise_kernel") ? dims[0] * dims[1] : size / dims[dims.length - 1];
          float a = (float) Math.sqrt(3.0 / fanIn);
          ws.add(Tensor.uniform(rng, -a, a, dims));
        }
      }
      if (!ws.isEmpty()) {
        l.setWeights(ws);
      }
    }
  }

  // ---- the exporters' files ----

  /** The weight names Keras gives a layer of this class, in Keras's order. */
  private static List<String> kerasWeightNames(Layer l) {
    List<String> names =
        switch (l.className()) {
          case "Conv2D", "Dense" -> List.of("kernel", "bias");
          case "DepthwiseConv2D" -> List.of("depthwise_kernel", "bias");
          case "BatchNormalization" -> List.of("gamma", "beta", "moving_mean", "moving_variance");
          default -> List.of();
        };
    return names.subList(0, l.getWeights().size());
  }

  /** {@code <prefix><layer>/<weight><suffix>} for every weight, layer by layer. */
  private static Map<String, List<W>> exported(Model m, String prefix, String suffix) {
    Map<String, List<W>> out = new LinkedHashMap<>();
    for (Layer l : m.layers()) {
      List<String> names = kerasWeightNames(l);
      List<Tensor> values = l.getWeights();
      List<W> ws = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        ws.add(new W(prefix + l.name() + "/" + names.get(i) + suffix, values.get(i)));
      }
      out.put(l.name(), ws);
    }
    return out;
  }

  /**
   * A TensorFlow.js export: from tf.keras 2, a Keras 2 config and names {@code layer/weight}; from
   * Keras 3, its config and names prefixed with the model's, listed in reverse (tfjs matches by
   * name).
   */
  private static Model viaTfjs(Model m, boolean keras3, Path dir) throws Exception {
    Map<String, Object> topology = new LinkedHashMap<>();
    topology.put("keras_version", keras3 ? "3.5.0" : "2.13.1");
    topology.put("backend", "tensorflow");
    topology.put(
        "model_config", keras3 ? ExporterFiles.kerasConfig(m) : ExporterFiles.keras2Config(m));
    List<W> manifest = new ArrayList<>();
    exported(m, keras3 ? m.name() + "/" : "", "").values().forEach(manifest::addAll);
    if (keras3) {
      Collections.reverse(manifest);
    }
    ExporterFiles.writeTfjs(dir, topology, manifest);
    return Model.load(dir.resolve("model.json"));
  }

  /** A Keras 2 {@code model.save("m.h5")}: model_weights/<layer>/<layer>/<weight>:0. */
  private static Model viaKeras2H5(Model m, Path file) throws Exception {
    String config = ExporterFiles.json(ExporterFiles.keras2Config(m));
    ExporterFiles.writeKeras2(file, config, exported(m, "", ":0"));
    return Model.load(file);
  }

  private static double maxDiff(Tensor a, Tensor b) {
    assertEquals(a.shape(), b.shape());
    double d = 0;
    for (int i = 0; i < a.size(); i++) {
      d = Math.max(d, Math.abs(a.getFlat(i) - b.getFlat(i)));
    }
    return d;
  }

  private static void close(Tensor want, Tensor got, double tol, String what) {
    double d = maxDiff(want, got);
    assertTrue(d <= tol, what + ": max |diff| = " + d);
  }

  private static Map<?, ?> savedConfig(Path keras) throws IOException {
    try (ZipFile z = new ZipFile(keras.toFile())) {
      String text =
          new String(
              z.getInputStream(z.getEntry("config.json")).readAllBytes(), StandardCharsets.UTF_8);
      return (Map<?, ?>) ExporterFiles.parseJson(text);
    }
  }

  /** The saved entries of a Functional config by layer name. */
  private static Map<String, Map<?, ?>> entries(Map<?, ?> modelEntry) {
    Map<String, Map<?, ?>> out = new LinkedHashMap<>();
    for (Object o : (List<?>) ((Map<?, ?>) modelEntry.get("config")).get("layers")) {
      Map<?, ?> e = (Map<?, ?>) o;
      out.put((String) e.get("name"), e);
    }
    return out;
  }

  private static Map<?, ?> config(Map<?, ?> entry) {
    return (Map<?, ?>) entry.get("config");
  }

  /** Parsed JSON numbers (whatever their Java type) as integers, at any nesting. */
  private static Object ints(Object json) {
    if (json instanceof List<?> l) {
      return l.stream().map(BackbonesTest::ints).toList();
    }
    return json == null ? null : ((Number) json).intValue();
  }

  private static List<String> names(Model m) {
    return m.layers().stream().map(Layer::name).toList();
  }

  /**
   * .keras, tfjs (tf.keras 2 and Keras 3 names) and Keras 2 .h5 all predict what m predicts;
   * returns the {@code .keras} file's config.
   */
  private Map<?, ?> loadsFromEveryFormat(Model m, Path dir) throws Exception {
    randomize(m);
    Tensor x = Tensor.uniform(rng, -1f, 1f, 3, 32, 32, 3);
    Tensor want = m.predict(x);
    Path keras = dir.resolve("m.keras");
    m.save(keras);
    Model reloaded = Model.load(keras);
    assertEquals(names(m), names(reloaded));
    close(want, reloaded.predict(x), 1e-6, ".keras");
    for (boolean keras3 : new boolean[] {false, true}) {
      Path tfjs = dir.resolve(keras3 ? "tfjs3" : "tfjs2");
      Files.createDirectories(tfjs);
      Model fromTfjs = viaTfjs(m, keras3, tfjs);
      assertEquals(names(m), names(fromTfjs));
      close(want, fromTfjs.predict(x), 1e-5, keras3 ? "tfjs (Keras 3)" : "tfjs (tf.keras 2)");
    }
    Model fromH5 = viaKeras2H5(m, dir.resolve("m.h5"));
    assertEquals(names(m), names(fromH5));
    close(want, fromH5.predict(x), 1e-5, "Keras 2 .h5");
    // The reloaded model saves the same config again: nothing lost or renamed on the way.
    Path again = dir.resolve("again.keras");
    reloaded.save(again);
    assertEquals(savedConfig(keras), savedConfig(again));
    return savedConfig(keras);
  }

  @Test
  void mobileNetV2LoadsFromKerasTfjsAndH5(@TempDir Path dir) throws Exception {
    Model m = mobileNetV2(true);
    Map<?, ?> saved = loadsFromEveryFormat(m, dir);
    assertEquals("Functional", saved.get("class_name"));
    Map<String, Map<?, ?>> layers = entries(saved);
    assertEquals(
        List.of(
            "input_1",
            "Conv1",
            "bn_Conv1",
            "Conv1_relu",
            "block_1_expand",
            "block_1_expand_BN",
            "block_1_expand_relu",
            "block_1_pad",
            "block_1_depthwise",
            "block_1_depthwise_BN",
            "block_1_depthwise_relu",
            "block_1_project",
            "block_1_project_BN",
            "block_2_expand",
            "block_2_expand_BN",
            "block_2_expand_relu",
            "block_2_depthwise",
            "block_2_depthwise_BN",
            "block_2_depthwise_relu",
            "block_2_project",
            "block_2_project_BN",
            "block_2_add",
            "global_average_pooling2d",
            "predictions"),
        List.copyOf(layers.keySet()));
    // Keras writes no inbound node for an input (Keras 3 would call the InputLayer with []).
    assertEquals(List.of(), layers.get("input_1").get("inbound_nodes"));
    assertEquals(
        Arrays.asList(null, 32, 32, 3), ints(config(layers.get("input_1")).get("batch_shape")));
    assertEquals("DepthwiseConv2D", layers.get("block_1_depthwise").get("class_name"));
    Map<?, ?> dw = config(layers.get("block_1_depthwise"));
    assertEquals(List.of(2, 2), ints(dw.get("strides")));
    assertEquals("valid", dw.get("padding"));
    assertEquals(1, ((Number) dw.get("depth_multiplier")).intValue());
    assertEquals(false, dw.get("use_bias"));
    assertEquals("same", config(layers.get("block_2_depthwise")).get("padding"));
    assertEquals("ReLU", layers.get("Conv1_relu").get("class_name"));
    assertEquals(6.0, ((Number) config(layers.get("Conv1_relu")).get("max_value")).doubleValue());
    assertEquals("ZeroPadding2D", layers.get("block_1_pad").get("class_name"));
    assertEquals(
        List.of(List.of(0, 1), List.of(0, 1)),
        ints(config(layers.get("block_1_pad")).get("padding")));
    assertEquals("BatchNormalization", layers.get("bn_Conv1").get("class_name"));
    assertEquals(0.999, ((Number) config(layers.get("bn_Conv1")).get("momentum")).doubleValue());
    assertEquals(1e-3, ((Number) config(layers.get("bn_Conv1")).get("epsilon")).doubleValue());
    Map<?, ?> add = layers.get("block_2_add");
    assertEquals("Add", add.get("class_name"));
    assertEquals(List.of("block_1_project_BN", "block_2_project_BN"), inboundLayers(add));
    assertEquals(
        "GlobalAveragePooling2D", layers.get("global_average_pooling2d").get("class_name"));
  }

  /** The layers an entry's first call reads, in order (Keras 3's {@code keras_history}). */
  private static List<String> inboundLayers(Map<?, ?> entry) {
    Map<?, ?> node = (Map<?, ?>) ((List<?>) entry.get("inbound_nodes")).get(0);
    List<?> args = (List<?>) node.get("args");
    List<?> tensors = args.size() == 1 && args.get(0) instanceof List<?> l ? l : args;
    List<String> out = new ArrayList<>();
    for (Object t : tensors) {
      out.add((String) ((List<?>) config((Map<?, ?>) t).get("keras_history")).get(0));
    }
    return out;
  }

  @Test
  void resNetLoadsFromKerasTfjsAndH5(@TempDir Path dir) throws Exception {
    Model m = resNet();
    Map<?, ?> saved = loadsFromEveryFormat(m, dir);
    Map<String, Map<?, ?>> layers = entries(saved);
    assertEquals(
        List.of("conv2_block1_0_bn", "conv2_block1_3_bn"),
        inboundLayers(layers.get("conv2_block1_add")));
    assertEquals(
        List.of("conv2_block1_out", "conv2_block2_3_bn"),
        inboundLayers(layers.get("conv2_block2_add")));
    assertEquals(List.of(2, 2), ints(config(layers.get("conv3_block1_0_conv")).get("strides")));
    assertEquals("Activation", layers.get("conv2_block2_out").get("class_name"));
    assertEquals("MaxPooling2D", layers.get("pool1_pool").get("class_name"));
    assertEquals(1.001e-5, ((Number) config(layers.get("conv1_bn")).get("epsilon")).doubleValue());
  }

  // ---- an independent forward pass, in double precision, from the stored weights ----

  /** A layer's i-th stored weight, widened. */
  private static double[] weight(Model m, String layer, int i) {
    float[] f = m.getLayer(layer).getWeights().get(i).toArray();
    double[] d = new double[f.length];
    for (int j = 0; j < f.length; j++) {
      d[j] = f[j];
    }
    return d;
  }

  /**
   * Keras's Conv2D (kernel {@code (kh, kw, cin, cout)}) or, with {@code depthwise}, DepthwiseConv2D
   * (kernel {@code (kh, kw, c, 1)}), no bias, on {@code [n][h][w][c]}; "same" pads as TensorFlow
   * does (the odd pixel at the bottom/right).
   */
  private static double[][][][] conv(
      double[][][][] x,
      double[] k,
      int kh,
      int kw,
      int cout,
      int stride,
      boolean same,
      boolean depthwise) {
    int n = x.length;
    int h = x[0].length;
    int w = x[0][0].length;
    int cin = x[0][0][0].length;
    int oh = same ? (h + stride - 1) / stride : (h - kh) / stride + 1;
    int ow = same ? (w + stride - 1) / stride : (w - kw) / stride + 1;
    int top = same ? Math.max((oh - 1) * stride + kh - h, 0) / 2 : 0;
    int left = same ? Math.max((ow - 1) * stride + kw - w, 0) / 2 : 0;
    int channels = depthwise ? cin : cout;
    double[][][][] y = new double[n][oh][ow][channels];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int o = 0; o < channels; o++) {
            double sum = 0;
            for (int di = 0; di < kh; di++) {
              for (int dj = 0; dj < kw; dj++) {
                int r = i * stride + di - top;
                int c = j * stride + dj - left;
                if (r < 0 || r >= h || c < 0 || c >= w) {
                  continue;
                }
                if (depthwise) {
                  sum += x[b][r][c][o] * k[(di * kw + dj) * cin + o];
                } else {
                  for (int ci = 0; ci < cin; ci++) {
                    sum += x[b][r][c][ci] * k[((di * kw + dj) * cin + ci) * cout + o];
                  }
                }
              }
            }
            y[b][i][j][o] = sum;
          }
        }
      }
    }
    return y;
  }

  /** BatchNormalization in inference mode, then ReLU(max_value=6) when {@code relu6}. */
  private static double[][][][] bnRelu6(Model m, String layer, double[][][][] x, boolean relu6) {
    double[] gamma = weight(m, layer, 0);
    double[] beta = weight(m, layer, 1);
    double[] mean = weight(m, layer, 2);
    double[] var = weight(m, layer, 3);
    double[][][][] y = new double[x.length][x[0].length][x[0][0].length][];
    for (int b = 0; b < x.length; b++) {
      for (int i = 0; i < x[0].length; i++) {
        for (int j = 0; j < x[0][0].length; j++) {
          double[] v = x[b][i][j].clone();
          for (int c = 0; c < v.length; c++) {
            v[c] = gamma[c] * (v[c] - mean[c]) / Math.sqrt(var[c] + 1e-3) + beta[c];
            v[c] = relu6 ? Math.min(Math.max(v[c], 0), 6) : v[c];
          }
          y[b][i][j] = v;
        }
      }
    }
    return y;
  }

  private static double[][][][] pad(double[][][][] x, int top, int bottom, int left, int right) {
    int c = x[0][0][0].length;
    double[][][][] y =
        new double[x.length][x[0].length + top + bottom][x[0][0].length + left + right][c];
    for (int b = 0; b < x.length; b++) {
      for (int i = 0; i < x[0].length; i++) {
        for (int j = 0; j < x[0][0].length; j++) {
          y[b][i + top][j + left] = x[b][i][j].clone();
        }
      }
    }
    return y;
  }

  /** The MobileNetV2 slice with top, computed from its stored weights. */
  private static double[][] naiveMobileNetV2(Model m, double[][][][] in) {
    double[][][][] x = conv(in, weight(m, "Conv1", 0), 3, 3, 8, 2, true, false);
    x = bnRelu6(m, "bn_Conv1", x, true);
    for (int block = 1; block <= 2; block++) {
      String p = "block_" + block + "_";
      double[][][][] blockIn = x;
      x = conv(x, weight(m, p + "expand", 0), 1, 1, 48, 1, true, false);
      x = bnRelu6(m, p + "expand_BN", x, true);
      if (block == 1) {
        x = pad(x, 0, 1, 0, 1);
      }
      x = conv(x, weight(m, p + "depthwise", 0), 3, 3, 48, 3 - block, block == 2, true);
      x = bnRelu6(m, p + "depthwise_BN", x, true);
      x = conv(x, weight(m, p + "project", 0), 1, 1, 8, 1, true, false);
      x = bnRelu6(m, p + "project_BN", x, false);
      if (block == 2) {
        for (int b = 0; b < x.length; b++) {
          for (int i = 0; i < x[0].length; i++) {
            for (int j = 0; j < x[0][0].length; j++) {
              for (int c = 0; c < 8; c++) {
                x[b][i][j][c] += blockIn[b][i][j][c];
              }
            }
          }
        }
      }
    }
    double[] kernel = weight(m, "predictions", 0);
    double[] bias = weight(m, "predictions", 1);
    double[][] out = new double[x.length][5];
    for (int b = 0; b < x.length; b++) {
      double[] features = new double[8];
      int cells = x[0].length * x[0][0].length;
      for (double[][] row : x[b]) {
        for (double[] cell : row) {
          for (int c = 0; c < 8; c++) {
            features[c] += cell[c] / cells;
          }
        }
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int o = 0; o < 5; o++) {
        out[b][o] = bias[o];
        for (int c = 0; c < 8; c++) {
          out[b][o] += features[c] * kernel[c * 5 + o];
        }
        max = Math.max(max, out[b][o]);
      }
      double total = 0;
      for (int o = 0; o < 5; o++) {
        out[b][o] = Math.exp(out[b][o] - max);
        total += out[b][o];
      }
      for (int o = 0; o < 5; o++) {
        out[b][o] /= total;
      }
    }
    return out;
  }

  /**
   * Images whose colour and brightness differ per sample (so pooled features differ), with noise.
   */
  private Tensor images(int n) {
    Tensor noise = Tensor.uniform(rng, -0.5f, 0.5f, n, 32, 32, 3);
    Tensor tint = Tensor.uniform(rng, -1f, 1f, n, 3);
    float[] a = noise.toArray();
    for (int i = 0; i < a.length; i++) {
      a[i] += tint.getFlat((i / (32 * 32 * 3)) * 3 + i % 3);
    }
    return Tensor.wrap(a, n, 32, 32, 3);
  }

  @Test
  void mobileNetV2PredictsWhatAnIndependentDoubleForwardPassComputes(@TempDir Path dir)
      throws Exception {
    Model built = mobileNetV2(true);
    randomize(built);
    // A wider head, so that softmax does not flatten the differences a layout error makes.
    Layer top = built.getLayer("predictions");
    top.setWeights(List.of(Tensor.uniform(rng, -3f, 3f, 8, 5), Tensor.uniform(rng, -1f, 1f, 5)));
    Path file = dir.resolve("mobilenet.keras");
    built.save(file);
    Model m = Model.load(file);
    Tensor x = images(4);
    float[] flat = x.toArray();
    double[][][][] in = new double[4][32][32][3];
    for (int i = 0; i < flat.length; i++) {
      in[i / 3072][i / 96 % 32][i / 3 % 32][i % 3] = flat[i];
    }
    double[][] want = naiveMobileNetV2(m, in);
    Tensor got = m.predict(x);
    double spread = 0;
    for (int b = 0; b < 4; b++) {
      for (int o = 0; o < 5; o++) {
        double w = want[b][o];
        double g = got.getFlat(b * 5 + o);
        assertTrue(
            Math.abs(g - w) <= 1e-5 + 1e-4 * Math.abs(w),
            "sample " + b + " class " + o + ": " + g + " vs " + w);
        spread = Math.max(spread, Math.abs(w - want[0][o]));
      }
    }
    assertTrue(spread > 0.01, "predictions must depend on the image: " + spread);
  }

  // ---- fine-tuning a loaded backbone, Keras's transfer-learning idiom ----

  private static boolean same(List<Tensor> a, List<Tensor> b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).allClose(b.get(i), 0, 0)) {
        return false;
      }
    }
    return true;
  }

  private static List<BatchNormalization> batchNorms(Model m) {
    return m.layers().stream()
        .filter(l -> l instanceof BatchNormalization)
        .map(l -> (BatchNormalization) l)
        .toList();
  }

  /** One-hot labels of a fixed linear rule on the backbone's centred features: learnable. */
  private Tensor teacherLabels(Tensor features, int classes) {
    int n = features.shape().dim(0);
    int f = features.shape().dim(1);
    Tensor rule = Tensor.uniform(rng, -1f, 1f, f, classes);
    double[] mean = new double[f];
    for (int i = 0; i < n * f; i++) {
      mean[i % f] += features.getFlat(i) / n;
    }
    float[] y = new float[n * classes];
    for (int b = 0; b < n; b++) {
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int o = 0; o < classes; o++) {
        double score = 0;
        for (int c = 0; c < f; c++) {
          score += (features.getFlat(b * f + c) - mean[c]) * rule.getFlat(c * classes + o);
        }
        if (score > bestScore) {
          bestScore = score;
          best = o;
        }
      }
      y[b * classes + best] = 1;
    }
    return Tensor.wrap(y, n, classes);
  }

  @Test
  void aLoadedBackboneFineTunesFrozenThenUnfrozenAsInKeras(@TempDir Path dir) {
    seed(2014); // the head's initial weights and fit's shuffles: the same run every time
    Model pretrained = mobileNetV2(false);
    randomize(pretrained);
    Path file = dir.resolve("backbone.keras");
    pretrained.save(file);

    // base = load_model(...); base.trainable = False; x = base(inputs, training=False)
    Model base = Model.load(file);
    base.trainable(false);
    SymbolicTensor in = input(32, 32, 3);
    Layer head = dense(3).activation("softmax").name("head");
    Model classifier = model(in, head.on(base.on(in, false)));
    Tensor x = images(24);
    Tensor y = teacherLabels(base.predict(x), 3);
    List<Tensor> baseBefore = base.getWeights();
    List<Tensor> headBefore = head.getWeights();
    classifier.compile(adam(0.05), categoricalCrossentropy());
    double lossBefore = classifier.evaluate(x, y)[0];
    classifier.fit(x, y, epochs(8).batchSize(8).verbose(0));
    double lossAfter = classifier.evaluate(x, y)[0];
    assertTrue(lossAfter < 0.9 * lossBefore, "loss " + lossBefore + " -> " + lossAfter);
    assertTrue(same(baseBefore, base.getWeights()), "frozen backbone, moving statistics included");
    assertFalse(same(headBefore, head.getWeights()), "the head learns");

    // base.trainable = True; recompile with a small learning rate; fit again. The backbone's
    // kernels and BN scales now learn; the call made with training=False keeps its BNs in
    // inference mode, so their moving statistics stay.
    base.trainable(true);
    classifier.compile(adam(1e-4), categoricalCrossentropy());
    classifier.fit(x, y, epochs(1).batchSize(8).verbose(0));
    assertFalse(
        same(List.of(baseBefore.get(0)), List.of(base.getLayer("Conv1").getWeights().get(0))),
        "Conv1's kernel fine-tunes");
    assertFalse(
        same(
            base.getLayer("block_1_depthwise").getWeights(),
            pretrained.getLayer("block_1_depthwise").getWeights()),
        "the depthwise kernel fine-tunes");
    List<BatchNormalization> bns = batchNorms(base);
    List<BatchNormalization> saved = batchNorms(pretrained);
    assertEquals(7, bns.size());
    for (int i = 0; i < bns.size(); i++) {
      List<Tensor> now = bns.get(i).getWeights();
      List<Tensor> then = saved.get(i).getWeights();
      assertTrue(same(then.subList(2, 4), now.subList(2, 4)), bns.get(i).name() + " statistics");
      assertFalse(same(then.subList(0, 2), now.subList(0, 2)), bns.get(i).name() + " gamma/beta");
    }
  }
}
