package dev.graft.dsl.io;

import dev.graft.dsl.Layer;
import dev.graft.dsl.Model;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Import of legacy HDF5 models (Keras 2, and Keras 3's legacy writer): the root attribute {@code
 * model_config} holds the architecture, {@code model_weights/<layer>} holds each layer's weights
 * listed by its {@code weight_names} attribute, and {@code training_config} the compile arguments.
 */
final class LegacyH5 {
  private LegacyH5() {}

  static Model load(Path file) throws IOException {
    try (HdfFile h5 = H5.open(java.nio.file.Files.readAllBytes(file))) {
      String json = H5.stringAttribute(h5, "model_config");
      if (json == null) {
        throw new IllegalArgumentException(
            "an HDF5 file without a model_config attribute (a weights-only file? use loadWeights)");
      }
      ConfigReader reader = new ConfigReader(isKeras3(H5.stringAttribute(h5, "keras_version")));
      Model m = reader.model(new Cfg(Json.parse(json), "model_config"));
      Group g = weightsGroup(h5);
      KerasWeights.apply(read(g == null ? h5 : g, m, reader.order::get));
      String training = H5.stringAttribute(h5, "training_config");
      if (training != null) {
        tryCompile(m, new Cfg(Json.parse(training), "training_config"));
      }
      return m;
    }
  }

  /** Compiles when the training config is one Graft knows; an import does not need it. */
  static void tryCompile(Model m, Cfg training) {
    try {
      CompileConfigs.apply(m, training);
    } catch (IllegalArgumentException e) {
      // Unknown losses or optimizers only mean the user compiles the model themselves.
    }
  }

  /**
   * The group holding Keras 2's per-layer weights ({@code layer_names} attribute): the root of a
   * {@code save_weights} file, {@code model_weights} of a model file; null for other layouts.
   */
  static Group weightsGroup(HdfFile h5) {
    if (h5.getAttribute("layer_names") != null) {
      return h5;
    }
    Node weights = h5.getChild("model_weights");
    return weights instanceof Group g && g.getAttribute("layer_names") != null ? g : null;
  }

  /** True for a file written by Keras 3 (its config numbers nested Sequential calls from 0). */
  static boolean isKeras3(String kerasVersion) {
    return kerasVersion != null && kerasVersion.startsWith("3.");
  }

  /**
   * Pairs each layer's stored weights ({@code weight_names} of its group, in order) with its
   * variables. Layers are matched by name when the file's names are the config's, else in order as
   * Keras's {@code load_weights_from_hdf5_group} does; the weights within a layer as {@link
   * WeightMatcher#layer} pairs them.
   */
  static List<KerasWeights.Assignment> read(Group g, Model m, Function<Model, List<Layer>> order) {
    Map<String, Layer> byName = new HashMap<>();
    List<WeightMatcher.Unit> weighted = new ArrayList<>();
    for (Layer l : order.apply(m)) {
      byName.put(l.name(), l);
      WeightMatcher.Unit u = WeightMatcher.unit(l, List.of(m.name()), order);
      if (!u.variables().isEmpty() && weighted.stream().noneMatch(x -> x.layer() == l)) {
        weighted.add(u);
      }
    }
    List<String> names = new ArrayList<>();
    List<List<WeightMatcher.Stored>> stored = new ArrayList<>();
    boolean named = true;
    for (String name : H5.stringsAttribute(g, "layer_names")) {
      if (!(g.getChild(name) instanceof Group lg)) {
        throw new IllegalArgumentException(
            g.getPath() + " has no group for layer \"" + name + "\" of its layer_names");
      }
      String[] weightNames = H5.stringsAttribute(lg, "weight_names");
      if (weightNames.length == 0) {
        continue;
      }
      List<WeightMatcher.Stored> values = new ArrayList<>();
      for (String w : weightNames) {
        if (!(H5.find(lg, w) instanceof Dataset ds)) {
          throw new IllegalArgumentException(
              "missing weight " + lg.getPath() + "/" + w + " listed in its weight_names");
        }
        values.add(new WeightMatcher.Stored(ds.getPath(), H5.tensor(ds)));
      }
      names.add(name);
      stored.add(values);
      named &= byName.containsKey(name);
    }
    List<WeightMatcher.Unit> targets = new ArrayList<>();
    if (named) {
      for (String name : names) {
        Layer l = byName.get(name);
        targets.add(WeightMatcher.unit(l, List.of(m.name()), order));
      }
      for (WeightMatcher.Unit u : weighted) {
        if (!names.contains(u.layer().name())) {
          throw new IllegalArgumentException(
              "the file has no weights for "
                  + u.label()
                  + ", which needs "
                  + WeightMatcher.expected(u));
        }
      }
    } else {
      targets = weighted;
    }
    if (targets.size() != stored.size()) {
      List<String> want = new ArrayList<>();
      weighted.forEach(u -> want.add(u.layer().name()));
      throw new IllegalArgumentException(
          "the file holds weights for "
              + names.size()
              + " layers "
              + names
              + "; the model has "
              + weighted.size()
              + " layers with weights "
              + want);
    }
    List<KerasWeights.Assignment> out = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      out.addAll(WeightMatcher.layer(targets.get(i), stored.get(i)));
    }
    return out;
  }
}
