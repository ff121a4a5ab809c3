package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import java.util.List;

/**
 * The identity in inference; in training it throws with a message naming what is not supported (a
 * layer setting Graft honours only at inference, such as an LSTM's {@code recurrent_dropout}).
 * Training stops at its first forward run, before any weight changes.
 */
public final class InferenceOnly extends Elementwise {
  private final String reason;

  private InferenceOnly(String reason) {
    this.reason = reason;
  }

  /**
   * {@code x}, refusing training with {@code reason}.
   *
   * @param x the input, any shape
   * @param reason why training is refused, put in the exception a training run throws
   * @return a node passing {@code x} through in inference
   */
  public static Node of(Node x, String reason) {
    return x.graph().apply(new InferenceOnly(reason), x);
  }

  @Override
  public String kind() {
    return "inference_only";
  }

  @Override
  public void forward(Args a) {
    if (a.training()) {
      throw new UnsupportedOperationException(reason);
    }
    if (a.input(0).array() != a.output().array() || a.input(0).offset() != a.output().offset()) {
      a.output().copyFrom(a.input(0));
    }
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return List.of(g);
  }
}
