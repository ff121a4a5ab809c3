package dev.graft.autograd;

import dev.graft.autograd.ops.Constant;
import dev.graft.autograd.ops.Placeholder;
import dev.graft.autograd.ops.Read;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A graph of {@link Node}s: the IR that models compile into and that plans execute. Nodes are
 * appended in creation order, which is always a valid topological order. A graph is built by one
 * thread; once built it may be planned from many.
 */
public final class Graph {
  private final List<Node> nodes = new ArrayList<>();
  private final Map<Variable, Node> reads = new IdentityHashMap<>();
  private TrainingMode mode = TrainingMode.FOLLOW_PLAN;
  private String scope;

  /**
   * Applies {@code op} to {@code inputs}, inferring the output shape now.
   *
   * @param op the op, not yet applied in another graph if it holds per-node state
   * @param inputs nodes of this graph, in the op's input order
   * @return the new node, appended to the graph
   * @throws IllegalArgumentException if an input belongs to another graph or the shapes do not fit
   *     the op
   */
  public Node apply(Op op, Node... inputs) {
    List<Shape> shapes = new ArrayList<>(inputs.length);
    for (Node in : inputs) {
      if (in.graph() != this) {
        throw new IllegalArgumentException(
            op.kind() + ": input " + in + " belongs to another graph");
      }
      shapes.add(in.shape());
    }
    Shape out = op.outputShape(shapes);
    Node n = new Node(this, nodes.size(), op, List.of(inputs), out, mode, scope);
    nodes.add(n);
    return n;
  }

  /**
   * Runs {@code body} with every node it makes in {@code mode} (Keras's {@code training=} of one
   * call); returns what it returns. Scopes nest: the innermost mode wins, as an explicit {@code
   * training=} argument wins over an enclosing call's in Keras.
   *
   * @param <T> what {@code body} returns
   * @param mode the mode of the nodes made inside
   * @param body the code making the nodes
   * @return what {@code body} returned
   */
  public <T> T inMode(TrainingMode mode, Supplier<T> body) {
    TrainingMode outer = this.mode;
    this.mode = mode;
    try {
      return body.get();
    } finally {
      this.mode = outer;
    }
  }

  /**
   * Runs {@code body} with every node it makes attributed to {@code name} (a layer), nested in the
   * enclosing scope ({@code "model_image/conv2d"}); errors about nodes, such as a plan too big for
   * the heap, name it. A {@code null} name adds no level.
   *
   * @param <T> what {@code body} returns
   * @param name the scope's name, or {@code null}
   * @param body the code making the nodes
   * @return what {@code body} returned
   */
  public <T> T inScope(String name, Supplier<T> body) {
    String outer = scope;
    if (name != null) {
      scope = outer == null ? name : outer + "/" + name;
    }
    try {
      return body.get();
    } finally {
      scope = outer;
    }
  }

  /**
   * The mode of the nodes made now ({@link TrainingMode#FOLLOW_PLAN} outside any scope).
   *
   * @return the innermost scope's mode
   */
  public TrainingMode mode() {
    return mode;
  }

  /**
   * A model input of the given shape ({@link Shape#UNKNOWN} for the batch).
   *
   * @param name the name a plan's input buffer is found by
   * @param shape the input's shape
   * @return the placeholder node
   */
  public Node placeholder(String name, Shape shape) {
    return apply(new Placeholder(name, shape));
  }

  /**
   * The node reading {@code v}; one per variable per graph.
   *
   * @param v the variable
   * @return the same node on every call for this variable
   */
  public Node read(Variable v) {
    return reads.computeIfAbsent(v, k -> apply(new Read(k)));
  }

  /**
   * A constant (the tensor is not copied; do not change it afterwards).
   *
   * @param value the constant's value, any shape
   * @return a new node holding it
   */
  public Node constant(Tensor value) {
    return apply(new Constant(value));
  }

  /**
   * All nodes in creation (topological) order.
   *
   * @return an unmodifiable view, growing as nodes are made
   */
  public List<Node> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  /**
   * The number of nodes.
   *
   * @return how many nodes the graph holds
   */
  public int size() {
    return nodes.size();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Node n : nodes) {
      sb.append(n);
      if (!n.inputs().isEmpty()) {
        sb.append(" <-");
        for (Node in : n.inputs()) {
          sb.append(" %").append(in.id());
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
