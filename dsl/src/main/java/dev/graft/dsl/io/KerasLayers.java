package dev.graft.dsl.io;

import dev.graft.dsl.Activation;
import dev.graft.dsl.Layer;
import dev.graft.layers.ActivationLayer;
import dev.graft.layers.ActivityRegularization;
import dev.graft.layers.Add;
import dev.graft.layers.AdditiveAttention;
import dev.graft.layers.AlphaDropout;
import dev.graft.layers.Attention;
import dev.graft.layers.Average;
import dev.graft.layers.BatchNormalization;
import dev.graft.layers.Bidirectional;
import dev.graft.layers.Concatenate;
import dev.graft.layers.Conv1D;
import dev.graft.layers.Conv1DTranspose;
import dev.graft.layers.Conv2D;
import dev.graft.layers.Conv2DTranspose;
import dev.graft.layers.Dense;
import dev.graft.layers.DepthwiseConv2D;
import dev.graft.layers.Dot;
import dev.graft.layers.Dropout;
import dev.graft.layers.EinsumDense;
import dev.graft.layers.Elu;
import dev.graft.layers.Embedding;
import dev.graft.layers.Flatten;
import dev.graft.layers.GaussianDropout;
import dev.graft.layers.GaussianNoise;
import dev.graft.layers.GlobalAveragePooling1D;
import dev.graft.layers.GlobalPooling2D;
import dev.graft.layers.GroupNormalization;
import dev.graft.layers.Gru;
import dev.graft.layers.Identity;
import dev.graft.layers.ImageAugmentation;
import dev.graft.layers.LayerNormalization;
import dev.graft.layers.LeakyRelu;
import dev.graft.layers.Lstm;
import dev.graft.layers.Masking;
import dev.graft.layers.Maximum;
import dev.graft.layers.Minimum;
import dev.graft.layers.MultiHeadAttention;
import dev.graft.layers.Multiply;
import dev.graft.layers.PRelu;
import dev.graft.layers.Permute;
import dev.graft.layers.Pooling1D;
import dev.graft.layers.Pooling2D;
import dev.graft.layers.RandomFlip;
import dev.graft.layers.RandomRotation;
import dev.graft.layers.RandomTranslation;
import dev.graft.layers.RandomZoom;
import dev.graft.layers.Recurrent;
import dev.graft.layers.Regularizer;
import dev.graft.layers.Relu;
import dev.graft.layers.RepeatVector;
import dev.graft.layers.Rescaling;
import dev.graft.layers.Reshape;
import dev.graft.layers.SeparableConv1D;
import dev.graft.layers.SeparableConv2D;
import dev.graft.layers.SimpleRnn;
import dev.graft.layers.Softmax;
import dev.graft.layers.SpatialConv;
import dev.graft.layers.SpatialDropout;
import dev.graft.layers.Subtract;
import dev.graft.layers.ThresholdedRelu;
import dev.graft.layers.UnitNormalization;
import dev.graft.tensor.recurrent.GateActivation;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The layer classes a saved Keras config may name, each with its deserializer (config to layer,
 * through the layers' public setters). Supporting a new layer is one entry in {@link #REGISTRY}.
 * Settings Graft cannot honour (channels-first data, a non-default recurrent activation, ...) are
 * reported rather than ignored. Models ({@code Functional}, {@code Sequential}), {@code InputLayer}
 * and {@code TimeDistributed} (which may wrap a model) are handled by {@link ConfigReader}.
 */
final class KerasLayers {
  private KerasLayers() {}

  private static final Map<String, Function<Cfg, Layer>> REGISTRY = new ConcurrentHashMap<>();

  static {
    REGISTRY.put("Dense", c -> dense(c));
    REGISTRY.put("Conv2D", c -> conv2d(c));
    REGISTRY.put("MaxPooling2D", c -> pooling(c, true));
    REGISTRY.put("AveragePooling2D", c -> pooling(c, false));
    REGISTRY.put("GlobalMaxPooling2D", c -> globalPooling(c, true));
    REGISTRY.put("GlobalAveragePooling2D", c -> globalPooling(c, false));
    REGISTRY.put(
        "Flatten",
        c -> {
          channelsLast(c); // Keras flattens a channels-first input in another order
          return new Flatten();
        });
    REGISTRY.put("Reshape", c -> new Reshape(c.ints("target_shape", 1)));
    REGISTRY.put("Dropout", c -> noNoiseShape(c, new Dropout((float) c.num("rate", 0))));
    REGISTRY.put("Activation", c -> new ActivationLayer(activation(c, "activation")));
    REGISTRY.put("Embedding", c -> embedding(c));
    REGISTRY.put("Masking", c -> new Masking((float) c.num("mask_value", 0)));
    REGISTRY.put("LSTM", c -> recurrent(c, new Lstm(c.integer("units"))));
    REGISTRY.put("GRU", c -> gru(c));
    REGISTRY.put("Concatenate", c -> new Concatenate(c.integer("axis", -1)));
    REGISTRY.put("Average", c -> new Average());
    REGISTRY.put("Add", c -> new Add());
    REGISTRY.put("Subtract", c -> new Subtract());
    REGISTRY.put("Multiply", c -> new Multiply());
    REGISTRY.put("RepeatVector", c -> new RepeatVector(c.integer("n")));
    REGISTRY.put("SimpleRNN", c -> recurrent(c, new SimpleRnn(c.integer("units"))));
    REGISTRY.put(
        "RandomFlip",
        c -> augmentation(c, new RandomFlip(c.str("mode", "horizontal_and_vertical"))));
    REGISTRY.put("RandomRotation", c -> rotation(c));
    REGISTRY.put(
        "RandomZoom",
        c ->
            augmentation(
                c,
                c.get("width_factor") == null
                    ? new RandomZoom(symmetric(c, "height_factor"))
                    : new RandomZoom(symmetric(c, "height_factor"), symmetric(c, "width_factor"))));
    REGISTRY.put(
        "RandomTranslation",
        c ->
            augmentation(
                c,
                new RandomTranslation(
                    symmetric(c, "height_factor"), symmetric(c, "width_factor"))));
    REGISTRY.put("Bidirectional", c -> bidirectional(c));
    REGISTRY.put("BatchNormalization", c -> batchNormalization(c));
    REGISTRY.put("LayerNormalization", c -> layerNormalization(c));
    REGISTRY.put("Conv1D", c -> conv1d(c));
    REGISTRY.put("MaxPooling1D", c -> pooling1d(c, true));
    REGISTRY.put("AveragePooling1D", c -> pooling1d(c, false));
    REGISTRY.put("GlobalAveragePooling1D", c -> globalAverage1d(c));
    REGISTRY.put("Permute", c -> new Permute(c.ints("dims", 1)));
    REGISTRY.put("Maximum", c -> new Maximum());
    REGISTRY.put("Minimum", c -> new Minimum());
    REGISTRY.put("Dot", c -> dot(c));
    REGISTRY.put(
        "Rescaling", c -> new Rescaling((float) c.num("scale", 1), (float) c.num("offset", 0)));
    REGISTRY.put("ReLU", c -> reluLayer(c));
    REGISTRY.put("LeakyReLU", c -> new LeakyRelu(c.num("negative_slope", c.num("alpha", 0.3))));
    REGISTRY.put("PReLU", c -> prelu(c));
    REGISTRY.put("ELU", c -> new Elu(c.num("alpha", 1)));
    REGISTRY.put("Softmax", c -> new Softmax(oneAxis(c, "axis")));
    REGISTRY.put("ThresholdedReLU", c -> new ThresholdedRelu(c.num("theta", 1)));
    REGISTRY.put("Identity", c -> new Identity());
    REGISTRY.put(
        "ActivityRegularization", c -> new ActivityRegularization(c.num("l1", 0), c.num("l2", 0)));
    REGISTRY.put(
        "UnitNormalization",
        c -> new UnitNormalization(c.has("axis") ? c.ints("axis", 1) : new int[] {-1}));
    REGISTRY.put("GaussianNoise", c -> new GaussianNoise(c.num("stddev", Double.NaN)));
    REGISTRY.put("GaussianDropout", c -> new GaussianDropout(c.num("rate", Double.NaN)));
    REGISTRY.put("AlphaDropout", c -> noNoiseShape(c, new AlphaDropout(c.num("rate", Double.NaN))));
    for (int d = 1; d <= 3; d++) {
      int dims = d;
      REGISTRY.put("SpatialDropout" + d + "D", c -> spatialDropout(c, dims));
    }
    ShapeLayers.register();
    PreprocessingLayers.register();
    REGISTRY.put("MultiHeadAttention", c -> multiHeadAttention(c));
    REGISTRY.put("Attention", c -> attention(c));
    REGISTRY.put("AdditiveAttention", c -> additiveAttention(c));
    REGISTRY.put("DepthwiseConv2D", c -> depthwiseConv2d(c));
    REGISTRY.put("SeparableConv2D", c -> separable(c, 2));
    REGISTRY.put("SeparableConv1D", c -> separable(c, 1));
    REGISTRY.put("Conv2DTranspose", c -> transposed(c, 2));
    REGISTRY.put("Conv1DTranspose", c -> transposed(c, 1));
    REGISTRY.put("GroupNormalization", c -> groupNormalization(c));
    REGISTRY.put("EinsumDense", c -> einsumDense(c));
  }

  /** Adds or replaces the deserializer of a layer class. */
  static void register(String className, Function<Cfg, Layer> factory) {
    REGISTRY.put(className, factory);
  }

  /** True if a deserializer for this class exists. */
  static boolean has(String className) {
    return REGISTRY.containsKey(className);
  }

  /**
   * A layer from its Keras class name and config (name and trainable flag not yet applied).
   *
   * @throws IllegalArgumentException for an unknown class (listing the known ones) or a setting
   *     Graft does not support
   */
  static Layer create(String className, Cfg config) {
    Function<Cfg, Layer> f = REGISTRY.get(className);
    if (f == null) {
      TreeSet<String> known = new TreeSet<>(REGISTRY.keySet());
      known.add("InputLayer");
      known.add("Functional");
      known.add("Sequential");
      known.add("TimeDistributed");
      throw new IllegalArgumentException(
          "unknown layer class \""
              + className
              + "\" (layer \""
              + config.str("name", "?")
              + "\"); Graft can load "
              + known);
    }
    return f.apply(config);
  }

  static void require(Cfg c, boolean ok, String key, Object value) {
    if (!ok) {
      throw new IllegalArgumentException(
          c.where() + ": unsupported " + key + "=" + value + " (Graft supports only its default)");
    }
  }

  /** The activation named by {@code key}, read as the file's Keras version means it. */
  private static Activation activation(Cfg c, String key) {
    String name = c.name(key, "linear");
    return c.keras2() ? Activation.ofKeras2(name) : Activation.of(name);
  }

  static void channelsLast(Cfg c) {
    String f = c.str("data_format", "channels_last");
    require(c, f.equals("channels_last"), "data_format", f);
  }

  private static Layer dense(Cfg c) {
    return new Dense(c.integer("units"))
        .activation(activation(c, "activation"))
        .useBias(c.bool("use_bias", true));
  }

  private static Layer conv2d(Cfg c) {
    channelsLast(c);
    require(c, c.integer("groups", 1) == 1, "groups", c.get("groups"));
    int[] k = c.ints("kernel_size", 2);
    Conv2D l = new Conv2D(c.integer("filters"), k[0], k[1]);
    int[] s = c.has("strides") ? c.ints("strides", 2) : new int[] {1, 1};
    int[] d = c.has("dilation_rate") ? c.ints("dilation_rate", 2) : new int[] {1, 1};
    return l.strides(s[0], s[1])
        .dilationRate(d[0], d[1])
        .padding(c.str("padding", "valid"))
        .activation(activation(c, "activation"))
        .useBias(c.bool("use_bias", true));
  }

  private static Layer pooling(Cfg c, boolean max) {
    channelsLast(c);
    int[] p = c.has("pool_size") ? c.ints("pool_size", 2) : new int[] {2, 2};
    Pooling2D l = new Pooling2D(max, p[0], p[1]);
    if (c.has("strides")) {
      int[] s = c.ints("strides", 2);
      l.strides(s[0], s[1]);
    }
    return l.padding(c.str("padding", "valid"));
  }

  private static Layer globalPooling(Cfg c, boolean max) {
    channelsLast(c);
    return new GlobalPooling2D(max).keepdims(c.bool("keepdims", false));
  }

  /** The normalised axis must be the last (channels_last); any other is refused, not misread. */
  private static void lastAxis(Cfg c) {
    if (!c.has("axis")) {
      return;
    }
    int[] axes = c.ints("axis", 1);
    require(c, axes.length == 1, "axis", c.get("axis"));
    require(c, axes[0] == -1 || axes[0] > 0, "axis", c.get("axis"));
  }

  private static Layer batchNormalization(Cfg c) {
    lastAxis(c);
    return new BatchNormalization()
        .center(c.bool("center", true))
        .scale(c.bool("scale", true))
        .momentum(c.num("momentum", 0.99))
        .epsilon(c.num("epsilon", 1e-3));
  }

  private static Layer layerNormalization(Cfg c) {
    lastAxis(c);
    return new LayerNormalization()
        .center(c.bool("center", true))
        .scale(c.bool("scale", true))
        .epsilon(c.num("epsilon", 1e-3));
  }

  /**
   * Keras 3's GroupNormalization; its initializers only seed weights the file then overwrites,
   * regularizers and constraints are refused, the axis is checked against the input when built.
   */
  private static Layer groupNormalization(Cfg c) {
    for (String k :
        new String[] {
          "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"
        }) {
      require(c, !c.has(k), k, c.get(k));
    }
    int[] axes = c.has("axis") ? c.ints("axis", 1) : new int[] {-1};
    require(c, axes.length == 1, "axis", c.get("axis"));
    return new GroupNormalization(c.integer("groups", 32))
        .axis(axes[0])
        .epsilon(c.num("epsilon", 1e-3))
        .center(c.bool("center", true))
        .scale(c.bool("scale", true));
  }

  /**
   * Keras 3's EinsumDense; initializers only seed weights the file then overwrites; regularizers,
   * constraints, LoRA and quantization are refused.
   */
  private static Layer einsumDense(Cfg c) {
    for (String k :
        new String[] {
          "kernel_regularizer",
          "bias_regularizer",
          "activity_regularizer",
          "kernel_constraint",
          "bias_constraint",
          "lora_rank",
          "quantization_config",
          "gptq_unpacked_column_size"
        }) {
      require(c, !c.has(k), k, c.get(k));
    }
    int[] shape =
        c.get("output_shape") instanceof Number
            ? new int[] {c.integer("output_shape")}
            : c.shape("output_shape");
    return new EinsumDense(c.str("equation"), shape)
        .biasAxes(c.str("bias_axes", null))
        .activation(activation(c, "activation"));
  }

  private static Layer conv1d(Cfg c) {
    channelsLast(c);
    require(c, c.integer("groups", 1) == 1, "groups", c.get("groups"));
    Conv1D l = new Conv1D(c.integer("filters"), c.ints("kernel_size", 1)[0]);
    if (c.has("strides")) {
      l.strides(c.ints("strides", 1)[0]);
    }
    if (c.has("dilation_rate")) {
      l.dilationRate(c.ints("dilation_rate", 1)[0]);
    }
    return l.padding(c.str("padding", "valid"))
        .activation(activation(c, "activation"))
        .useBias(c.bool("use_bias", true));
  }

  /**
   * The options the depthwise, separable and transposed convolutions share, over {@code rank}
   * spatial axes; Keras writes sizes as lists, older files sometimes as one number.
   */
  private static <L extends SpatialConv<L>> L spatial(Cfg c, SpatialConv<L> l, int rank) {
    channelsLast(c);
    String padding = c.str("padding", "valid");
    require(c, padding.equals("valid") || padding.equals("same"), "padding", padding);
    if (c.has("strides")) {
      l.strides(c.ints("strides", rank));
    }
    if (c.has("dilation_rate")) {
      l.dilationRate(c.ints("dilation_rate", rank));
    }
    return l.padding(padding)
        .activation(activation(c, "activation"))
        .useBias(c.bool("use_bias", true));
  }

  private static Layer depthwiseConv2d(Cfg c) {
    int[] k = c.ints("kernel_size", 2);
    return spatial(c, new DepthwiseConv2D(k[0], k[1]), 2)
        .depthMultiplier(c.integer("depth_multiplier", 1));
  }

  private static Layer separable(Cfg c, int rank) {
    int[] k = c.ints("kernel_size", rank);
    int filters = c.integer("filters");
    int m = c.integer("depth_multiplier", 1);
    return rank == 2
        ? spatial(c, new SeparableConv2D(filters, k[0], k[1]), 2).depthMultiplier(m)
        : spatial(c, new SeparableConv1D(filters, k[0]), 1).depthMultiplier(m);
  }

  private static Layer transposed(Cfg c, int rank) {
    int[] k = c.ints("kernel_size", rank);
    int filters = c.integer("filters");
    int[] p = c.has("output_padding") ? c.ints("output_padding", rank) : null;
    if (rank == 2) {
      Conv2DTranspose l = spatial(c, new Conv2DTranspose(filters, k[0], k[1]), 2);
      return p == null ? l : l.outputPadding(p);
    }
    Conv1DTranspose l = spatial(c, new Conv1DTranspose(filters, k[0]), 1);
    return p == null ? l : l.outputPadding(p);
  }

  private static Layer pooling1d(Cfg c, boolean max) {
    channelsLast(c);
    int p = c.has("pool_size") ? c.ints("pool_size", 1)[0] : 2;
    Pooling1D l = new Pooling1D(max, p);
    if (c.has("strides") && c.get("strides") != null) {
      l.strides(c.ints("strides", 1)[0]);
    }
    return l.padding(c.str("padding", "valid"));
  }

  private static Layer globalAverage1d(Cfg c) {
    channelsLast(c);
    return new GlobalAveragePooling1D().keepdims(c.bool("keepdims", false));
  }

  private static Layer dot(Cfg c) {
    int[] axes = c.ints("axes", 2);
    require(c, axes.length == 2, "axes", c.get("axes"));
    Dot l = c.get("axes") instanceof Number ? new Dot(axes[0]) : new Dot(axes[0], axes[1]);
    return l.normalize(c.bool("normalize", false));
  }

  /** A factor given as {@code f} or {@code [-f, f]}; Graft's layers take symmetric ranges. */
  private static double symmetric(Cfg c, String key) {
    Object v = c.get(key);
    if (v instanceof Number n) {
      return Math.abs(n.doubleValue());
    }
    double[] r = c.nums(key);
    require(c, r.length == 2 && r[0] == -r[1], key, v);
    return Math.abs(r[1]);
  }

  private static Layer rotation(Cfg c) {
    Object v = c.get("factor");
    if (v instanceof Number n) {
      return augmentation(c, new RandomRotation(n.doubleValue()));
    }
    double[] r = c.nums("factor");
    require(c, r.length == 2, "factor", v);
    return augmentation(c, new RandomRotation(r[0], r[1]));
  }

  private static Layer augmentation(Cfg c, ImageAugmentation l) {
    channelsLast(c);
    String interpolation = c.str("interpolation", "bilinear");
    require(c, interpolation.equals("bilinear"), "interpolation", interpolation);
    if (c.has("fill_mode")) {
      l.fillMode(c.str("fill_mode", "reflect"));
      l.fillValue(c.num("fill_value", 0));
    }
    return l;
  }

  /** Keras stores the wrapped layer's config; its copies are named forward_/backward_ + name. */
  private static Layer bidirectional(Cfg c) {
    Cfg wrapped = c.cfg("layer");
    Cfg inner = wrapped.cfg("config");
    Layer l = create(wrapped.str("class_name"), inner);
    require(c, l instanceof Recurrent, "layer", wrapped.str("class_name"));
    String name = inner.str("name", null);
    if (name != null) {
      l.name(name.startsWith("forward_") ? name.substring("forward_".length()) : name);
    }
    String mode = c.str("merge_mode", "concat");
    return new Bidirectional((Recurrent) l, Bidirectional.MergeMode.of(mode));
  }

  private static Layer embedding(Cfg c) {
    return new Embedding(c.integer("input_dim"), c.integer("output_dim"))
        .maskZero(c.bool("mask_zero", false));
  }

  private static Layer gru(Cfg c) {
    return recurrent(c, new Gru(c.integer("units")).resetAfter(c.bool("reset_after", true)));
  }

  private static Layer recurrent(Cfg c, Recurrent l) {
    String act = c.name("activation", "tanh");
    if (!act.equals("tanh")) {
      throw new IllegalArgumentException(
          c.where()
              + ": unsupported activation="
              + act
              + " (Graft's fused recurrent kernels run tanh only)");
    }
    if (!(l instanceof SimpleRnn)) {
      String rec = c.name("recurrent_activation", "sigmoid");
      // A Keras 2 / tfjs file's hard_sigmoid is clip(0.2 x + 0.5, 0, 1), Keras 3's relu6(x + 3) /
      // 6.
      String gate = c.keras2() && rec.equals("hard_sigmoid") ? "hard_sigmoid_keras2" : rec;
      if (GateActivation.named(gate) == null) {
        throw new IllegalArgumentException(
            c.where()
                + ": unsupported recurrent_activation="
                + rec
                + " (Graft's fused recurrent kernels run sigmoid or hard_sigmoid)");
      }
      l.recurrentActivation(gate);
    }
    require(c, c.bool("use_bias", true), "use_bias", false);
    require(c, !c.bool("stateful", false), "stateful", true);
    return l.dropout(c.num("dropout", 0))
        .recurrentDropout(c.num("recurrent_dropout", 0))
        .returnSequences(c.bool("return_sequences", false))
        .goBackwards(c.bool("go_backwards", false))
        .returnState(c.bool("return_state", false));
  }

  private static Layer reluLayer(Cfg c) {
    Relu l = new Relu().negativeSlope(c.num("negative_slope", 0)).threshold(c.num("threshold", 0));
    return c.has("max_value") ? l.maxValue(c.num("max_value", 0)) : l;
  }

  /**
   * PReLU; its {@code alpha_initializer} only seeds a weight the file then overwrites (as for
   * Dense's initializers), a constraint is refused.
   */
  private static Layer prelu(Cfg c) {
    require(c, !c.has("alpha_constraint"), "alpha_constraint", c.get("alpha_constraint"));
    PRelu l = new PRelu();
    if (c.has("shared_axes")) {
      l.sharedAxes(c.ints("shared_axes", 1));
    }
    Regularizer reg = regularizer(c, "alpha_regularizer");
    return reg == null ? l : l.alphaRegularizer(reg);
  }

  /** A regularizer given as a name or {@code {class_name: L1|L2|L1L2, config: {l1, l2}}}. */
  private static Regularizer regularizer(Cfg c, String key) {
    Object v = c.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof String name) {
      return Regularizer.of(name);
    }
    Cfg r = c.cfg(key);
    Cfg rc = r.has("config") ? r.cfg("config") : r;
    String cls = r.str("class_name", "?");
    return switch (cls) {
      case "L1" -> Regularizer.l1((float) rc.num("l1", 0.01));
      case "L2" -> Regularizer.l2((float) rc.num("l2", 0.01));
      case "L1L2" -> Regularizer.l1l2((float) rc.num("l1", 0), (float) rc.num("l2", 0));
      default ->
          throw new IllegalArgumentException(
              c.where()
                  + ": unsupported "
                  + key
                  + " class \""
                  + cls
                  + "\" (Graft has L1, L2, L1L2)");
    };
  }

  /** An axis given as an integer or a one-element list; several axes are refused. */
  private static int oneAxis(Cfg c, String key) {
    if (!c.has(key)) {
      return -1;
    }
    int[] axes = c.ints(key, 1);
    require(c, axes.length == 1, key, c.get(key));
    return axes[0];
  }

  /** Keras draws these masks per element; another noise shape is refused. */
  private static Layer noNoiseShape(Cfg c, Layer l) {
    require(c, !c.has("noise_shape"), "noise_shape", c.get("noise_shape"));
    return l;
  }

  private static Layer spatialDropout(Cfg c, int dims) {
    channelsLast(c);
    return noNoiseShape(c, new SpatialDropout(dims, c.num("rate", Double.NaN)));
  }

  /** Keras's defaults only for what Graft's attention layers do not model. */
  private static void attentionDefaults(Cfg c, String... keys) {
    for (String k : keys) {
      require(c, !c.has(k), k, c.get(k));
    }
  }

  private static Layer multiHeadAttention(Cfg c) {
    attentionDefaults(
        c,
        "sliding_window",
        "kernel_regularizer",
        "bias_regularizer",
        "activity_regularizer",
        "kernel_constraint",
        "bias_constraint");
    require(c, !c.bool("use_gate", false), "use_gate", true);
    Object axes = c.get("attention_axes");
    // For (batch, T, dim) inputs Keras's default attends over axis 1.
    require(
        c,
        axes == null
            || (c.ints("attention_axes", 1).length == 1 && c.ints("attention_axes", 1)[0] == 1),
        "attention_axes",
        axes);
    MultiHeadAttention l = new MultiHeadAttention(c.integer("num_heads"), c.integer("key_dim"));
    if (c.has("value_dim")) {
      l.valueDim(c.integer("value_dim"));
    }
    if (c.has("output_shape")) {
      int[] out = c.ints("output_shape", 1);
      require(c, out.length == 1, "output_shape", c.get("output_shape"));
      l.outputShape(out[0]);
    }
    return l.dropout((float) c.num("dropout", 0)).useBias(c.bool("use_bias", true));
  }

  private static Layer attention(Cfg c) {
    // tf.keras 2 wrote the causal mask as the layer argument "causal".
    return new Attention()
        .useScale(c.bool("use_scale", false))
        .scoreMode(c.str("score_mode", "dot"))
        .dropout((float) c.num("dropout", 0))
        .useCausalMask(c.bool("causal", false));
  }

  private static Layer additiveAttention(Cfg c) {
    return new AdditiveAttention()
        .useScale(c.bool("use_scale", true))
        .dropout((float) c.num("dropout", 0))
        .useCausalMask(c.bool("causal", false));
  }
}
