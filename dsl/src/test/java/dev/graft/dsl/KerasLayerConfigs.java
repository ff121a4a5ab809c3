package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.layers.Conv2D;
import dev.graft.layers.Dense;
import dev.graft.layers.Pooling2D;
import dev.graft.layers.Recurrent;

/**
 * Test-only mapping from a Keras layer config ({@code class_name} + snake_case {@code config}, as a
 * model.json stores it) to a Graft layer built through the public factories and setters.
 */
final class KerasLayerConfigs {
  private KerasLayerConfigs() {}

  /**
   * The layer for {@code className} with {@code config}.
   *
   * @throws IllegalArgumentException for a class this mapping does not know
   */
  static Layer fromConfig(String className, JsonNode c) {
    Layer layer =
        switch (className) {
          case "Dense" -> denseFrom(c);
          case "Conv2D" -> conv2dFrom(c);
          case "MaxPooling2D", "AveragePooling2D" -> poolingFrom(className, c);
          case "Flatten" -> flatten();
          case "Dropout" -> dropout(c.get("rate").asDouble());
          case "Embedding" -> embedding(c.get("input_dim").asInt(), c.get("output_dim").asInt());
          case "LSTM" -> recurrentFrom(lstm(c.get("units").asInt()), c);
          case "GRU" ->
              recurrentFrom(
                  gru(c.get("units").asInt()).resetAfter(c.path("reset_after").asBoolean(true)), c);
          case "Concatenate" -> concatenateLayer(c.path("axis").asInt(-1));
          case "Average" -> averageLayer();
          case "Add" -> new dev.graft.layers.Add();
          default -> throw new IllegalArgumentException("no mapping for Keras class " + className);
        };
    layer.name(c.get("name").asText());
    layer.trainable(c.path("trainable").asBoolean(true));
    return layer;
  }

  private static Dense denseFrom(JsonNode c) {
    return dense(c.get("units").asInt())
        .activation(c.path("activation").asText("linear"))
        .useBias(c.path("use_bias").asBoolean(true));
  }

  private static Conv2D conv2dFrom(JsonNode c) {
    int[] k = pair(c.get("kernel_size"));
    int[] s = pair(c.path("strides"), 1);
    int[] d = pair(c.path("dilation_rate"), 1);
    return conv2d(c.get("filters").asInt(), k[0], k[1])
        .strides(s[0], s[1])
        .dilationRate(d[0], d[1])
        .padding(c.path("padding").asText("valid"))
        .activation(c.path("activation").asText("linear"))
        .useBias(c.path("use_bias").asBoolean(true));
  }

  private static Pooling2D poolingFrom(String className, JsonNode c) {
    int[] p = pair(c.path("pool_size"), 2);
    Pooling2D layer = new Pooling2D(className.startsWith("Max"), p[0], p[1]);
    if (c.hasNonNull("strides")) {
      int[] s = pair(c.get("strides"));
      layer.strides(s[0], s[1]);
    }
    return layer.padding(c.path("padding").asText("valid"));
  }

  private static Recurrent recurrentFrom(Recurrent r, JsonNode c) {
    checkDefault(c, "activation", "tanh");
    checkDefault(c, "recurrent_activation", "sigmoid");
    return r.returnSequences(c.path("return_sequences").asBoolean(false))
        .goBackwards(c.path("go_backwards").asBoolean(false));
  }

  private static void checkDefault(JsonNode c, String key, String fused) {
    if (c.hasNonNull(key) && !c.get(key).asText().equals(fused)) {
      throw new IllegalArgumentException(key + "=" + c.get(key).asText() + " is not supported");
    }
  }

  private static int[] pair(JsonNode n) {
    return n.isArray()
        ? new int[] {n.get(0).asInt(), n.get(1).asInt()}
        : new int[] {n.asInt(), n.asInt()};
  }

  private static int[] pair(JsonNode n, int dflt) {
    return n.isMissingNode() || n.isNull() ? new int[] {dflt, dflt} : pair(n);
  }
}
