package dev.graft.autograd;

import dev.graft.tensor.Shape;
import java.util.List;

/**
 * A node of the graph IR: one application of an {@link Op} to input nodes, with its static output
 * shape (the batch dimension may be unknown until a plan fixes it). Nodes are immutable and created
 * through {@link Graph#apply}.
 */
public final class Node {
  private final Graph graph;
  private final int id;
  private final Op op;
  private final List<Node> inputs;
  private final Shape shape;
  private final TrainingMode mode;
  private final String scope;

  Node(
      Graph graph, int id, Op op, List<Node> inputs, Shape shape, TrainingMode mode, String scope) {
    this.graph = graph;
    this.id = id;
    this.op = op;
    this.inputs = inputs;
    this.shape = shape;
    this.mode = mode;
    this.scope = scope;
  }

  /**
   * The layer path that made it ({@code "model_image/conv2d"}, see {@link Graph#inScope}); a
   * gradient node has its forward node's. {@code null} outside any layer.
   *
   * @return the slash-separated path of layer names, or {@code null}
   */
  public String scope() {
    return scope;
  }

  /**
   * The graph this node belongs to.
   *
   * @return the graph that created this node
   */
  public Graph graph() {
    return graph;
  }

  /**
   * Its position in creation order (unique within the graph).
   *
   * @return the creation index, from 0
   */
  public int id() {
    return id;
  }

  /**
   * The op it applies.
   *
   * @return the op, shared with other nodes only if the op holds no per-node state
   */
  public Op op() {
    return op;
  }

  /**
   * Its inputs, in op order.
   *
   * @return the input nodes, unmodifiable
   */
  public List<Node> inputs() {
    return inputs;
  }

  /**
   * Input {@code i}.
   *
   * @param i the input's index, from 0
   * @return the node feeding input {@code i}
   */
  public Node input(int i) {
    return inputs.get(i);
  }

  /**
   * The static output shape.
   *
   * @return the shape inferred when the node was made, with {@link Shape#UNKNOWN} batch until a
   *     plan fixes it
   */
  public Shape shape() {
    return shape;
  }

  /**
   * Whether it runs as the plan runs or always in training or inference mode (the mode of the
   * graph's scope when it was made: see {@link Graph#inMode}).
   *
   * @return the node's training mode, {@link TrainingMode#FOLLOW_PLAN} unless made inside {@link
   *     Graph#inMode}
   */
  public TrainingMode mode() {
    return mode;
  }

  @Override
  public String toString() {
    return "%"
        + id
        + " = "
        + op
        + " "
        + shape
        + (mode == TrainingMode.FOLLOW_PLAN ? "" : " " + mode);
  }
}
