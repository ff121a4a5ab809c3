package dev.graft.dsl.io;

import dev.graft.dsl.Layer;
import dev.graft.dsl.Model;
import dev.graft.layers.KerasAssets;
import dev.graft.tensor.Tensor;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The state of layers that is not weights, where Keras 3's {@code .keras} archive keeps it: asset
 * files under {@code assets/<layer path>/} (a lookup's {@code vocabulary.txt}: one token per line,
 * special tokens first, no final newline) and named variables in the layer's group of {@code
 * model.weights.h5} ({@code vars/idf_weights}). Layer paths are those of the weights file ({@code
 * layers/text_vectorization}, nested models' layers under theirs).
 */
final class KerasAssetFiles {
  private KerasAssetFiles() {}

  /** The archive entries ({@code assets/...}) of {@code m}'s layers' assets. */
  static Map<String, byte[]> assets(Model m) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    each(
        m,
        WeightPaths::savedOrder,
        (a, path) ->
            a.saveAssets().forEach((rel, data) -> out.put("assets/" + path + "/" + rel, data)));
    return out;
  }

  /** Adds the layers' named variables to the weights tree. */
  static void addVariables(Model m, H5.Tree root) {
    each(
        m,
        WeightPaths::savedOrder,
        (a, path) ->
            a.saveVariables()
                .forEach(
                    (rel, value) -> {
                      int cut = rel.lastIndexOf('/');
                      H5.Tree g =
                          cut < 0
                              ? root.group(path)
                              : root.group(path + "/" + rel.substring(0, cut));
                      g.put(rel.substring(cut + 1), value);
                    }));
  }

  /** Restores the layers' named variables, then their assets, from a loaded archive. */
  static void load(
      Model m, Function<Model, List<Layer>> order, Group weights, Map<String, byte[]> entries) {
    each(
        m,
        order,
        (a, path) -> {
          Map<String, Tensor> vars = new LinkedHashMap<>();
          if (H5.find(weights, path) instanceof Group g) {
            datasets(g, "", vars);
          }
          a.loadVariables(vars);
          Map<String, byte[]> files = new LinkedHashMap<>();
          String prefix = "assets/" + path + "/";
          entries.forEach(
              (name, data) -> {
                if (name.startsWith(prefix) && !name.endsWith("/")) {
                  files.put(name.substring(prefix.length()), data);
                }
              });
          a.loadAssets(files);
        });
  }

  private static void datasets(Group g, String rel, Map<String, Tensor> out) {
    for (Map.Entry<String, Node> e : g.getChildren().entrySet()) {
      String name = rel + e.getKey();
      if (e.getValue() instanceof Dataset d) {
        out.put(name, H5.tensor(d));
      } else if (e.getValue() instanceof Group child) {
        datasets(child, name + "/", out);
      }
    }
  }

  private interface Visit {
    void apply(KerasAssets layer, String path);
  }

  private static void each(Model m, Function<Model, List<Layer>> order, Visit v) {
    WeightPaths.layerPaths(m, order)
        .forEach(
            (l, path) -> {
              if (l instanceof KerasAssets a) {
                v.apply(a, path);
              }
            });
  }
}
