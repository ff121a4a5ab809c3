package dev.graft.dsl.io;

import dev.graft.autograd.Variable;
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

/**
 * Import of legacy HDF5 models (Keras 2, and Keras 3's legacy writer): the root attribute {@code
 * model_config} holds the architecture, {@code model_weights/<layer>} holds each layer's weights
 * listed by its {@code weight_names} attribute, and {@code training_config} the compile arguments.
 */
final class LegacyH5 {
  private LegacyH5() {}

  static Model load(Path file) throws IOException {
    try (HdfFile h5 = HdfFile.fromBytes(java.nio.file.Files.readAllBytes(file))) {
      String json = H5.stringAttribute(h5, "model_config");
      if (json == null) {
        throw new IllegalArgumentException(
            "an HDF5 file without a model_config attribute (a weights-only file? use loadWeights)");
      }
      Model m = new ConfigReader(false).model(new Cfg(Json.parse(json), "model_config"));
      Node weights = h5.getChild("model_weights");
      Group g = weights instanceof Group wg ? wg : h5;
      KerasWeights.apply(read(g, m));
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
   * The variables in the file's order: matched by {@code <layer>/<weight>} (the stored name's last
   * two parts without {@code :0}) when every name matches, which keeps nested models right whatever
   * order their layers are walked in; else in the layer's own order.
   */
  private static List<Variable> byWeightName(List<Variable> vs, String[] weightNames) {
    Map<String, Variable> byName = new HashMap<>();
    for (Variable v : vs) {
      byName.put(v.name(), v);
    }
    List<Variable> out = new ArrayList<>();
    for (String w : weightNames) {
      String[] parts = w.replaceAll(":\\d+$", "").split("/");
      String key = parts.length < 2 ? w : parts[parts.length - 2] + "/" + parts[parts.length - 1];
      Variable v = byName.remove(key);
      if (v == null) {
        return vs;
      }
      out.add(v);
    }
    return out;
  }

  private static List<KerasWeights.Assignment> read(Group g, Model m) {
    String[] names = H5.stringsAttribute(g, "layer_names");
    Map<String, Layer> byName = new HashMap<>();
    for (Layer l : m.layers()) {
      byName.put(l.name(), l);
    }
    List<KerasWeights.Assignment> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String name : names) {
      Layer l = byName.get(name);
      Node n = g.getChild(name);
      if (!(n instanceof Group lg)) {
        throw new IllegalArgumentException("model_weights has no group for layer \"" + name + "\"");
      }
      String[] weightNames = H5.stringsAttribute(lg, "weight_names");
      if (l == null) {
        if (weightNames.length > 0) {
          throw new IllegalArgumentException(
              "model_weights has weights for layer \"" + name + "\", which the config lacks");
        }
        continue;
      }
      seen.add(name);
      List<Variable> vs = l.weights();
      if (vs.size() != weightNames.length) {
        throw new IllegalArgumentException(
            "layer \""
                + name
                + "\" has "
                + vs.size()
                + " weights; the file has "
                + weightNames.length
                + " "
                + java.util.Arrays.toString(weightNames));
      }
      List<Variable> targets = byWeightName(vs, weightNames);
      for (int i = 0; i < vs.size(); i++) {
        Node d = H5.find(lg, weightNames[i]);
        if (!(d instanceof Dataset ds)) {
          throw new IllegalArgumentException(
              "missing weight " + lg.getPath() + "/" + weightNames[i]);
        }
        out.add(KerasWeights.checked(targets.get(i), H5.tensor(ds), ds.getPath()));
      }
    }
    for (Layer l : m.layers()) {
      if (!l.weights().isEmpty() && !seen.contains(l.name())) {
        throw new IllegalArgumentException("missing weights of layer \"" + l.name() + "\"");
      }
    }
    return out;
  }
}
