package dev.graft.dsl.plot;

import java.util.List;

/**
 * What a picture of a model shows, described by the model ({@code Model.plot} builds it), so this
 * package draws without knowing the model classes: the layer calls as numbered nodes, each with the
 * nodes feeding it, a nested model as a node holding its own diagram.
 *
 * @param name the model's name, in the title
 * @param className the model's Keras class name ({@code Functional}, {@code Sequential}, ...)
 * @param params the number of weight values (scalars) of the model, trainable or not
 * @param trainableParams the number of those values that training updates
 * @param nodes the layer calls, each after the nodes feeding it; the model's inputs come first
 * @param inputs the index in {@code nodes} of each model input, in the model's input order
 * @param outputs where each model output comes from, in the model's output order
 */
public record Diagram(
    String name,
    String className,
    long params,
    long trainableParams,
    List<Node> nodes,
    List<Integer> inputs,
    List<Port> outputs) {
  /**
   * Copies the lists, which are then unmodifiable.
   *
   * @param name the model's name
   * @param className the model's Keras class name
   * @param params the number of weight values
   * @param trainableParams the number of trainable weight values
   * @param nodes the layer calls
   * @param inputs the node index of each model input
   * @param outputs where each model output comes from
   */
  public Diagram {
    nodes = List.copyOf(nodes);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  /**
   * One layer call.
   *
   * @param name the layer's name
   * @param className the layer's Keras class name ({@code Dense}, {@code InputLayer}, ...)
   * @param shapes the shape of each output, as {@code Shape.toString} writes it ({@code (None, 8)})
   * @param input true for a model input (an {@code InputLayer}), drawn in another colour
   * @param frozen true if the layer has weights and none of them is trainable (drawn dashed)
   * @param inputs where each input of the call comes from, in the call's input order; empty for a
   *     model input
   * @param nested the diagram of a nested model that has a graph, drawn as a box around its own
   *     nodes (its inputs fed by this node's inputs, its outputs being this node's); null for a
   *     layer
   */
  public record Node(
      String name,
      String className,
      List<String> shapes,
      boolean input,
      boolean frozen,
      List<Port> inputs,
      Diagram nested) {
    /**
     * Copies the lists, which are then unmodifiable.
     *
     * @param name the layer's name
     * @param className the layer's Keras class name
     * @param shapes the shape of each output
     * @param input true for a model input
     * @param frozen true for a frozen layer with weights
     * @param inputs where each input comes from
     * @param nested a nested model's diagram, or {@code null}
     */
    public Node {
      shapes = List.copyOf(shapes);
      inputs = List.copyOf(inputs);
    }
  }

  /**
   * One output of a node.
   *
   * @param node the index of the producing node in its diagram's {@code nodes}
   * @param output which of that node's outputs (0 for a single-output layer)
   */
  public record Port(int node, int output) {}
}
