package dev.graft.autograd.ops;

import dev.graft.autograd.Node;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.recurrent.GateActivation;
import dev.graft.tensor.recurrent.Lstm;

/** Keras's LSTM over a sequence (gates i, f, c, o; sigmoid and tanh), fused. */
public final class LstmSequence extends RecurrentSequence {
  private LstmSequence(
      int units,
      boolean returnSequences,
      boolean goBackwards,
      boolean returnState,
      GateActivation gate,
      boolean stepMasked,
      boolean stateDropped) {
    super(units, returnSequences, goBackwards, returnState, gate, stepMasked, stateDropped);
  }

  /**
   * The LSTM of {@code x (N, T, in)} with kernel {@code (in, 4u)}, recurrent {@code (u, 4u)}, bias
   * {@code (4u)}.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input weights {@code (in, 4u)}, gates i, f, c, o
   * @param recurrent the state weights {@code (u, 4u)}
   * @param bias the bias {@code (4u)}
   * @param returnSequences true for every step's output {@code (N, T, u)}, false for the last
   *     {@code (N, u)}
   * @param goBackwards true to run from the last step to the first
   * @return the output node
   */
  public static Node of(
      Node x,
      Node kernel,
      Node recurrent,
      Node bias,
      boolean returnSequences,
      boolean goBackwards) {
    return of(x, kernel, recurrent, bias, returnSequences, goBackwards, false);
  }

  /**
   * As {@link #of(Node, Node, Node, Node, boolean, boolean)}; with {@code returnState} the output
   * packs each row's output, final {@code h} and final {@code c} (see {@link RecurrentSequence}).
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input weights {@code (in, 4u)}
   * @param recurrent the state weights {@code (u, 4u)}
   * @param bias the bias {@code (4u)}
   * @param returnSequences true for every step's output, false for the last
   * @param goBackwards true to run from the last step to the first
   * @param returnState true to pack the final {@code h} and {@code c} after the output
   * @return the (packed) output node
   */
  public static Node of(
      Node x,
      Node kernel,
      Node recurrent,
      Node bias,
      boolean returnSequences,
      boolean goBackwards,
      boolean returnState) {
    return of(
        x,
        kernel,
        recurrent,
        bias,
        null,
        returnSequences,
        goBackwards,
        returnState,
        GateActivation.SIGMOID);
  }

  /**
   * As {@link #of(Node, Node, Node, Node, boolean, boolean, boolean)} with Keras's step mask {@code
   * (N, T)} (null = none; see {@link RecurrentSequence}) and the i, f, o gates' activation {@code
   * gate} (Keras's {@code recurrent_activation}).
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input weights {@code (in, 4u)}
   * @param recurrent the state weights {@code (u, 4u)}
   * @param bias the bias {@code (4u)}
   * @param mask the step mask {@code (N, T)}, or {@code null}
   * @param returnSequences true for every step's output, false for the last
   * @param goBackwards true to run from the last step to the first
   * @param returnState true to pack the final {@code h} and {@code c} after the output
   * @param gate the activation of the i, f and o gates
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
      boolean returnState,
      GateActivation gate) {
    return of(
        x, kernel, recurrent, bias, mask, null, returnSequences, goBackwards, returnState, gate);
  }

  /**
   * As {@link #of(Node, Node, Node, Node, Node, boolean, boolean, boolean, GateActivation)} with
   * Keras's {@code recurrent_dropout} masks {@code recurrentDropout (N, 4u)} (null = none; one per
   * gate i, f, c, o; see {@link RecurrentSequence}), which multiply the state entering each gate's
   * recurrent product at every step.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input weights {@code (in, 4u)}
   * @param recurrent the state weights {@code (u, 4u)}
   * @param bias the bias {@code (4u)}
   * @param mask the step mask {@code (N, T)}, or {@code null}
   * @param recurrentDropout the state dropout masks {@code (N, 4u)}, or {@code null}
   * @param returnSequences true for every step's output, false for the last
   * @param goBackwards true to run from the last step to the first
   * @param returnState true to pack the final {@code h} and {@code c} after the output
   * @param gate the activation of the i, f and o gates
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
      boolean returnState,
      GateActivation gate) {
    int units = recurrent.shape().dim(0);
    LstmSequence op =
        new LstmSequence(
            units,
            returnSequences,
            goBackwards,
            returnState,
            gate,
            mask != null,
            recurrentDropout != null);
    return x.graph().apply(op, inputs(x, kernel, recurrent, bias, mask, recurrentDropout));
  }

  @Override
  public int stateCount() {
    return 2;
  }

  @Override
  public String kind() {
    return "lstm";
  }

  @Override
  int gates() {
    return 4;
  }

  @Override
  int kernelWorkspace(int batch, int time, boolean dropped) {
    return Lstm.workspaceSize(batch, time, units, dropped);
  }

  @Override
  Shape biasShape() {
    return Shape.of(4 * units);
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
    // The inference kernel has no dropout: a training forward without backward takes this one.
    if (forGradient || drop != null) {
      Lstm.forward(
          in[0],
          in[1],
          in[2],
          in[3],
          null,
          null,
          goBackwards,
          hSeq,
          hLast,
          cLast,
          ws,
          mask,
          drop,
          gate);
    } else {
      Lstm.infer(
          in[0], in[1], in[2], in[3], null, null, goBackwards, hSeq, hLast, cLast, mask, gate);
    }
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
    Lstm.backward(
        in[0],
        in[1],
        in[2],
        null,
        null,
        goBackwards,
        hSeq,
        ws,
        dHSeq,
        dhLast,
        dcLast,
        grads[0],
        grads[1],
        grads[2],
        grads[3],
        null,
        null,
        mask,
        drop,
        gate);
  }
}
