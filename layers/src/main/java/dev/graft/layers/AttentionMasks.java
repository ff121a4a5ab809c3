package dev.graft.layers;

import dev.graft.dsl.Layer;
import dev.graft.tensor.Tensor;
import java.util.Map;
import java.util.function.Consumer;

/** What the attention layers share: the causal mask and the per-call options Keras records. */
final class AttentionMasks {
  private AttentionMasks() {}

  /**
   * A {@code (t, s)} matrix holding {@code keep} where query position {@code i} may see source
   * position {@code j <= i} (Keras's {@code row_index >= col_index}) and {@code drop} elsewhere.
   */
  static Tensor causal(int t, int s, float keep, float drop) {
    Tensor m = Tensor.zeros(t, s);
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < s; j++) {
        m.setFlat(i * s + j, j <= i ? keep : drop);
      }
    }
    return m;
  }

  /**
   * Applies the options of one saved call ({@code use_causal_mask}, {@code
   * return_attention_scores}): the first call sets them, later calls must agree.
   *
   * @throws IllegalArgumentException naming the layer and the option otherwise
   */
  static void applyOptions(
      Layer layer,
      Map<String, Object> options,
      boolean causal,
      boolean scores,
      Consumer<Boolean> setCausal,
      Consumer<Boolean> setScores) {
    boolean wantCausal = causal;
    boolean wantScores = scores;
    for (Map.Entry<String, Object> e : options.entrySet()) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "use_causal_mask" -> wantCausal = flag(layer, e.getKey(), v);
        case "return_attention_scores" -> wantScores = flag(layer, e.getKey(), v);
        case "training", "mask", "query_mask", "value_mask", "key_mask" -> {
          if (v != null) {
            throw refused(layer, e.getKey(), v, "only null is supported");
          }
        }
        default -> throw refused(layer, e.getKey(), v, "Graft does not honour this call argument");
      }
    }
    if (layer.built() && (wantCausal != causal || wantScores != scores)) {
      throw new IllegalArgumentException(
          "Layer \""
              + layer.name()
              + "\" ("
              + layer.className()
              + ") is called with different use_causal_mask or return_attention_scores; Graft"
              + " holds them per layer, so every call must agree");
    }
    if (!layer.built()) {
      setCausal.accept(wantCausal);
      setScores.accept(wantScores);
    }
  }

  private static boolean flag(Layer layer, String key, Object v) {
    if (v == null) {
      return false;
    }
    if (!(v instanceof Boolean b)) {
      throw refused(layer, key, v, "expected true or false");
    }
    return b;
  }

  private static IllegalArgumentException refused(
      Layer layer, String key, Object v, String reason) {
    return new IllegalArgumentException(
        "Layer \""
            + layer.name()
            + "\" ("
            + layer.className()
            + "): call argument "
            + key
            + "="
            + v
            + " is not supported ("
            + reason
            + ")");
  }
}
