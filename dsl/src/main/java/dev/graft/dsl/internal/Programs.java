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

  /**
   * {@link #train}'s outputs, then the gradients of {@link #gradientVariables}; runs the layers'
   * state updates but no optimizer step (for {@link GradientStep}).
   */
  final Program lossAndGradients;

  final List<Variable> gradientVariables = new ArrayList<>();
  private final Variable[] variables;
  private final boolean[] trainableAtBuild;

  /** The input names, {@code null} for an input the outputs ignore (see {@link FedInputs}). */
  final List<String> inputNames;

  final List<String> targetNames = new ArrayList<>();
  final List<String> weightNames = new ArrayList<>();

  /**
   * Per model output, the index among the programs' outputs of its Keras mask (a {@code (batch,
   * steps...)} tensor of 0 and 1), or -1 for an output without one. Metrics count kept steps only.
   */
  final List<Integer> maskOutputs = new ArrayList<>();

  private final List<Node> outputMasks = new ArrayList<>();

  Programs(
      Model model,
      List<Shape> inputShapes,
      List<dev.graft.dsl.Loss> losses,
      List<Float> lossWeights,
      List<Shape> targetShapes,
      Optimizer optimizer) {
    Graph g = new Graph();
    CallContext ctx = new CallContext(g);
    List<String> names = model.inputNames();
    List<Node> ins = new ArrayList<>();
    for (int i = 0; i < inputShapes.size(); i++) {
      ins.add(g.placeholder(names.get(i), inputShapes.get(i)));
    }
    Model.Emitted emitted =
        model.callMasked(ctx, ins, java.util.Collections.nCopies(ins.size(), null));
    List<Node> outs = emitted.outputs();
    inputNames = FedInputs.of(names, outs);
    Node total = null;
    List<Node> outputLosses = new ArrayList<>();
    for (int k = 0; k < outs.size(); k++) {
      String tn = "__target_" + k;
      String wn = "__sample_weight_" + k;
      targetNames.add(tn);
      weightNames.add(wn);
      Node target = g.placeholder(tn, targetShapes.get(k).withBatch(Shape.UNKNOWN));
      Node weight = g.placeholder(wn, Shape.batched());
      Node perElement = Loss.of(losses.get(k).kind(), outs.get(k), target, losses.get(k).delta());
      Node mask = emitted.masks().get(k);
      Node lossK =
          mask == null
              ? Reduction.mean(Mul.of(meanFrom(perElement, 1), weight), false)
              : MaskedLoss.of(perElement, mask, weight);
      outputMasks.add(mask);
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
    for (Node mask : outputMasks) {
      if (mask != null) {
        maskOutputs.add(results.size());
        results.add(mask);
      } else {
        maskOutputs.add(-1);
      }
    }
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
    List<Node> withGradients = new ArrayList<>(results);
    withGradients.addAll(gradNodes);
    this.lossAndGradients = new Program(withGradients, ctx.updates());
    List<Node> updates = new ArrayList<>(optimizer.updates(grads));
    updates.addAll(ctx.updates());
    this.train = new Program(results, updates);
  }

  /** The mean of {@code x} over its axes from {@code first} on; {@code x} when there are none. */
  static Node meanFrom(Node x, int first) {
    int rank = x.shape().rank();
    if (rank <= first) {
      return x;
    }
    int[] rest = new int[rank - first];
    for (int a = 0; a < rest.length; a++) {
      rest[a] = first + a;
    }
    return Reduction.mean(x, false, rest);
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
