package dev.graft.autograd;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;

/**
 * What a plan hands an op's {@link Op#forward} for one node: its input and output tensors (views
 * into the plan's memory, made once when the plan is compiled), workspaces, and the run's mode.
 */
public final class Args {
  final Tensor[] inputs;
  final Tensor[] inputWorkspaces;
  Tensor output;
  Tensor workspace;
  private final boolean backwardReads;
  private final TrainingMode mode;
  final RunState state;
  private Object memo;

  Args(
      Tensor[] inputs,
      Tensor[] inputWorkspaces,
      Tensor output,
      Tensor workspace,
      boolean backwardReads,
      TrainingMode mode,
      RunState state) {
    this.inputs = inputs;
    this.inputWorkspaces = inputWorkspaces;
    this.output = output;
    this.workspace = workspace;
    this.backwardReads = backwardReads;
    this.mode = mode;
    this.state = state;
  }

  /**
   * Whether a backward op of this plan reads this node (its output or workspace): when not, a
   * forward op need not save anything for its gradient and may take a faster inference path.
   *
   * @return true if the plan has a backward op taking this node as an input
   */
  public boolean backwardReads() {
    return backwardReads;
  }

  /**
   * Input {@code i}.
   *
   * @param i the input's index, from 0
   * @return the buffer holding input {@code i} for this run
   */
  public Tensor input(int i) {
    return inputs[i];
  }

  /**
   * The number of inputs.
   *
   * @return how many inputs the node has
   */
  public int inputCount() {
    return inputs.length;
  }

  /**
   * The output buffer to write.
   *
   * @return the node's output buffer (it may share memory with an input when the op runs in place)
   */
  public Tensor output() {
    return output;
  }

  /**
   * This node's workspace, or {@code null} if its op asked for none.
   *
   * @return the workspace buffer, or {@code null}
   */
  public Tensor workspace() {
    return workspace;
  }

  /**
   * The workspace of the node producing input {@code i} (e.g. a forward op's saved gates).
   *
   * @param i the input's index, from 0
   * @return that producer's workspace buffer, or {@code null} if it asked for none
   */
  public Tensor inputWorkspace(int i) {
    return inputWorkspaces[i];
  }

  /**
   * True in training mode (dropout active, batch statistics used): the plan's mode, unless the node
   * was made in a fixed mode ({@link Node#mode()}).
   *
   * @return true if this node runs in training mode in this run
   */
  public boolean training() {
    return mode.training(state.training);
  }

  /**
   * The plan's random generator (dropout masks, augmentation).
   *
   * @return the generator of this plan, shared by its nodes (a run's draws follow the node order)
   */
  public Rng rng() {
    return state.rng;
  }

  /**
   * What the op stored with {@link #memo(Object)} for this node of this plan (views into buffers it
   * made on the first run, so later runs allocate nothing), or {@code null}.
   *
   * @return the object stored by {@link #memo(Object)}, or {@code null} before the first store
   */
  public Object memo() {
    return memo;
  }

  /**
   * Keeps {@code value} for this node of this plan.
   *
   * @param value anything the op wants back on later runs (not copied)
   */
  public void memo(Object value) {
    this.memo = value;
  }

  /** Mutable per-run state shared by all nodes of a plan. */
  static final class RunState {
    boolean training;
    Rng rng;
  }
}
