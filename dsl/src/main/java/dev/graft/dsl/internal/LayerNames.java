package dev.graft.dsl.internal;

import dev.graft.dsl.Layer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras's rule that the layers of one model have distinct names: saved configs and weight files
 * refer to layers by name, and {@code getLayer} finds them by name. Layers inside a nested model
 * are scoped by it and may repeat names of the outer model.
 */
public final class LayerNames {
  private LayerNames() {}

  /**
   * Refuses two layers of one name among {@code layers} (distinct objects: a shared layer is listed
   * once).
   *
   * @param layers the layers of one model
   * @throws IllegalArgumentException naming the clashing name and each layer's class and position
   */
  public static void checkUnique(List<Layer> layers) {
    Map<String, List<Integer>> byName = new LinkedHashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      byName.computeIfAbsent(layers.get(i).name(), k -> new ArrayList<>()).add(i);
    }
    for (Map.Entry<String, List<Integer>> e : byName.entrySet()) {
      if (e.getValue().size() > 1) {
        List<String> which = new ArrayList<>();
        for (int i : e.getValue()) {
          Layer l = layers.get(i);
          String out =
              l.calls().isEmpty() ? "" : ", output " + l.calls().get(0).outputs().get(0).shape();
          which.add(l.className() + " (layer " + i + out + ")");
        }
        throw new IllegalArgumentException(
            "The name \""
                + e.getKey()
                + "\" is used "
                + e.getValue().size()
                + " times in the model, by "
                + String.join(" and ", which)
                + ". All layer names should be unique: give one of them another name with"
                + " .name(...) before calling it");
      }
    }
  }
}
