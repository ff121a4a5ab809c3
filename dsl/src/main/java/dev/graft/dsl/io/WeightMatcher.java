package dev.graft.dsl.io;

import dev.graft.autograd.Variable;
import dev.graft.dsl.Layer;
import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Pairs the weights a Keras 2 {@code .h5} or TensorFlow.js file stores with a model's variables,
 * the way Keras and TensorFlow.js do: layer by layer, each layer's weights in Keras's legacy order
 * (trainable ones first, then the rest, which is what {@code get_weights} and these files list).
 *
 * <p>Stored names carry scopes Graft's variables lack: the RNN cell ({@code
 * lstm_2/lstm_cell_2/kernel}), the model ({@code sequential_4/dense_8/kernel}), a Bidirectional
 * wrapper ({@code bidirectional/forward_lstm/lstm_cell_1/kernel}) and TensorFlow's {@code :0}. A
 * stored name matches a variable {@code a/b/w} when it ends in {@code w} and holds {@code a},
 * {@code b} in that order among its other parts. When the names say nothing unambiguous, order
 * decides, as it does in Keras ({@code load_weights_from_hdf5_group}); either way every shape is
 * checked before anything is assigned.
 */
final class WeightMatcher {
  private WeightMatcher() {}

  /** A weight as a file stores it: its name as written, and its value. */
  record Stored(String name, Tensor value) {}

  /**
   * One layer's variables in Keras's legacy order, their names split at {@code /} ({@code keys}),
   * the names of the models around the layer ({@code scopes}), and how errors name the layer.
   */
  record Unit(
      String label,
      Layer layer,
      List<Variable> variables,
      List<String[]> keys,
      List<String> scopes) {}

  /**
   * The unit of {@code l}: its variables, trainable first then the others (for a nested model, over
   * all its layers in config order), as Keras's {@code _legacy_weights} and tfjs's {@code weights}
   * list them.
   */
  static Unit unit(Layer l, List<String> scopes, Function<Model, List<Layer>> order) {
    List<Variable> all = new ArrayList<>();
    collect(l, order, all, Collections.newSetFromMap(new IdentityHashMap<>()));
    List<Variable> out = new ArrayList<>();
    for (Variable v : all) {
      if (v.trainable()) {
        out.add(v);
      }
    }
    for (Variable v : all) {
      if (!v.trainable()) {
        out.add(v);
      }
    }
    String label = "layer \"" + l.name() + "\" (" + l.className() + ")";
    List<String[]> keys = new ArrayList<>();
    for (Variable v : out) {
      keys.add(v.name().split("/"));
    }
    return new Unit(label, l, out, keys, scopes);
  }

  private static void collect(
      Layer l, Function<Model, List<Layer>> order, List<Variable> out, Set<Variable> seen) {
    if (l instanceof Model m) {
      for (Layer inner : order.apply(m)) {
        collect(inner, order, out, seen);
      }
      return;
    }
    for (Variable v : l.weights()) {
      if (seen.add(v)) {
        out.add(v);
      }
    }
  }

  /**
   * Pairs the weights stored for one layer with its variables: by name when every stored name picks
   * exactly one variable, else in order; then checks every shape.
   *
   * @throws IllegalArgumentException naming the layer and listing the expected and the stored
   *     weights with their shapes when their count or shapes disagree
   */
  static List<KerasWeights.Assignment> layer(Unit u, List<Stored> stored) {
    List<Variable> vars = u.variables();
    if (vars.size() != stored.size()) {
      throw mismatch(
          u,
          stored,
          "Graft's layer has " + vars.size() + " weights; the file has " + stored.size());
    }
    List<Variable> targets = byName(u, stored);
    if (targets == null) {
      targets = vars;
    }
    List<KerasWeights.Assignment> out = new ArrayList<>();
    for (int i = 0; i < vars.size(); i++) {
      Variable v = targets.get(i);
      Stored s = stored.get(i);
      if (!s.value().shape().equals(v.shape())) {
        throw mismatch(
            u,
            stored,
            "weight "
                + s.name()
                + " has shape "
                + s.value().shape()
                + " where "
                + v.name()
                + " needs "
                + v.shape());
      }
      out.add(new KerasWeights.Assignment(v, s.value()));
    }
    return out;
  }

  /** The variable each stored weight names, or null unless that is a one-to-one pairing. */
  private static List<Variable> byName(Unit u, List<Stored> stored) {
    Set<Variable> used = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Variable> out = new ArrayList<>();
    for (Stored s : stored) {
      String[] st = tokens(s.name());
      Variable found = null;
      for (int i = 0; i < u.variables().size(); i++) {
        if (matches(u.keys().get(i), st)) {
          if (found != null) {
            return null;
          }
          found = u.variables().get(i);
        }
      }
      if (found == null || !used.add(found)) {
        return null;
      }
      out.add(found);
    }
    return out;
  }

  /**
   * Pairs a whole model's stored weights (TensorFlow.js's flat manifest) with its variables: each
   * stored weight goes to the layer its name designates; when a name designates no layer or
   * several, the manifest is read in order, layer after layer, as the converter wrote it.
   *
   * @throws IllegalArgumentException naming the layer whose weights disagree in count or shape, or
   *     the stored weight no layer takes
   */
  static List<KerasWeights.Assignment> model(
      Model m, Function<Model, List<Layer>> order, List<Stored> stored) {
    List<Unit> leaves = new ArrayList<>();
    leaves(m, List.of(m.name()), order, leaves);
    Map<Unit, List<Stored>> byOwner = byOwner(leaves, stored);
    if (byOwner == null) {
      return inOrder(m, order, stored);
    }
    List<KerasWeights.Assignment> out = new ArrayList<>();
    for (Unit u : leaves) {
      out.addAll(layer(u, byOwner.getOrDefault(u, List.of())));
    }
    return out;
  }

  private static void leaves(
      Model m, List<String> scopes, Function<Model, List<Layer>> order, List<Unit> out) {
    for (Layer l : order.apply(m)) {
      if (l instanceof Model inner) {
        List<String> deeper = new ArrayList<>(scopes);
        deeper.add(inner.name());
        leaves(inner, deeper, order, out);
      } else if (!l.weights().isEmpty() && out.stream().noneMatch(u -> u.layer() == l)) {
        out.add(unit(l, scopes, order));
      }
    }
  }

  /** Each layer's stored weights, or null if some stored name designates no single layer. */
  private static Map<Unit, List<Stored>> byOwner(List<Unit> leaves, List<Stored> stored) {
    Map<Unit, List<Stored>> out = new LinkedHashMap<>();
    for (Stored s : stored) {
      String[] st = tokens(s.name());
      Unit best = null;
      int bestScore = -1;
      boolean tie = false;
      for (Unit u : leaves) {
        if (u.keys().stream().noneMatch(k -> matches(k, st))) {
          continue;
        }
        int score = contains(st, u.layer().name()) ? 1 : 0;
        for (String scope : u.scopes()) {
          score += contains(st, scope) ? 1 : 0;
        }
        if (score > bestScore) {
          best = u;
          bestScore = score;
          tie = false;
        } else if (score == bestScore) {
          tie = true;
        }
      }
      if (best == null || tie) {
        return null;
      }
      out.computeIfAbsent(best, k -> new ArrayList<>()).add(s);
    }
    return out;
  }

  /** The manifest read in order: each top-level layer (a nested model as one) takes its count. */
  private static List<KerasWeights.Assignment> inOrder(
      Model m, Function<Model, List<Layer>> order, List<Stored> stored) {
    List<Unit> units = new ArrayList<>();
    int total = 0;
    for (Layer l : order.apply(m)) {
      Unit u = unit(l, List.of(m.name()), order);
      if (!u.variables().isEmpty() && units.stream().noneMatch(x -> x.layer() == l)) {
        units.add(u);
        total += u.variables().size();
      }
    }
    if (total != stored.size()) {
      throw new IllegalArgumentException(
          "model \""
              + m.name()
              + "\" has "
              + total
              + " weights; the file has "
              + stored.size()
              + " "
              + describe(stored));
    }
    List<KerasWeights.Assignment> out = new ArrayList<>();
    int at = 0;
    for (Unit u : units) {
      int n = u.variables().size();
      out.addAll(layer(u, stored.subList(at, at + n)));
      at += n;
    }
    return out;
  }

  /** A stored name's parts, without TensorFlow's {@code :0} suffix. */
  static String[] tokens(String name) {
    return name.replaceAll(":\\d+$", "").split("/");
  }

  /**
   * True when {@code stored} ends in {@code key}'s last part and holds its other parts in order.
   */
  static boolean matches(String[] key, String[] stored) {
    if (!key[key.length - 1].equals(stored[stored.length - 1])) {
      return false;
    }
    int j = 0;
    for (int i = 0; i < key.length - 1; i++) {
      while (j < stored.length - 1 && !stored[j].equals(key[i])) {
        j++;
      }
      if (j == stored.length - 1) {
        return false;
      }
      j++;
    }
    return true;
  }

  private static boolean contains(String[] tokens, String part) {
    for (int i = 0; i < tokens.length - 1; i++) {
      if (tokens[i].equals(part)) {
        return true;
      }
    }
    return false;
  }

  /** The unit's variables with their shapes, as errors list them. */
  static String expected(Unit u) {
    List<String> want = new ArrayList<>();
    for (Variable v : u.variables()) {
      want.add(v.name() + " " + v.shape());
    }
    return want.toString();
  }

  private static IllegalArgumentException mismatch(Unit u, List<Stored> stored, String what) {
    return new IllegalArgumentException(
        u.label() + ": " + what + "; expected " + expected(u) + ", found " + describe(stored));
  }

  private static String describe(List<Stored> stored) {
    List<String> found = new ArrayList<>();
    for (Stored s : stored) {
      found.add(s.name() + " " + s.value().shape());
    }
    return found.toString();
  }
}
