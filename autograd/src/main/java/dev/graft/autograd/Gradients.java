package dev.graft.autograd;

import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Read;
import dev.graft.autograd.ops.Slice;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode differentiation as a graph-to-graph transform: adds to the graph the nodes that
 * compute gradients, using each op's gradient rule. Only nodes on a path from a requested source to
 * the objective get gradient nodes, so frozen variables (not requested) and everything only they
 * need cost nothing. Fan-out is summed.
 */
public final class Gradients {
  private Gradients() {}

  /**
   * The gradients of a scalar {@code loss} with respect to the trainable variables among {@code
   * variables} (frozen ones are skipped: absent from the result). Variables the loss does not
   * depend on map to {@code null}.
   *
   * @param loss a node of one element
   * @param variables the variables to differentiate for
   * @return each trainable variable to its gradient node (shaped like it) or {@code null}, in the
   *     order given
   * @throws IllegalArgumentException if {@code loss} is not a one-element node
   */
  public static Map<Variable, Node> of(Node loss, List<Variable> variables) {
    if (loss.shape().rank() > 0 && !(loss.shape().isFullyDefined() && loss.shape().size() == 1)) {
      throw new IllegalArgumentException(
          "gradients: the loss must be a scalar; got shape " + loss.shape());
    }
    Graph g = loss.graph();
    List<Node> sources = new ArrayList<>();
    List<Variable> trainable = new ArrayList<>();
    for (Variable v : variables) {
      if (v.trainable()) {
        trainable.add(v);
        sources.add(g.read(v));
      }
    }
    Node seed = g.constant(Tensor.full(1f, loss.shape().toArray()));
    List<Node> grads = of(List.of(loss), List.of(seed), sources);
    Map<Variable, Node> out = new LinkedHashMap<>();
    for (int i = 0; i < trainable.size(); i++) {
      out.put(trainable.get(i), grads.get(i));
    }
    return out;
  }

  /**
   * The gradients of {@code sum_i <outputs[i], seeds[i]>} with respect to each of {@code sources}
   * ({@code null} where it does not depend on a source). {@code seeds[i]} has {@code outputs[i]}'s
   * shape: it is the upstream gradient.
   *
   * @param outputs the nodes differentiated
   * @param seeds one upstream gradient per output
   * @param sources the nodes to differentiate with respect to
   * @return one gradient node per source, in order, or {@code null}
   */
  public static List<Node> of(List<Node> outputs, List<Node> seeds, List<Node> sources) {
    if (outputs.size() != seeds.size()) {
      throw new IllegalArgumentException(
          "gradients: " + outputs.size() + " outputs but " + seeds.size() + " seeds");
    }
    Graph g = outputs.get(0).graph();
    int n = g.size();
    BitSet fromSource = new BitSet(n);
    for (Node s : sources) {
      fromSource.set(s.id());
    }
    // Node ids are a topological order, so one forward sweep finds every descendant of a source.
    List<Node> all = g.nodes();
    int last = 0;
    for (Node o : outputs) {
      last = Math.max(last, o.id());
    }
    for (int i = 0; i <= last; i++) {
      Node node = all.get(i);
      for (Node in : node.inputs()) {
        if (fromSource.get(in.id()) && !isStopGradient(node)) {
          fromSource.set(i);
          break;
        }
      }
    }
    Map<Integer, List<Node>> grad = new LinkedHashMap<>();
    for (int i = 0; i < outputs.size(); i++) {
      Node o = outputs.get(i);
      Node s = seeds.get(i);
      if (!s.shape().isCompatibleWith(o.shape())) {
        throw new IllegalArgumentException(
            "gradients: seed shape " + s.shape() + " does not match output shape " + o.shape());
      }
      accumulate(grad, o, s);
    }
    for (int i = last; i >= 0; i--) {
      Node node = all.get(i);
      if (!grad.containsKey(i) || !fromSource.get(i) || node.inputs().isEmpty()) {
        continue;
      }
      // Every contribution to node i comes from a later node, so all are in by now.
      Node gOut = total(grad, i);
      // A node's gradient nodes run in its mode: a backward op reads what its forward op saved
      // (dropout's mask, pooling's taps, batch statistics) only if both agree on the mode.
      List<Node> inGrads =
          g.inScope(
              node.scope(), () -> g.inMode(node.mode(), () -> node.op().gradients(node, gOut)));
      for (int k = 0; k < node.inputs().size(); k++) {
        Node in = node.input(k);
        Node gi = k < inGrads.size() ? inGrads.get(k) : null;
        if (gi != null && fromSource.get(in.id())) {
          accumulate(grad, in, gi);
        }
      }
    }
    List<Node> result = new ArrayList<>(sources.size());
    for (Node s : sources) {
      result.add(grad.containsKey(s.id()) ? total(grad, s.id()) : null);
    }
    return result;
  }

  private static boolean isStopGradient(Node node) {
    return node.op() instanceof dev.graft.autograd.ops.StopGradient;
  }

  /** Node {@code id}'s gradient: the sum of its contributions, made once. */
  private static Node total(Map<Integer, List<Node>> grad, int id) {
    List<Node> parts = grad.get(id);
    if (parts.size() > 1) {
      Node sum = null;
      for (Node p : Slice.stitchSliceGradients(parts)) {
        sum = sum == null ? p : Add.of(sum, p);
      }
      parts.clear();
      parts.add(sum);
    }
    return parts.get(0);
  }

  private static void accumulate(Map<Integer, List<Node>> grad, Node target, Node contribution) {
    if (!contribution.shape().isCompatibleWith(target.shape())) {
      throw new IllegalStateException(
          "gradient rule of "
              + contribution.op().kind()
              + " produced shape "
              + contribution.shape()
              + " for "
              + target
              + (target.op() instanceof Read r ? " (" + r.variable().name() + ")" : ""));
    }
    grad.computeIfAbsent(target.id(), k -> new ArrayList<>()).add(contribution);
  }
}
