package dev.graft.dsl.internal;

import dev.graft.autograd.Gradients;
import dev.graft.autograd.Graph;
import dev.graft.autograd.Node;
import dev.graft.autograd.Program;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Loss;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Scale;
import dev.graft.autograd.optim.Optimizer;
import dev.graft.dsl.Model;
import dev.graft.layers.CallContext;
import dev.graft.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model compiled to IR for one concrete shape of its inputs and targets (a model with {@code
 * None} dimensions gets one per shape it is fed): the forward graph on placeholders named after the
 * inputs, the loss (per output: per-sample loss times sample weight, averaged, times the loss
 * weight, plus the layers' penalties), and the programs for training (with gradients and optimizer
 * updates) and evaluation, and the gradients alone. Outputs of both programs: {@code [total loss,
 * prediction 0, ..., weighted loss of output 0, ...]}.
 */
final class Programs {
  final Program train;
  final Program evaluate;

  /** Plans of {@link #evaluate} for callers running at once. */
  final PlanPool evaluatePlans;

  /** Outputs the gradient of the total loss for each of {@link #gradientVariables}. */
  final Program gradients;

  final List<Variable> gradientVariables = new ArrayList<>();
  private final Variable[] variables;
  private final boolean[] trainableAtBuild;
  final List<String> inputNames;
  final List<String> targetNames = new ArrayList<>();
  final List<String> weightNames = new ArrayList<>();

  Programs(
      Model model,
      List<Shape> inputShapes,
      List<dev.graft.dsl.Loss> losses,
      List<Float> lossWeights,
      List<Shape> targetShapes,
      Optimizer optimizer) {
    Graph g = new Graph();
    CallContext ctx = new CallContext(g);
    inputNames = model.inputNames();
    List<Node> ins = new ArrayList<>();
    for (int i = 0; i < inputShapes.size(); i++) {
      ins.add(g.placeholder(inputNames.get(i), inputShapes.get(i)));
    }
    List<Node> outs = model.call(ctx, ins);
    Node total = null;
    List<Node> outputLosses = new ArrayList<>();
    for (int k = 0; k < outs.size(); k++) {
      String tn = "__target_" + k;
      String wn = "__sample_weight_" + k;
      targetNames.add(tn);
      weightNames.add(wn);
      Node target = g.placeholder(tn, targetShapes.get(k).withBatch(Shape.UNKNOWN));
      Node weight = g.placeholder(wn, Shape.batched());
      Node perSample = Loss.of(losses.get(k).kind(), outs.get(k), target, losses.get(k).delta());
      if (perSample.shape().rank() > 1) {
        int[] rest = new int[perSample.shape().rank() - 1];
        for (int a = 0; a < rest.length; a++) {
          rest[a] = a + 1;
        }
        perSample = Reduction.mean(perSample, false, rest);
      }
      Node lossK = Reduction.mean(Mul.of(perSample, weight), false);
      if (lossWeights.get(k) != 1f) {
        lossK = Scale.of(lossK, lossWeights.get(k));
      }
      outputLosses.add(lossK);
      total = total == null ? lossK : Add.of(total, lossK);
    }
    for (Node penalty : ctx.losses()) {
      total = Add.of(total, penalty);
    }
    List<Node> results = new ArrayList<>();
    results.add(total);
    results.addAll(outs);
    results.addAll(outputLosses);
    List<Variable> trainable = new ArrayList<>();
    variables = model.weights().toArray(new Variable[0]);
    trainableAtBuild = new boolean[variables.length];
    for (int i = 0; i < variables.length; i++) {
      trainableAtBuild[i] = variables[i].trainable();
      if (trainableAtBuild[i]) {
        trainable.add(variables[i]);
      }
    }
    this.evaluate = new Program(results);
    this.evaluatePlans = new PlanPool(evaluate);
    Map<Variable, Node> grads = Gradients.of(total, trainable);
    List<Node> gradNodes = new ArrayList<>();
    grads.forEach(
        (v, grad) -> {
          if (grad != null) {
            gradientVariables.add(v);
            gradNodes.add(grad);
          }
        });
    this.gradients = new Program(gradNodes.isEmpty() ? List.of(total) : gradNodes);
    List<Node> updates = new ArrayList<>(optimizer.updates(grads));
    updates.addAll(ctx.updates());
    this.train = new Program(results, updates);
  }

  /**
   * True when a weight was frozen or unfrozen since these programs were built, by any route (a
   * nested layer's {@code trainable(...)}, a whole model's, or a variable's): the gradients and
   * updates then cover the wrong set. Checked before each step; allocates nothing.
   */
  boolean stale() {
    for (int i = 0; i < variables.length; i++) {
      if (variables[i].trainable() != trainableAtBuild[i]) {
        return true;
      }
    }
    return false;
  }
}
