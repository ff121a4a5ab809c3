package dev.graft.layers;

import dev.graft.autograd.Graph;
import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a layer's {@code call} emits into: the graph being built, and the extra loss terms
 * (regularisation penalties) the model adds to its training loss, and the side-effect updates
 * (moving statistics) that training runs.
 */
public final class CallContext {
  private final Graph graph;
  private final List<Node> losses = new ArrayList<>();
  private final List<Node> updates = new ArrayList<>();

  /**
   * A context emitting into {@code graph}.
   *
   * @param graph the graph layers emit their nodes into
   */
  public CallContext(Graph graph) {
    this.graph = graph;
  }

  /**
   * The graph being built.
   *
   * @return the graph given at construction
   */
  public Graph graph() {
    return graph;
  }

  /**
   * The node reading {@code v} (one per variable per graph: shared layers share it).
   *
   * @param v a layer's weight
   * @return the node reading {@code v} in this graph
   */
  public Node read(Variable v) {
    return graph.read(v);
  }

  /**
   * Adds a scalar term to the training loss.
   *
   * @param scalar a node of one element
   */
  public void addLoss(Node scalar) {
    losses.add(scalar);
  }

  /**
   * The extra loss terms added so far.
   *
   * @return the loss terms, unmodifiable
   */
  public List<Node> losses() {
    return Collections.unmodifiableList(losses);
  }

  /**
   * Adds a side-effect node (e.g. a moving-average update) that each training step runs.
   *
   * @param effect a side-effect node
   */
  public void addUpdate(Node effect) {
    if (!effect.op().hasSideEffects()) {
      throw new IllegalArgumentException(effect + " has no side effect");
    }
    updates.add(effect);
  }

  /**
   * The side-effect updates added so far.
   *
   * @return the update nodes, unmodifiable
   */
  public List<Node> updates() {
    return Collections.unmodifiableList(updates);
  }
}
