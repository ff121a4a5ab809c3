package dev.graft.autograd;

import dev.graft.tensor.Shape;
import java.util.List;

/**
 * A primitive operation of the graph IR, defined in one place: its shape rule ({@link
 * #outputShape}), its forward kernel call ({@link #forward}) and its gradient rule ({@link
 * #gradients}), expressed with other ops. Every concrete op lives in {@code
 * dev.graft.autograd.ops}; the op registry test finds them there and fails for one without a
 * gradient check.
 *
 * <p>An op instance holds its attributes (axis, strides, ...) and is immutable; one instance may be
 * shared by several nodes.
 */
public abstract class Op {
  /** The op's kind, e.g. {@code matmul}, used in plans and error messages. */
  public abstract String kind();

  /**
   * The output shape for these input shapes. Dimensions may be {@link Shape#UNKNOWN} (the batch,
   * while a model is being defined): propagate them. Called when a node is created and again when a
   * plan fixes the batch size.
   *
   * @throws IllegalArgumentException naming the op and the shapes when they do not fit
   */
  public abstract Shape outputShape(List<Shape> inputs);

  /**
   * The shape of the extra floats this op keeps beside its output for its backward pass (gate
   * values, masks, argmax positions), or {@code null} for none. Called with concrete shapes. It
   * lives as long as the output; backward ops read it through {@link Args#inputWorkspace}.
   */
  public Shape workspaceShape(List<Shape> inputs, Shape output) {
    return null;
  }

  /**
   * As {@link #workspaceShape(List, Shape)}, told whether the plan also runs a backward op (one a
   * gradient rule emitted) that takes this node as an input. Ops whose workspace only saves work
   * for their gradient override this one and ask for nothing without such a reader, so inference
   * plans do not carry it.
   */
  public Shape workspaceShape(List<Shape> inputs, Shape output, boolean backwardReads) {
    return workspaceShape(inputs, output);
  }

  /** Computes the output (and workspace) from the inputs; must not allocate in steady state. */
  public abstract void forward(Args args);

  /**
   * The gradient rule: given this op's node and the gradient of the objective with respect to its
   * output, returns one gradient node per input ({@code null} where an input gets none).
   *
   * @throws UnsupportedOperationException if the op is not differentiable
   */
  public abstract List<Node> gradients(Node self, Node gradOutput);

  /**
   * False for backward-only ops (their gradient rule throws): the op registry test checks these
   * through the gradient checks of the forward ops that emit them.
   */
  public boolean isDifferentiable() {
    return true;
  }

  /** True if the output may share input {@code i}'s buffer (element-wise ops). */
  public boolean canRunInPlace(int input) {
    return false;
  }

  /** True for ops run for their effect (optimizer updates): scheduled after everything else. */
  public boolean hasSideEffects() {
    return false;
  }

  /** Attributes shown in plan listings, e.g. {@code axis=1}. */
  public String attributes() {
    return "";
  }

  /** Helper for shape errors: {@code "<kind>: <message>"}. */
  protected IllegalArgumentException shapeError(String message) {
    return new IllegalArgumentException(kind() + ": " + message);
  }

  @Override
  public String toString() {
    String a = attributes();
    return a.isEmpty() ? kind() : kind() + "(" + a + ")";
  }
}
