package dev.graft.autograd.ops;

import dev.graft.autograd.Node;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.recurrent.GateActivation;
import dev.graft.tensor.recurrent.Gru;

/** Keras's GRU over a sequence (gates z, r, h), with {@code reset_after} either way, fused. */
public final class GruSequence extends RecurrentSequence {
  private final boolean resetAfter;

  private GruSequence(
      int units,
      boolean returnSequences,
      boolean goBackwards,
      boolean resetAfter,
      boolean returnState,
      GateActivation gate,
      boolean stepMasked,
      boolean stateDropped) {
    super(units, returnSequences, goBackwards, returnState, gate, stepMasked, stateDropped);
    this.resetAfter = resetAfter;
  }

  /**
   * The GRU of {@code x (N, T, in)} with kernel {@code (in, 3u)}, recurrent {@code (u, 3u)} and
   * bias {@code (2, 3u)} ({@code resetAfter}) or {@code (3u)}.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input weights {@code (in, 3u)}, gates z, r, h
   * @param recurrent the state weights {@code (u, 3u)}
   * @param bias {@code (2, 3u)} (input and recurrent biases) with {@code resetAfter}, else {@code
   *     (3u)}
   * @param returnSequences true for every step's output {@code (N, T, u)}, false for the last
   *     {@code (N, u)}
   * @param goBackwards true to run from the last step to the first
   * @param resetAfter true for Keras's default (reset gate applied after the recurrent product)
   * @return the output node
   */
  public static Node of(
      Node x,
      Node kernel,
      Node recurrent,
      Node bias,
      boolean returnSequences,
      boolean goBackwards,
      boolean resetAfter) {
    return of(x, kernel, recurrent, bias, returnSequences, goBackwards, resetAfter, false);
  }

  /**
   * As {@link #of(Node, Node, Node, Node, boolean, boolean, boolean)}; with {@code returnState} the
   * output packs each row's output and final {@code h} (see {@link RecurrentSequence}).
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input weights {@code (in, 3u)}
   * @param recurrent the state weights {@code (u, 3u)}
   * @param bias {@code (2, 3u)} with {@code resetAfter}, else {@code (3u)}
   * @param returnSequences true for every step's output, false for the last
   * @param goBackwards true to run from the last step to the first
   * @param resetAfter true for the reset gate after the recurrent product
   * @param returnState true to pack the final {@code h} after the output
   * @return the (packed) output node
   */
  public static Node of(
      Node x,
      Node kernel,
      Node recurrent,
      Node bias,
      boolean returnSequences,
      boolean goBackwards,
      boolean resetAfter,
      boolean returnState) {
    return of(
        x,
        kernel,
        recurrent,
        bias,
        null,
        returnSequences,
        goBackwards,
        resetAfter,
        returnState,
        GateActivation.SIGMOID);
  }

  /**
   * As {@link #of(Node, Node, Node, Node, boolean, boolean, boolean, boolean)} with Keras's step
   * mask {@code (N, T)} (null = none; see {@link RecurrentSequence}) and the z, r gates' activation
   * {@code gate} (Keras's {@code recurrent_activation}).
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input weights {@code (in, 3u)}
   * @param recurrent the state weights {@code (u, 3u)}
   * @param bias {@code (2, 3u)} with {@code resetAfter}, else {@code (3u)}
   * @param mask the step mask {@code (N, T)}, or {@code null}
   * @param returnSequences true for every step's output, false for the last
   * @param goBackwards true to run from the last step to the first
   * @param resetAfter true for the reset gate after the recurrent product
   * @param returnState true to pack the final {@code h} after the output
   * @param gate the activation of the z and r gates
   * @return the (packed) output node
   */
  public static Node of(
      Node x,
      Node kernel,
      Node recurrent,
      Node bias,
      Node mask,
      boolean returnSequences,
      boolean goBackwards,
      boolean resetAfter,
      boolean returnState,
      GateActivation gate) {
    return of(
        x,
        kernel,
        recurrent,
        bias,
        mask,
        null,
        returnSequences,
        goBackwards,
        resetAfter,
        returnState,
        gate);
  }

  /**
   * As {@link #of(Node, Node, Node, Node, Node, boolean, boolean, boolean, boolean,
   * GateActivation)} with Keras's {@code recurrent_dropout} masks {@code recurrentDropout (N, 3u)}
   * (null = none; one per gate z, r, h; see {@link RecurrentSequence}), which multiply the state
   * entering each gate's recurrent product at every step.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input weights {@code (in, 3u)}
   * @param recurrent the state weights {@code (u, 3u)}
   * @param bias {@code (2, 3u)} with {@code resetAfter}, else {@code (3u)}
   * @param mask the step mask {@code (N, T)}, or {@code null}
   * @param recurrentDropout the state dropout masks {@code (N, 3u)}, or {@code null}
   * @param returnSequences true for every step's output, false for the last
   * @param goBackwards true to run from the last step to the first
   * @param resetAfter true for the reset gate after the recurrent product
   * @param returnState true to pack the final {@code h} after the output
   * @param gate the activation of the z and r gates
   * @return the (packed) output node
   */
  public static Node of(
      Node x,
      Node kernel,
      Node recurrent,
      Node bias,
      Node mask,
      Node recurrentDropout,
      boolean returnSequences,
      boolean goBackwards,
      boolean resetAfter,
      boolean returnState,
      GateActivation gate) {
    int units = recurrent.shape().dim(0);
    GruSequence op =
        new GruSequence(
            units,
            returnSequences,
            goBackwards,
            resetAfter,
            returnState,
            gate,
            mask != null,
            recurrentDropout != null);
    return x.graph().apply(op, inputs(x, kernel, recurrent, bias, mask, recurrentDropout));
  }

  @Override
  public int stateCount() {
    return 1;
  }

  @Override
  public String kind() {
    return "gru";
  }

  @Override
  int gates() {
    return 3;
  }

  @Override
  int kernelWorkspace(int batch, int time, boolean dropped) {
    return Gru.workspaceSize(batch, time, units, dropped);
  }

  @Override
  Shape biasShape() {
    return resetAfter ? Shape.of(2, 3 * units) : Shape.of(3 * units);
  }

  @Override
  void runForward(
      Tensor[] in,
      Tensor mask,
      Tensor drop,
      Tensor hSeq,
      Tensor hLast,
      Tensor cLast,
      Tensor ws,
      boolean forGradient) {
    Gru.forward(
        in[0],
        in[1],
        in[2],
        in[3],
        resetAfter,
        null,
        goBackwards,
        hSeq,
        hLast,
        ws,
        mask,
        drop,
        gate);
  }

  @Override
  void runBackward(
      Tensor[] in,
      Tensor mask,
      Tensor drop,
      Tensor hSeq,
      Tensor ws,
      Tensor dHSeq,
      Tensor dhLast,
      Tensor dcLast,
      Tensor[] grads) {
    Gru.backward(
        in[0],
        in[1],
        in[2],
        resetAfter,
        null,
        goBackwards,
        hSeq,
        ws,
        dHSeq,
        dhLast,
        grads[0],
        grads[1],
        grads[2],
        grads[3],
        null,
        mask,
        drop,
        gate);
  }
}
