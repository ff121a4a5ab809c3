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
  /**
   * The op's kind, e.g. {@code matmul}, used in plans and error messages.
   *
   * @return a short lower-case name, the same for every instance of the op class
   */
  public abstract String kind();

  /**
   * The output shape for these input shapes. Dimensions may be {@link Shape#UNKNOWN} (the batch,
   * while a model is being defined): propagate them. Called when a node is created and again when a
   * plan fixes the batch size.
   *
   * @param inputs the shapes of the node's inputs, in the op's input order
   * @return the output shape, with unknown dimensions where the inputs leave them unknown
   * @throws IllegalArgumentException naming the op and the shapes when they do not fit
   */
  public abstract Shape outputShape(List<Shape> inputs);

  /**
   * The shape of the extra floats this op keeps beside its output for its backward pass (gate
   * values, masks, argmax positions), or {@code null} for none. Called with concrete shapes. It
   * lives as long as the output; backward ops read it through {@link Args#inputWorkspace}.
   *
   * @param inputs the concrete shapes of the node's inputs
   * @param output the concrete output shape
   * @return the workspace shape, or {@code null} for none (the default)
   */
  public Shape workspaceShape(List<Shape> inputs, Shape output) {
    return null;
  }

  /**
   * As {@link #workspaceShape(List, Shape)}, told whether the plan also runs a backward op (one a
   * gradient rule emitted) that takes this node as an input. Ops whose workspace only saves work
   * for their gradient override this one and ask for nothing without such a reader, so inference
   * plans do not carry it.
   *
   * @param inputs the concrete shapes of the node's inputs
   * @param output the concrete output shape
   * @param backwardReads true if a backward op of the plan reads this node
   * @return the workspace shape, or {@code null} for none
   */
  public Shape workspaceShape(List<Shape> inputs, Shape output, boolean backwardReads) {
    return workspaceShape(inputs, output);
  }

  /**
   * Computes the output (and workspace) from the inputs; must not allocate in steady state.
   *
   * @param args the node's input, output and workspace buffers for this run, and the run's mode and
   *     random generator
   */
  public abstract void forward(Args args);

  /**
   * The gradient rule: given this op's node and the gradient of the objective with respect to its
   * output, returns one gradient node per input ({@code null} where an input gets none).
   *
   * @param self the node this op made (its inputs and output are the forward values)
   * @param gradOutput the gradient with respect to {@code self}, shaped like it
   * @return one node per input of {@code self}, in input order, shaped like that input, or {@code
   *     null} for an input that gets no gradient
   * @throws UnsupportedOperationException if the op is not differentiable
   */
  public abstract List<Node> gradients(Node self, Node gradOutput);

  /**
   * False for backward-only ops (their gradient rule throws): the op registry test checks these
   * through the gradient checks of the forward ops that emit them.
   *
   * @return true by default; false for an op whose gradient rule throws
   */
  public boolean isDifferentiable() {
    return true;
  }

  /**
   * True if the output may share input {@code i}'s buffer (element-wise ops).
   *
   * @param input the index of an input of the node
   * @return false by default; true if the kernel reads each element of that input before it writes
   *     the same element of the output
   */
  public boolean canRunInPlace(int input) {
    return false;
  }

  /**
   * True if the output is input 0's elements unchanged, in the same order (a reshape): a plan may
   * then give the output input 0's buffer even while later ops still read that input, since nothing
   * is written. Implies {@link #canRunInPlace canRunInPlace(0)}.
   *
   * @return false by default
   */
  public boolean relabelsInput() {
    return false;
  }

  /**
   * True for ops run for their effect (optimizer updates): scheduled after everything else.
   *
   * @return false by default; true if the op is run for its effect rather than its output
   */
  public boolean hasSideEffects() {
    return false;
  }

  /**
   * Attributes shown in plan listings, e.g. {@code axis=1}.
   *
   * @return the attributes as {@code key=value} pairs separated by commas, or an empty string (the
   *     default)
   */
  public String attributes() {
    return "";
  }

  /**
   * Helper for shape errors: {@code "<kind>: <message>"}.
   *
   * @param message what does not fit, naming the shapes
   * @return the exception to throw, its message prefixed with this op's kind
   */
  protected IllegalArgumentException shapeError(String message) {
    return new IllegalArgumentException(kind() + ": " + message);
  }

  @Override
  public String toString() {
    String a = attributes();
    return a.isEmpty() ? kind() : kind() + "(" + a + ")";
  }
}
