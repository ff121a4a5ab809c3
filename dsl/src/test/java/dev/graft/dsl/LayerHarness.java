package dev.graft.dsl;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.autograd.Gradients;
import dev.graft.autograd.Graph;
import dev.graft.autograd.Node;
import dev.graft.autograd.Plan;
import dev.graft.autograd.Program;
import dev.graft.autograd.Variable;
import dev.graft.layers.CallContext;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one built layer on fixed inputs through its own {@code call}: the output and the gradients
 * of {@code sum(output * R)} with respect to the float inputs and every weight (in that order),
 * plus a central finite-difference check of those gradients in double.
 */
final class LayerHarness {
  private final List<Variable> sources = new ArrayList<>();
  private final Plan plan;
  private final Plan forward;
  private final Tensor r;
  private final boolean training;

  /**
   * Builds {@code layer} for the inputs' shapes if needed and compiles the graph. {@code
   * differentiable[i]} says whether input {@code i} is a gradient source; {@code r} null means a
   * seeded random one.
   */
  LayerHarness(
      Layer layer, List<Tensor> inputs, boolean[] differentiable, Tensor r, boolean training) {
    this(layer, inputs, differentiable, r, training, 0);
  }

  /** As above, on the layer's output {@code output} (e.g. an RNN's returned state). */
  LayerHarness(
      Layer layer,
      List<Tensor> inputs,
      boolean[] differentiable,
      Tensor r,
      boolean training,
      int output) {
    List<Shape> shapes = inputs.stream().map(Tensor::shape).toList();
    layer.ensureBuilt(shapes);
    Graph g = new Graph();
    List<Node> inNodes = new ArrayList<>();
    List<Node> sourceNodes = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Variable v = new Variable(layer.name() + "/input_" + i, inputs.get(i).copy(), true);
      Node n = g.read(v);
      inNodes.add(n);
      if (differentiable[i]) {
        sources.add(v);
        sourceNodes.add(n);
      }
    }
    for (Variable v : layer.weights()) {
      if (v.trainable()) {
        sources.add(v);
        sourceNodes.add(g.read(v));
      }
    }
    Node out = layer.call(new CallContext(g), inNodes).get(output);
    int batch = inputs.get(0).shape().dim(0);
    Shape outShape = out.shape().withBatch(batch);
    this.r = r != null ? r : Tensor.uniform(new Rng(7), -1f, 1f, outShape.toArray());
    List<Node> grads = Gradients.of(List.of(out), List.of(g.constant(this.r)), sourceNodes);
    List<Node> requested = new ArrayList<>();
    requested.add(out);
    for (int k = 0; k < grads.size(); k++) {
      assertNotNull(grads.get(k), layer.name() + ": no gradient for " + sources.get(k).name());
      requested.add(grads.get(k));
    }
    this.training = training;
    this.plan = new Program(requested).newPlan(batch);
    this.forward = new Program(List.of(out)).newPlan(batch);
    plan.run(training);
  }

  /** The forward output. */
  Tensor output() {
    return plan.output(0);
  }

  /** The gradients: float inputs first, then the trainable weights. */
  List<Tensor> gradients() {
    List<Tensor> out = new ArrayList<>();
    for (int k = 0; k < sources.size(); k++) {
      out.add(plan.output(k + 1));
    }
    return out;
  }

  /** Checks every gradient element against central differences of {@code sum(output * R)}. */
  void checkFiniteDifferences(String name) {
    List<Tensor> analytic = gradients().stream().map(Tensor::copy).toList();
    for (int k = 0; k < sources.size(); k++) {
      Tensor x = sources.get(k).value();
      for (int e = 0; e < x.size(); e++) {
        float orig = x.getFlat(e);
        float h = Math.max(1e-3f, Math.abs(orig) * 1e-3f);
        x.setFlat(e, orig + h);
        double plus = objective();
        x.setFlat(e, orig - h);
        double minus = objective();
        x.setFlat(e, orig);
        double numeric = (plus - minus) / (2.0 * h);
        double got = analytic.get(k).getFlat(e);
        if (!(Math.abs(got - numeric) <= 2e-3 + 2e-2 * Math.abs(numeric))) {
          fail(name + ": d/d " + sources.get(k).name() + "[" + e + "]: " + got + " vs " + numeric);
        }
      }
    }
  }

  private double objective() {
    forward.run(training);
    Tensor y = forward.output(0);
    double s = 0;
    for (int i = 0; i < y.size(); i++) {
      s += (double) y.getFlat(i) * r.getFlat(i);
    }
    return s;
  }
}
