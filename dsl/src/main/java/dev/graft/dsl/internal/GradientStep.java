package dev.graft.dsl.internal;

import dev.graft.autograd.Graph;
import dev.graft.autograd.Node;
import dev.graft.autograd.Plan;
import dev.graft.autograd.Program;
import dev.graft.autograd.Variable;
import dev.graft.autograd.optim.Optimizer;
import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled model's training step cut in two at the gradients, the seam a data-parallel trainer
 * needs: {@link #compute} runs the forward and backward passes (and the layers' state updates, such
 * as moving statistics) on a batch and writes the gradients of the loss into one flat vector; the
 * caller may then combine vectors across workers (sum, mean) before {@link #apply} runs the
 * optimizer's update from them. {@code compute} followed by {@code apply} on the same batch is one
 * {@code trainOnBatch} step without metrics, up to float rounding of the unfused order.
 *
 * <p>The flat vector holds the gradient of each variable that the loss depends on, in {@link
 * #variables()} order, each in its row-major layout. Sample weights are one. Not thread-safe, like
 * the model's training.
 */
public final class GradientStep {
  private final Model model;
  private final Trainer trainer;
  private final Optimizer optimizer;
  private Programs programs;
  private List<Variable> variables;
  private int[] offsets;
  private Plan applyPlan;
  private int[] identity = new int[0];

  GradientStep(Model model, Trainer trainer) {
    this.model = model;
    this.trainer = trainer;
    this.optimizer = trainer.optimizer();
  }

  /**
   * Compiles the step for data shaped like {@code x} and {@code y} (the full data set or one batch:
   * only the shapes after the batch axis count) and returns the length of the flat gradient vector.
   *
   * @param x one tensor per model input
   * @param y one tensor per model output
   * @return the number of floats {@link #compute} writes
   */
  public int prepare(List<Tensor> x, List<Tensor> y) {
    Programs p = trainer.programsFor(x, y);
    if (p == programs) {
      return offsets[offsets.length - 1];
    }
    if (variables != null && !variables.equals(p.gradientVariables)) {
      throw new IllegalStateException(
          "model \""
              + model.name()
              + "\": the trained variables changed between batches (frozen or unfrozen)");
    }
    programs = p;
    variables = List.copyOf(p.gradientVariables);
    offsets = new int[variables.size() + 1];
    Graph g = new Graph();
    List<Node> updates = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable v = variables.get(i);
      offsets[i + 1] = offsets[i] + v.shape().size();
      updates.add(optimizer.update(v, g.placeholder(gradientName(i), v.shape())));
    }
    applyPlan = updates.isEmpty() ? null : new Program(List.of(), updates).plan(1);
    return offsets[offsets.length - 1];
  }

  private static String gradientName(int i) {
    return "__gradient_" + i;
  }

  /**
   * The variables whose gradients {@link #compute} writes, in the flat vector's order.
   *
   * @return the trainable variables, unmodifiable
   */
  public List<Variable> variables() {
    if (variables == null) {
      throw new IllegalStateException("call prepare() first");
    }
    return variables;
  }

  /**
   * Forward and backward passes on rows {@code order[from .. from+b)} of {@code x} and {@code y}
   * ({@code order == null}: rows {@code from .. from+b)}) in training mode; writes the gradient of
   * the batch's mean loss into {@code gradients[0 ..)} and returns that loss. Weights and the
   * optimizer are left unchanged.
   *
   * @param x one tensor per model input
   * @param y one tensor per model output
   * @param order a permutation of the rows, or {@code null}
   * @param from the first position taken
   * @param b the number of rows
   * @param gradients receives the flat gradient vector
   * @return the batch's mean loss
   */
  public double compute(
      List<Tensor> x, List<Tensor> y, int[] order, int from, int b, float[] gradients) {
    prepare(x, y);
    if (order == null) {
      order = identity(from + b);
    }
    Plan plan = programs.lossAndGradients.plan(b);
    for (int i = 0; i < x.size(); i++) {
      Batches.gather(x.get(i), order, from, plan.input(programs.inputNames.get(i)));
    }
    for (int k = 0; k < y.size(); k++) {
      Batches.gather(y.get(k), order, from, plan.input(programs.targetNames.get(k)));
      plan.input(programs.weightNames.get(k)).fill(1f);
    }
    plan.run(true, WeightsLock.updates()); // its effects: moving statistics
    int first = plan.outputCount() - variables.size();
    for (int i = 0; i < variables.size(); i++) {
      plan.output(first + i).copyTo(gradients, offsets[i]);
    }
    return plan.output(0).item();
  }

  private int[] identity(int n) {
    if (identity.length < n) {
      identity = new int[n];
      for (int i = 0; i < n; i++) {
        identity[i] = i;
      }
    }
    return identity;
  }

  /**
   * One optimizer step (the step counter advances, the learning rate follows its schedule, clipping
   * applies) from the flat {@code gradients} as {@link #compute} lays them out.
   *
   * @param gradients the flat gradient vector, as {@link #compute} writes it
   */
  public void apply(float[] gradients) {
    if (applyPlan == null) {
      if (variables == null) {
        throw new IllegalStateException("call prepare() first");
      }
      optimizer.beginStep();
      return;
    }
    for (int i = 0; i < variables.size(); i++) {
      Tensor g = applyPlan.input(gradientName(i));
      System.arraycopy(gradients, offsets[i], g.array(), g.offset(), g.size());
    }
    long before = optimizer.iterations();
    optimizer.beginStep();
    try {
      applyPlan.run(true, WeightsLock.updates()); // a concurrent predict sees a completed step
    } catch (RuntimeException e) {
      optimizer.iterations(before);
      throw e;
    }
  }
}
