package dev.graft.dsl.io;

import dev.graft.autograd.Variable;
import dev.graft.autograd.optim.Optimizer;
import dev.graft.dsl.Layer;
import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Keras 3's weights file layout ({@code model.weights.h5} in a {@code .keras} archive, or a {@code
 * .weights.h5} file): model variables under {@link WeightPaths}, optimizer state under {@code
 * optimizer/vars} as {@code [iterations, learning_rate, m_0, v_0, m_1, v_1, ...]} (one slot per
 * state tensor, variables in {@code trainable_weights} order).
 */
final class KerasWeights {
  private KerasWeights() {}

  /** The tree of a model's weights (and its optimizer's state if {@code withOptimizer}). */
  static H5.Tree tree(Model m, boolean withOptimizer) {
    H5.Tree root = new H5.Tree();
    for (Map.Entry<String, List<Variable>> e :
        WeightPaths.of(m, WeightPaths::savedOrder).entrySet()) {
      H5.Tree g = root.group(e.getKey());
      List<Variable> vs = e.getValue();
      for (int i = 0; i < vs.size(); i++) {
        g.putChecked(Integer.toString(i), e.getKey() + "/" + i, vs.get(i).value());
      }
    }
    Optimizer opt = m.optimizer();
    // Like Keras, an optimizer that has not stepped yet has no state to save.
    if (withOptimizer && opt != null && !opt.variablesWithState().isEmpty()) {
      H5.Tree g = root.group("optimizer/vars");
      g.putChecked("0", "optimizer/vars/0", opt.iterations());
      g.putChecked("1", "optimizer/vars/1", Tensor.scalar(opt.learningRate()));
      int k = 2;
      for (Variable v : m.trainableWeights()) {
        for (Tensor s : opt.slots(v)) {
          g.putChecked(Integer.toString(k), "optimizer/vars/" + k, s);
          k++;
        }
      }
    }
    return root;
  }

  /** A pending assignment: checked first, applied only when every value is valid. */
  record Assignment(Variable variable, Tensor value) {}

  /**
   * Reads every model variable's value, checking presence and shape.
   *
   * @throws IllegalArgumentException naming the missing or mis-shaped weight
   */
  static List<Assignment> read(Group root, Model m, Function<Model, List<Layer>> order) {
    List<Assignment> out = new ArrayList<>();
    for (Map.Entry<String, List<Variable>> e : WeightPaths.of(m, order).entrySet()) {
      List<Variable> vs = e.getValue();
      if (vs.isEmpty()) {
        continue;
      }
      Node g = H5.find(root, e.getKey());
      if (!(g instanceof Group group)) {
        throw new IllegalArgumentException(
            "missing weight group " + e.getKey() + " (for " + vs.get(0).name() + ")");
      }
      int datasets = group.getChildren().size();
      if (datasets != vs.size()) {
        throw new IllegalArgumentException(
            e.getKey()
                + " holds "
                + datasets
                + " weights; layer of "
                + vs.get(0).name()
                + " has "
                + vs.size());
      }
      for (int i = 0; i < vs.size(); i++) {
        out.add(new Assignment(vs.get(i), value(group, Integer.toString(i), vs.get(i))));
      }
    }
    return out;
  }

  static Tensor value(Group g, String name, Variable v) {
    Node n = g.getChild(name);
    if (!(n instanceof Dataset d)) {
      throw new IllegalArgumentException(
          "missing weight " + g.getPath() + "/" + name + " (for " + v.name() + ")");
    }
    return checked(v, H5.tensor(d, v.name()), d.getPath()).value();
  }

  /**
   * Pairs a value with its variable once the shapes agree.
   *
   * @throws IllegalArgumentException naming the stored weight, the variable and both shapes
   */
  static Assignment checked(Variable v, Tensor t, String where) {
    if (!t.shape().equals(v.shape())) {
      throw new IllegalArgumentException(
          "weight "
              + where
              + " has shape "
              + t.shape()
              + " but "
              + v.name()
              + " needs "
              + v.shape());
    }
    return new Assignment(v, t);
  }

  /** Applies checked assignments. */
  static void apply(List<Assignment> as) {
    // All at once for a concurrent predict: it sees the old weights or the new, never a mix.
    dev.graft.dsl.internal.WeightsLock.writing(
        () -> {
          for (Assignment a : as) {
            a.variable().assign(a.value());
          }
        });
  }

  /**
   * Restores optimizer state from {@code optimizer/vars} when it matches the model; returns false
   * (state untouched) when absent or of another layout.
   */
  static boolean readOptimizer(Group root, Model m) {
    Optimizer opt = m.optimizer();
    Node n = H5.find(root, "optimizer/vars");
    if (opt == null || !(n instanceof Group g)) {
      return false;
    }
    List<Variable> vars = m.trainableWeights();
    if (vars.isEmpty()) {
      return false;
    }
    int slots = opt.slots(vars.get(0)).length;
    if (g.getChildren().size() != 2 + slots * vars.size()) {
      return false;
    }
    List<Tensor> values = new ArrayList<>();
    int k = 2;
    for (Variable v : vars) {
      for (int s = 0; s < slots; s++) {
        values.add(value(g, Integer.toString(k++), v));
      }
    }
    Node it = g.getChild("0");
    if (!(it instanceof Dataset d) || !d.isScalar()) {
      throw new IllegalArgumentException("optimizer/vars/0 (iterations) is not a scalar");
    }
    if (!(d.getData() instanceof Number iterationsRead)) {
      throw new IllegalArgumentException("optimizer/vars/0 (iterations) is not a number");
    }
    long iterations = iterationsRead.longValue();
    Checksums.verify(d, d.getData(), "optimizer iterations");
    Float rate = null;
    if (g.getChild("1") instanceof Dataset lr && lr.isScalar() && opt.schedule() == null) {
      rate = H5.tensor(lr, "optimizer learning rate").getFlat(0);
    }
    opt.iterations(iterations);
    if (rate != null) {
      // Callbacks such as ReduceLROnPlateau leave the rate they reached in the file.
      opt.learningRate(rate);
    }
    int i = 0;
    for (Variable v : vars) {
      for (Tensor s : opt.slots(v)) {
        s.copyFrom(values.get(i++));
      }
    }
    return true;
  }
}
