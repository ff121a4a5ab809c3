package dev.graft.autograd;

/**
 * How a node behaves in a run: as the plan runs ({@link Plan#run(boolean)}: training in {@code
 * fit}, inference in {@code predict}), or always in one mode. It is Keras's {@code training=}
 * argument of a call ({@code base_model(x, training=False)}), recorded on every node the call emits
 * and on the gradient nodes made from them, so dropout, batch normalisation and any op reading
 * {@link Args#training()} follow it without knowing about it.
 */
public enum TrainingMode {
  /** Training when the plan runs in training mode, inference otherwise. */
  FOLLOW_PLAN,
  /** Always training (Keras's {@code training=True}): dropout active, batch statistics. */
  TRAINING,
  /** Always inference (Keras's {@code training=False}): no dropout, moving statistics. */
  INFERENCE;

  /**
   * Whether a node in this mode trains in a run whose plan mode is {@code planTraining}.
   *
   * @param planTraining whether the plan runs in training mode
   * @return true if the node trains in that run
   */
  public boolean training(boolean planTraining) {
    return this == TRAINING || (this == FOLLOW_PLAN && planTraining);
  }
}
