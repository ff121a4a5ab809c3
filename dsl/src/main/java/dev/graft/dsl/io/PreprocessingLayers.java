package dev.graft.dsl.io;

import dev.graft.dsl.Layer;
import dev.graft.layers.CategoryEncoding;
import dev.graft.layers.Discretization;
import dev.graft.layers.Hashing;
import dev.graft.layers.IntegerLookup;
import dev.graft.layers.Normalization;
import dev.graft.layers.StringLookup;
import dev.graft.layers.TextVectorization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Deserializers of Keras's preprocessing layers ({@code TextVectorization}, {@code StringLookup},
 * ...), registered in {@link KerasLayers}. A vocabulary given in the config ({@code vocabulary}) is
 * set at once; an adapted one comes from the archive's assets when the model is loaded. Settings
 * Graft does not run (sparse or ragged outputs, custom standardize/split callables, inverted
 * lookups) are refused.
 */
final class PreprocessingLayers {
  private PreprocessingLayers() {}

  static void register() {
    KerasLayers.register("TextVectorization", PreprocessingLayers::textVectorization);
    KerasLayers.register("StringLookup", PreprocessingLayers::stringLookup);
    KerasLayers.register("Normalization", PreprocessingLayers::normalization);
    KerasLayers.register("IntegerLookup", PreprocessingLayers::integerLookup);
    KerasLayers.register(
        "CategoryEncoding",
        c -> {
          KerasLayers.require(c, !c.bool("sparse", false), "sparse", true);
          return new CategoryEncoding(c.integer("num_tokens"), c.str("output_mode", "multi_hot"));
        });
    KerasLayers.register("Hashing", PreprocessingLayers::hashing);
    KerasLayers.register("Discretization", PreprocessingLayers::discretization);
  }

  /**
   * An InputLayer's {@code dtype} (a name, or a dtype policy object holding one): {@code string},
   * {@code int32} and {@code int64} are kept; other numeric dtypes are fed as float32, as before.
   */
  static String dtype(Cfg c) {
    Object d = c.get("dtype");
    if (d instanceof Map<?, ?> m && m.get("config") instanceof Map<?, ?> inner) {
      d = inner.get("name");
    }
    String name = d == null ? "float32" : d.toString();
    return List.of("string", "int32", "int64").contains(name) ? name : "float32";
  }

  private static Layer textVectorization(Cfg c) {
    common(c);
    TextVectorization t = new TextVectorization();
    if (c.get("max_tokens") != null) {
      t.maxTokens(c.integer("max_tokens"));
    }
    Object standardize = c.get("standardize");
    KerasLayers.require(
        c, standardize == null || standardize instanceof String, "standardize", standardize);
    t.standardize((String) standardize);
    Object split = c.get("split");
    KerasLayers.require(c, split == null || split instanceof String, "split", split);
    t.split((String) split);
    Object ngrams = c.get("ngrams");
    if (ngrams instanceof Number n) {
      t.ngrams(n.intValue());
    } else if (ngrams != null) {
      t.ngramWidths(c.ints("ngrams", -1));
    }
    t.outputMode(c.str("output_mode", "int"));
    if (c.get("output_sequence_length") != null) {
      t.outputSequenceLength(c.integer("output_sequence_length"));
    }
    t.padToMaxTokens(c.bool("pad_to_max_tokens", false));
    List<String> vocabulary = strings(c, "vocabulary");
    if (vocabulary != null) {
      t.vocabulary(vocabulary, floats(c, "idf_weights"));
    } else if (c.get("vocabulary_size") != null) {
      t.vocabularySize(c.integer("vocabulary_size"));
    }
    return t;
  }

  private static Layer stringLookup(Cfg c) {
    common(c);
    KerasLayers.require(c, !c.bool("invert", false), "invert", true);
    Object salt = c.get("salt");
    KerasLayers.require(c, salt == null, "salt", salt);
    StringLookup l =
        new StringLookup(
            c.get("max_tokens") == null ? null : c.integer("max_tokens"),
            c.integer("num_oov_indices", 1),
            c.get("mask_token") == null ? null : c.str("mask_token"),
            c.get("oov_token") == null ? null : c.str("oov_token"),
            c.str("output_mode", "int"),
            c.bool("pad_to_max_tokens", false));
    List<String> vocabulary = strings(c, "vocabulary");
    if (vocabulary != null) {
      l.vocabulary(vocabulary, floats(c, "idf_weights"));
    } else if (c.get("vocabulary_size") != null) {
      l.vocabularySize(c.integer("vocabulary_size"));
    }
    return l;
  }

  private static Layer integerLookup(Cfg c) {
    common(c);
    KerasLayers.require(c, !c.bool("invert", false), "invert", true);
    String method = c.str("oov_method", "floormod");
    KerasLayers.require(c, method.equals("floormod"), "oov_method", method);
    String dtype = c.str("vocabulary_dtype", "int64");
    KerasLayers.require(c, dtype.equals("int64"), "vocabulary_dtype", dtype);
    IntegerLookup l =
        new IntegerLookup(
            c.get("max_tokens") == null ? null : c.integer("max_tokens"),
            c.integer("num_oov_indices", 1),
            c.get("mask_token") == null ? null : (long) c.num("mask_token", 0),
            c.get("oov_token") == null ? null : (long) c.num("oov_token", -1),
            c.str("output_mode", "int"),
            c.bool("pad_to_max_tokens", false));
    KerasLayers.require(c, c.get("idf_weights") == null, "idf_weights", c.get("idf_weights"));
    if (c.get("vocabulary") != null) {
      List<Long> v = new ArrayList<>();
      for (double d : c.nums("vocabulary")) {
        v.add((long) d);
      }
      l.vocabulary(v);
    } else if (c.get("vocabulary_size") != null) {
      l.vocabularySize(c.integer("vocabulary_size"));
    }
    return l;
  }

  private static Layer hashing(Cfg c) {
    KerasLayers.require(c, !c.bool("sparse", false), "sparse", true);
    KerasLayers.require(c, c.get("salt") == null, "salt", c.get("salt"));
    Hashing h = new Hashing(c.integer("num_bins"), c.str("output_mode", "int"));
    Object mask = c.get("mask_value");
    if (mask instanceof Number n) {
      h.maskValue(Long.toString(n.longValue()));
    } else if (mask != null) {
      h.maskValue(mask.toString());
    }
    return h;
  }

  private static Layer discretization(Cfg c) {
    KerasLayers.require(c, !c.bool("sparse", false), "sparse", true);
    float[] bounds = floats(c, "bin_boundaries");
    Integer bins = c.get("num_bins") == null ? null : c.integer("num_bins");
    String mode = c.str("output_mode", "int");
    double eps = c.num("epsilon", 0.01);
    if (bins != null) {
      Discretization d = new Discretization(null, bins, eps, mode);
      return bounds == null ? d : d.adaptedBoundaries(bounds);
    }
    return new Discretization(bounds, null, eps, mode);
  }

  private static Layer normalization(Cfg c) {
    Object axis = c.get("axis");
    int[] axes = axis == null ? new int[0] : c.ints("axis", 1);
    Normalization n = new Normalization(axes).invert(c.bool("invert", false));
    Object mean = c.get("mean");
    Object variance = c.get("variance");
    KerasLayers.require(c, (mean == null) == (variance == null), "mean", mean);
    if (mean != null) {
      n.meanAndVariance(flat(c, "mean"), flat(c, "variance"));
    }
    return n;
  }

  /** A number or a (nested) list of numbers, flattened. */
  private static float[] flat(Cfg c, String key) {
    List<Float> out = new ArrayList<>();
    flatten(c, key, c.get(key), out);
    float[] f = new float[out.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = out.get(i);
    }
    return f;
  }

  private static void flatten(Cfg c, String key, Object v, List<Float> out) {
    if (v instanceof Number n) {
      out.add(n.floatValue());
    } else if (v instanceof List<?> l) {
      for (Object o : l) {
        flatten(c, key, o, out);
      }
    } else {
      KerasLayers.require(c, false, key, v);
    }
  }

  /** Settings shared by the lookups: no sparse or ragged tensors, UTF-8 only. */
  static void common(Cfg c) {
    KerasLayers.require(c, !c.bool("sparse", false), "sparse", true);
    KerasLayers.require(c, !c.bool("ragged", false), "ragged", true);
    String encoding = c.str("encoding", "utf-8");
    KerasLayers.require(
        c,
        encoding.equalsIgnoreCase("utf-8") || encoding.equalsIgnoreCase("utf8"),
        "encoding",
        encoding);
  }

  private static List<String> strings(Cfg c, String key) {
    Object v = c.get(key);
    if (v == null) {
      return null;
    }
    KerasLayers.require(c, v instanceof List<?>, key, "a vocabulary file path " + v);
    List<String> out = new ArrayList<>();
    for (Object o : (List<?>) v) {
      out.add(String.valueOf(o));
    }
    return out;
  }

  private static float[] floats(Cfg c, String key) {
    if (c.get(key) == null) {
      return null;
    }
    double[] d = c.nums(key);
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
