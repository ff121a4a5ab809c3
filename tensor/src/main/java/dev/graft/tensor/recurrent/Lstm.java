package dev.graft.tensor.recurrent;

import static dev.graft.tensor.recurrent.RecurrentSupport.optionalShape;
import static dev.graft.tensor.recurrent.RecurrentSupport.requireShape;
import static dev.graft.tensor.recurrent.RecurrentSupport.stepProduct;
import static dev.graft.tensor.recurrent.RecurrentSupport.tanhInPlace;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;

/**
 * Fused LSTM kernels with Keras semantics: kernel {@code W (in, 4u)}, recurrent kernel {@code U (u,
 * 4u)}, bias {@code b (4u)}, gate columns in the order i, f, c, o. Per step {@code z = x_t W +
 * h_{t-1} U + b}, {@code i = σ(z0)}, {@code f = σ(z1)}, {@code g = tanh(z2)}, {@code o = σ(z3)},
 * {@code c = f c_{t-1} + i g}, {@code h = o tanh(c)}; zero initial state unless given.
 *
 * <p>The sequence kernels follow cuDNN: the input projection {@code x_t W} of all steps is one GEMM
 * before the time loop, and the weight gradients are GEMMs over all steps after the backward loop;
 * only {@code h_{t-1} U} (forward) and {@code dz_t Uᵀ} (backward) stay in the loop, as one small
 * product per step (see {@code RecurrentSupport.stepProduct}). The batch rows are independent
 * through time, so the loop is split over batch rows across {@link Parallel} threads with no
 * per-step synchronisation.
 *
 * <p>Memory: {@link #forward} saves what {@link #backward} needs in a caller-owned workspace of
 * {@link #workspaceSize} floats, so training reuses memory and the kernels never allocate.
 *
 * <p>Masks (Keras {@code mask_zero} / {@code Masking}) are a per-step {@code (N, T)} array the
 * kernels consult. Keras's {@code recurrent_dropout} is one {@code (N, u)} mask per gate, {@code
 * (N, 4u)} side by side, that the training kernels multiply the state by before that gate's
 * recurrent product (the masked states are kept for the backward pass: {@link #workspaceSize(int,
 * int, int, boolean)}). Not supported: activations other than tanh for the cell. {@code
 * go_backwards} is supported (Bidirectional needs it).
 */
public final class Lstm {
  private static final ThreadLocal<Pass> PASSES = ThreadLocal.withInitial(Pass::new);

  private Lstm() {}

  /**
   * The number of floats the workspace of {@link #forward} / {@link #backward} needs: {@code 6 N T
   * u} (gates, cell states and their tanh per step) plus {@code 2 N u + 4 u²} of backward scratch.
   *
   * @param batch the batch size N
   * @param time the number of steps T
   * @param units the number of units u
   * @return the workspace size in floats
   */
  public static int workspaceSize(int batch, int time, int units) {
    long need = 6L * batch * time * units + 2L * batch * units + 4L * units * units;
    if (need > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "lstm: workspace for batch " + batch + ", time " + time + ", units " + units + " > 2^31");
    }
    return (int) need;
  }

  /**
   * {@link #workspaceSize(int, int, int)}, plus {@code 4 N T u + 5 N u} for the masked states when
   * {@code recurrentDropout} (a pass given recurrent dropout masks).
   *
   * @param batch the batch size N
   * @param time the number of steps T
   * @param units the number of units u
   * @param recurrentDropout true if the pass is given recurrent dropout masks
   * @return the workspace size in floats
   */
  public static int workspaceSize(int batch, int time, int units, boolean recurrentDropout) {
    int need = workspaceSize(batch, time, units);
    return recurrentDropout
        ? Math.addExact(need, RecurrentSupport.droppedSize(batch, time, units, 4))
        : need;
  }

  /**
   * Runs the LSTM over the sequence {@code x (N, T, in)}: writes every step's hidden state into
   * {@code hSeq (N, T, u)} and, when not null, the final states into {@code hLast} and {@code
   * cLast} {@code (N, u)}. {@code h0}, {@code c0} {@code (N, u)} are the initial states (null =
   * zeros). With {@code goBackwards} step {@code s} reads {@code x[:, T-1-s]} and {@code hSeq[:,
   * s]} is its output (Keras {@code go_backwards}: the outputs are not re-reversed). {@code
   * workspace} (at least {@link #workspaceSize} floats) receives what {@link #backward} needs.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input kernel {@code W (in, 4u)}, gate columns i, f, c, o
   * @param recurrentKernel the recurrent kernel {@code U (u, 4u)}
   * @param bias the bias {@code (4u)}
   * @param h0 the initial hidden state {@code (N, u)}, or null for zeros
   * @param c0 the initial cell state {@code (N, u)}, or null for zeros
   * @param goBackwards true to read the steps in reverse order (Keras {@code go_backwards})
   * @param hSeq receives every step's hidden state {@code (N, T, u)}
   * @param hLast receives the final hidden state {@code (N, u)}, or null
   * @param cLast receives the final cell state {@code (N, u)}, or null
   * @param workspace at least {@link #workspaceSize} floats; receives what {@link #backward} reads,
   *     which it consumes
   * @return {@code hSeq}
   * @throws IllegalArgumentException if a shape disagrees (the message names both)
   */
  public static Tensor forward(
      Tensor x,
      Tensor kernel,
      Tensor recurrentKernel,
      Tensor bias,
      Tensor h0,
      Tensor c0,
      boolean goBackwards,
      Tensor hSeq,
      Tensor hLast,
      Tensor cLast,
      Tensor workspace) {
    return forward(
        x,
        kernel,
        recurrentKernel,
        bias,
        h0,
        c0,
        goBackwards,
        hSeq,
        hLast,
        cLast,
        workspace,
        null,
        null,
        GateActivation.SIGMOID);
  }

  /**
   * {@link #forward(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, boolean, Tensor, Tensor,
   * Tensor, Tensor)} with Keras's step mask {@code (N, T)} (null = none): where {@code mask[n, t]}
   * is 0 the step leaves both states unchanged and its output is the state carried over (Keras's
   * {@code zero_output_for_mask=False}); the final states are those after the last unmasked step. A
   * masked step costs a copy instead of the cell math (its recurrent product still runs with the
   * other rows'). {@code gate} is the i, f, o gates' activation (Keras's {@code
   * recurrent_activation}). {@code recurrentDropoutMask (N, 4u)} (null = none; Keras's {@code
   * recurrent_dropout}) holds one mask per gate (i, f, c, o), by which the state is multiplied
   * before that gate's recurrent product at every step; the workspace then needs {@link
   * #workspaceSize(int, int, int, boolean)} floats.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input kernel {@code W (in, 4u)}, gate columns i, f, c, o
   * @param recurrentKernel the recurrent kernel {@code U (u, 4u)}
   * @param bias the bias {@code (4u)}
   * @param h0 the initial hidden state {@code (N, u)}, or null for zeros
   * @param c0 the initial cell state {@code (N, u)}, or null for zeros
   * @param goBackwards true to read the steps in reverse order (Keras {@code go_backwards})
   * @param hSeq receives every step's hidden state {@code (N, T, u)}
   * @param hLast receives the final hidden state {@code (N, u)}, or null
   * @param cLast receives the final cell state {@code (N, u)}, or null
   * @param workspace at least {@link #workspaceSize} floats; receives what {@link #backward} reads,
   *     which it consumes
   * @param mask the step mask {@code (N, T)}, 0 where a step is skipped, or null for none
   * @param recurrentDropoutMask the recurrent dropout masks {@code (N, 4u)}, gates i, f, c, o side
   *     by side, or null for none
   * @param gate the i, f and o gates' activation (Keras's {@code recurrent_activation})
   * @return {@code hSeq}
   */
  public static Tensor forward(
      Tensor x,
      Tensor kernel,
      Tensor recurrentKernel,
      Tensor bias,
      Tensor h0,
      Tensor c0,
      boolean goBackwards,
      Tensor hSeq,
      Tensor hLast,
      Tensor cLast,
      Tensor workspace,
      Tensor mask,
      Tensor recurrentDropoutMask,
      GateActivation gate) {
    Pass p = PASSES.get().bind("lstm forward", x, kernel, recurrentKernel, workspace);
    String op = p.op;
    requireShape(op, "bias", bias, p.gateShape, x);
    requireShape(op, "hSeq", hSeq, p.seqShape, x);
    Shape state = p.stateShape;
    optionalShape(op, "h0", h0, state, x);
    optionalShape(op, "c0", c0, state, x);
    optionalShape(op, "hLast", hLast, state, x);
    optionalShape(op, "cLast", cLast, state, x);
    int g = 4 * p.u;
    RecurrentSupport.inputProjection(p.n * p.t, p.in, g, x, kernel, bias, p.ws, p.gates);
    if (goBackwards) {
      RecurrentSupport.reverseTime(p.ws, p.gates, p.n, p.t, g);
    }
    p.bindMask(mask, goBackwards);
    p.bindDropState(recurrentDropoutMask, workspace, workspaceSize(p.n, p.t, p.u));
    p.gate = gate;
    p.backward = false;
    p.bias = bias;
    p.h0 = h0;
    p.c0 = c0;
    p.hSeq = hSeq;
    p.run();
    for (int b = 0; b < p.n; b++) {
      int last = b * p.t + p.t - 1;
      if (hLast != null) {
        System.arraycopy(
            hSeq.array(), hSeq.offset() + last * p.u, hLast.array(), hLast.offset() + b * p.u, p.u);
      }
      if (cLast != null) {
        System.arraycopy(p.ws, p.cells + last * p.u, cLast.array(), cLast.offset() + b * p.u, p.u);
      }
    }
    p.clear();
    return hSeq;
  }

  /**
   * The forward pass for inference, when no {@link #backward} follows: the same {@code hSeq},
   * {@code hLast} and {@code cLast} as {@link #forward} (up to float rounding), with no workspace.
   * It keeps each thread's states unit-major, so that one product per step gives every gate as one
   * block and the gate math runs in long loops (see {@code LstmInference} for the figures).
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input kernel {@code W (in, 4u)}, gate columns i, f, c, o
   * @param recurrentKernel the recurrent kernel {@code U (u, 4u)}
   * @param bias the bias {@code (4u)}, or null for none
   * @param h0 the initial hidden state {@code (N, u)}, or null for zeros
   * @param c0 the initial cell state {@code (N, u)}, or null for zeros
   * @param goBackwards true to read the steps in reverse order (Keras {@code go_backwards})
   * @param hSeq receives every step's hidden state {@code (N, T, u)}
   * @param hLast receives the final hidden state {@code (N, u)}, or null
   * @param cLast receives the final cell state {@code (N, u)}, or null
   * @return {@code hSeq}
   * @throws IllegalArgumentException if a shape disagrees (the message names both)
   */
  public static Tensor infer(
      Tensor x,
      Tensor kernel,
      Tensor recurrentKernel,
      Tensor bias,
      Tensor h0,
      Tensor c0,
      boolean goBackwards,
      Tensor hSeq,
      Tensor hLast,
      Tensor cLast) {
    return infer(
        x,
        kernel,
        recurrentKernel,
        bias,
        h0,
        c0,
        goBackwards,
        hSeq,
        hLast,
        cLast,
        null,
        GateActivation.SIGMOID);
  }

  /**
   * {@link #infer} with Keras's step mask {@code (N, T)} (null = none) and gate activation, as
   * {@link #forward}.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input kernel {@code W (in, 4u)}, gate columns i, f, c, o
   * @param recurrentKernel the recurrent kernel {@code U (u, 4u)}
   * @param bias the bias {@code (4u)}, or null for none
   * @param h0 the initial hidden state {@code (N, u)}, or null for zeros
   * @param c0 the initial cell state {@code (N, u)}, or null for zeros
   * @param goBackwards true to read the steps in reverse order (Keras {@code go_backwards})
   * @param hSeq receives every step's hidden state {@code (N, T, u)}
   * @param hLast receives the final hidden state {@code (N, u)}, or null
   * @param cLast receives the final cell state {@code (N, u)}, or null
   * @param mask the step mask {@code (N, T)}, 0 where a step is skipped, or null for none
   * @param gate the i, f and o gates' activation (Keras's {@code recurrent_activation})
   * @return {@code hSeq}
   */
  public static Tensor infer(
      Tensor x,
      Tensor kernel,
      Tensor recurrentKernel,
      Tensor bias,
      Tensor h0,
      Tensor c0,
      boolean goBackwards,
      Tensor hSeq,
      Tensor hLast,
      Tensor cLast,
      Tensor mask,
      GateActivation gate) {
    String op = "lstm infer";
    RecurrentSupport.requireSequence(op, x);
    int u = RecurrentSupport.units(op, recurrentKernel, 4);
    int n = x.shape().dim(0);
    int t = x.shape().dim(1);
    int in = x.shape().dim(2);
    // Checked by dimension: a prediction's checks then allocate nothing.
    RecurrentSupport.requireDims(op, "kernel", kernel, x, in, 4 * u);
    RecurrentSupport.optionalDims(op, "bias", bias, x, 4 * u);
    RecurrentSupport.requireDims(op, "hSeq", hSeq, x, n, t, u);
    RecurrentSupport.optionalDims(op, "h0", h0, x, n, u);
    RecurrentSupport.optionalDims(op, "c0", c0, x, n, u);
    RecurrentSupport.optionalDims(op, "hLast", hLast, x, n, u);
    RecurrentSupport.optionalDims(op, "cLast", cLast, x, n, u);
    RecurrentSupport.optionalMask(op, mask, n, t, x);
    LstmInference.run(
        x, kernel, recurrentKernel, bias, h0, c0, goBackwards, hSeq, hLast, cLast, mask, gate);
    return hSeq;
  }

  /**
   * {@link #forward} from zero states, allocating: returns all hidden states {@code (N, T, u)}.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input kernel {@code W (in, 4u)}, gate columns i, f, c, o
   * @param recurrentKernel the recurrent kernel {@code U (u, 4u)}
   * @param bias the bias {@code (4u)}
   * @return a new tensor of every step's hidden state {@code (N, T, u)}
   */
  public static Tensor forward(Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor bias) {
    RecurrentSupport.requireSequence("lstm forward", x);
    int u = RecurrentSupport.units("lstm forward", recurrentKernel, 4);
    int n = x.shape().dim(0);
    int t = x.shape().dim(1);
    Tensor ws = Tensor.zeros(workspaceSize(n, t, u));
    return forward(
        x, kernel, recurrentKernel, bias, null, null, false, Tensor.zeros(n, t, u), null, null, ws);
  }

  /**
   * Back-propagates through the sequence run by {@link #forward} (same {@code x}, weights, initial
   * states, {@code goBackwards}, {@code hSeq} and {@code workspace}; the workspace is consumed:
   * gate gradients overwrite the saved gates, so call it once per forward).
   *
   * <p>Upstream gradients: {@code dHSeq (N, T, u)} for every step's output, or null when only the
   * final state has one (Keras {@code return_sequences=False}: the fast path); {@code dhLast},
   * {@code dcLast} {@code (N, u)} for the final states (null = zero). Writes (overwriting) {@code
   * dx (N, T, in)}, {@code dKernel (in, 4u)}, {@code dRecurrentKernel (u, 4u)}, {@code dBias (4u)},
   * and, when not null, {@code dh0}, {@code dc0} {@code (N, u)}.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input kernel {@code W (in, 4u)}, gate columns i, f, c, o
   * @param recurrentKernel the recurrent kernel {@code U (u, 4u)}
   * @param h0 the initial hidden state {@code (N, u)}, or null for zeros
   * @param c0 the initial cell state {@code (N, u)}, or null for zeros
   * @param goBackwards true to read the steps in reverse order (Keras {@code go_backwards})
   * @param hSeq receives every step's hidden state {@code (N, T, u)}
   * @param workspace at least {@link #workspaceSize} floats; receives what {@link #backward} reads,
   *     which it consumes
   * @param dHSeq the upstream gradient of every step's output {@code (N, T, u)}, or null when only
   *     the final state has one
   * @param dhLast the upstream gradient of the final hidden state {@code (N, u)}, or null for zero
   * @param dcLast the upstream gradient of the final cell state {@code (N, u)}, or null for zero
   * @param dx receives the input's gradient {@code (N, T, in)} (overwritten)
   * @param dKernel receives the kernel's gradient {@code (in, 4u)} (overwritten)
   * @param dRecurrentKernel receives the recurrent kernel's gradient {@code (u, 4u)} (overwritten)
   * @param dBias receives the bias's gradient {@code (4u)} (overwritten)
   * @param dh0 receives the initial hidden state's gradient {@code (N, u)}, or null
   * @param dc0 receives the initial cell state's gradient {@code (N, u)}, or null
   * @throws IllegalArgumentException if a shape disagrees (the message names both)
   */
  public static void backward(
      Tensor x,
      Tensor kernel,
      Tensor recurrentKernel,
      Tensor h0,
      Tensor c0,
      boolean goBackwards,
      Tensor hSeq,
      Tensor workspace,
      Tensor dHSeq,
      Tensor dhLast,
      Tensor dcLast,
      Tensor dx,
      Tensor dKernel,
      Tensor dRecurrentKernel,
      Tensor dBias,
      Tensor dh0,
      Tensor dc0) {
    backward(
        x,
        kernel,
        recurrentKernel,
        h0,
        c0,
        goBackwards,
        hSeq,
        workspace,
        dHSeq,
        dhLast,
        dcLast,
        dx,
        dKernel,
        dRecurrentKernel,
        dBias,
        dh0,
        dc0,
        null,
        null,
        GateActivation.SIGMOID);
  }

  /**
   * {@link #backward} of a masked {@link #forward} (the same {@code mask}, {@code
   * recurrentDropoutMask} and {@code gate}): a masked step passes the states' gradients through to
   * the step before and nothing reaches its input or the weights. With recurrent dropout masks the
   * state's gradient through each gate's product is multiplied by that gate's mask and the
   * recurrent kernel's gradient pairs the masked states; nothing flows to the masks.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input kernel {@code W (in, 4u)}, gate columns i, f, c, o
   * @param recurrentKernel the recurrent kernel {@code U (u, 4u)}
   * @param h0 the initial hidden state {@code (N, u)}, or null for zeros
   * @param c0 the initial cell state {@code (N, u)}, or null for zeros
   * @param goBackwards true to read the steps in reverse order (Keras {@code go_backwards})
   * @param hSeq receives every step's hidden state {@code (N, T, u)}
   * @param workspace at least {@link #workspaceSize} floats; receives what {@link #backward} reads,
   *     which it consumes
   * @param dHSeq the upstream gradient of every step's output {@code (N, T, u)}, or null when only
   *     the final state has one
   * @param dhLast the upstream gradient of the final hidden state {@code (N, u)}, or null for zero
   * @param dcLast the upstream gradient of the final cell state {@code (N, u)}, or null for zero
   * @param dx receives the input's gradient {@code (N, T, in)} (overwritten)
   * @param dKernel receives the kernel's gradient {@code (in, 4u)} (overwritten)
   * @param dRecurrentKernel receives the recurrent kernel's gradient {@code (u, 4u)} (overwritten)
   * @param dBias receives the bias's gradient {@code (4u)} (overwritten)
   * @param dh0 receives the initial hidden state's gradient {@code (N, u)}, or null
   * @param dc0 receives the initial cell state's gradient {@code (N, u)}, or null
   * @param mask the step mask {@code (N, T)}, 0 where a step is skipped, or null for none
   * @param recurrentDropoutMask the recurrent dropout masks {@code (N, 4u)}, gates i, f, c, o side
   *     by side, or null for none
   * @param gate the i, f and o gates' activation (Keras's {@code recurrent_activation})
   */
  public static void backward(
      Tensor x,
      Tensor kernel,
      Tensor recurrentKernel,
      Tensor h0,
      Tensor c0,
      boolean goBackwards,
      Tensor hSeq,
      Tensor workspace,
      Tensor dHSeq,
      Tensor dhLast,
      Tensor dcLast,
      Tensor dx,
      Tensor dKernel,
      Tensor dRecurrentKernel,
      Tensor dBias,
      Tensor dh0,
      Tensor dc0,
      Tensor mask,
      Tensor recurrentDropoutMask,
      GateActivation gate) {
    Pass p = PASSES.get().bind("lstm backward", x, kernel, recurrentKernel, workspace);
    String op = p.op;
    int u = p.u;
    int g = 4 * u;
    Shape seq = p.seqShape;
    Shape state = p.stateShape;
    requireShape(op, "hSeq", hSeq, seq, x);
    optionalShape(op, "dHSeq", dHSeq, seq, x);
    optionalShape(op, "h0", h0, state, x);
    optionalShape(op, "c0", c0, state, x);
    optionalShape(op, "dhLast", dhLast, state, x);
    optionalShape(op, "dcLast", dcLast, state, x);
    optionalShape(op, "dh0", dh0, state, x);
    optionalShape(op, "dc0", dc0, state, x);
    requireShape(op, "dx", dx, x.shape(), x);
    requireShape(op, "dKernel", dKernel, kernel.shape(), x);
    requireShape(op, "dRecurrentKernel", dRecurrentKernel, recurrentKernel.shape(), x);
    requireShape(op, "dBias", dBias, p.gateShape, x);
    RecurrentSupport.transpose(recurrentKernel.array(), recurrentKernel.offset(), u, g, p.ws, p.uT);
    p.bindMask(mask, goBackwards);
    p.bindDropState(recurrentDropoutMask, workspace, workspaceSize(p.n, p.t, u));
    p.gate = gate;
    p.backward = true;
    p.h0 = h0;
    p.c0 = c0;
    p.hSeq = hSeq;
    p.dHSeq = dHSeq;
    p.dhLast = dhLast;
    p.dcLast = dcLast;
    p.dh0 = dh0;
    p.dc0 = dc0;
    p.run();
    int nt = p.n * p.t;
    float[] ws = p.ws;
    RecurrentSupport.columnSums(ws, p.gates, nt, g, g, dBias.array(), dBias.offset());
    if (recurrentDropoutMask != null) {
      p.droppedWeightGrad(0, 4, p.gates, g, dRecurrentKernel.array(), dRecurrentKernel.offset(), g);
    } else {
      RecurrentSupport.recurrentWeightGrad(
          p.n,
          p.t,
          u,
          g,
          hSeq.array(),
          hSeq.offset(),
          h0 == null ? null : h0.array(),
          h0 == null ? 0 : h0.offset(),
          ws,
          p.gates,
          g,
          dRecurrentKernel.array(),
          dRecurrentKernel.offset(),
          g);
    }
    if (goBackwards) {
      RecurrentSupport.reverseTime(ws, p.gates, p.n, p.t, g);
    }
    RecurrentSupport.inputGrads(nt, p.in, g, x, kernel, ws, p.gates, dx, dKernel);
    p.clear();
  }

  /**
   * One LSTM step: {@code x (N, in)}, states {@code h}, {@code c} {@code (N, u)}; writes the new
   * states into {@code hOut}, {@code cOut} (which may be {@code h}, {@code c} themselves). {@code
   * workspace} holds at least {@code workspaceSize(N, 1, u)} floats.
   *
   * @param x this step's input {@code (N, in)}
   * @param h the previous hidden state {@code (N, u)}
   * @param c the previous cell state {@code (N, u)}
   * @param kernel the input kernel {@code W (in, 4u)}, gate columns i, f, c, o
   * @param recurrentKernel the recurrent kernel {@code U (u, 4u)}
   * @param bias the bias {@code (4u)}
   * @param hOut receives the new hidden state {@code (N, u)}; may be {@code h}
   * @param cOut receives the new cell state {@code (N, u)}; may be {@code c}
   * @param workspace scratch of at least {@code workspaceSize(N, 1, u)} floats
   * @return {@code hOut}
   */
  public static Tensor step(
      Tensor x,
      Tensor h,
      Tensor c,
      Tensor kernel,
      Tensor recurrentKernel,
      Tensor bias,
      Tensor hOut,
      Tensor cOut,
      Tensor workspace) {
    RecurrentSupport.requireNonNull("lstm step", "x", x);
    RecurrentSupport.requireNonNull("lstm step", "hOut", hOut);
    if (x.rank() != 2 || hOut.rank() != 2) {
      throw new IllegalArgumentException(
          "lstm step: x and hOut must have shape (batch, features); got "
              + x.shape()
              + " and "
              + hOut.shape());
    }
    int n = x.shape().dim(0);
    Tensor seqX = x.reshape(n, 1, x.shape().dim(1));
    Tensor seqH = hOut.reshape(n, 1, hOut.shape().dim(1));
    forward(seqX, kernel, recurrentKernel, bias, h, c, false, seqH, null, cOut, workspace);
    return hOut;
  }

  /**
   * {@link #step} allocating: returns a {@code (2, N, u)} tensor holding the new {@code h} at index
   * 0 and the new {@code c} at index 1.
   *
   * @param x this step's input {@code (N, in)}
   * @param h the previous hidden state {@code (N, u)}
   * @param c the previous cell state {@code (N, u)}
   * @param kernel the input kernel {@code W (in, 4u)}, gate columns i, f, c, o
   * @param recurrentKernel the recurrent kernel {@code U (u, 4u)}
   * @param bias the bias {@code (4u)}
   * @return a new {@code (2, N, u)} tensor: the new {@code h} at index 0, the new {@code c} at
   *     index 1
   */
  public static Tensor step(
      Tensor x, Tensor h, Tensor c, Tensor kernel, Tensor recurrentKernel, Tensor bias) {
    RecurrentSupport.requireNonNull("lstm step", "h", h);
    int n = h.shape().dim(0);
    int u = h.shape().dim(-1);
    Tensor out = Tensor.zeros(2, n, u);
    Tensor ws = Tensor.zeros(workspaceSize(n, 1, u));
    step(
        x,
        h,
        c,
        kernel,
        recurrentKernel,
        bias,
        out.slice(0, 1).reshape(n, u),
        out.slice(1, 2).reshape(n, u),
        ws);
    return out;
  }

  /**
   * The gate math of one batch row: pre-activations {@code z} (bias included) become the activated
   * gates in place; writes {@code c}, {@code tanh(c)} and {@code h}. {@code cp == null} means a
   * zero previous cell state. On the Vector API when {@link RecurrentVector#suits} says so; else
   * the transcendental work runs in place (vectorised by the JIT) and the rest is a few scalar
   * multiply-adds.
   */
  private static void cell(
      float[] z,
      int zo,
      float[] cp,
      int cpo,
      float[] c,
      int co,
      float[] tc,
      int tco,
      float[] h,
      int ho,
      int u,
      GateActivation gate) {
    if (gate == GateActivation.SIGMOID && RecurrentVector.suits(u)) {
      RecurrentVector.kernels().forward(z, zo, cp, cpo, c, co, tc, tco, h, ho, u);
      return;
    }
    gate.applyInPlace(z, zo, zo + 2 * u);
    tanhInPlace(z, zo + 2 * u, zo + 3 * u);
    gate.applyInPlace(z, zo + 3 * u, zo + 4 * u);
    if (cp == null) {
      for (int j = 0; j < u; j++) {
        c[co + j] = z[zo + j] * z[zo + 2 * u + j];
      }
    } else {
      for (int j = 0; j < u; j++) {
        c[co + j] = z[zo + u + j] * cp[cpo + j] + z[zo + j] * z[zo + 2 * u + j];
      }
    }
    System.arraycopy(c, co, tc, tco, u);
    tanhInPlace(tc, tco, tco + u);
    for (int j = 0; j < u; j++) {
      h[ho + j] = z[zo + 3 * u + j] * tc[tco + j];
    }
  }

  /** The arguments of one sequence pass, reused per thread so a call allocates nothing. */
  private static final class Pass extends RecurrentPass {
    Tensor c0;
    Tensor dcLast;
    Tensor dc0;
    GateActivation gate = GateActivation.SIGMOID;
    int cells;
    int tanhCells;
    int dcs;

    Pass bind(String op, Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor workspace) {
      bindCommon(op, x, kernel, recurrentKernel, workspace, 4);
      RecurrentSupport.requireWorkspace(op, workspace, workspaceSize(n, t, u), x);
      int nt = n * t;
      cells = gates + nt * 4 * u;
      tanhCells = cells + nt * u;
      dhs = tanhCells + nt * u;
      dcs = dhs + n * u;
      uT = dcs + n * u;
      return this;
    }

    @Override
    void clear() {
      super.clear();
      c0 = null;
      dcLast = null;
      dc0 = null;
    }

    @Override
    void forwardRows(int r0, int r1) {
      dropInitial(r0, r1);
      for (int s = 0; s < t; s++) {
        forwardStep(s, r0, r1);
      }
    }

    /**
     * Step {@code s} of rows r0..r1. A method of its own rather than the body of {@link
     * #forwardRows}' loop: one call runs every step of the sequence, so the JIT would compile that
     * loop on-stack, with the step's products and cells inlined, before compiling it as a method
     * (seed model 2's first steps, one run: 23 ms and then 19 ms of C2 forward, 65 and 48
     * backward).
     */
    private void forwardStep(int s, int r0, int r1) {
      int g = 4 * u;
      float[] hs = hSeq.array();
      int ho = hSeq.offset();
      int a = firstActive(s, r0, r1);
      int b = lastActive(s, a, r1);
      if (a < b) {
        recurrentProduct(s, a, b, 0, g, ws, gates + (a * t + s) * g, t * g);
      }
      for (int r = r0; r < r1; r++) {
        int row = r * t + s;
        float[] cp = s > 0 ? ws : c0 == null ? null : c0.array();
        int cpo = s > 0 ? cells + (row - 1) * u : c0 == null ? 0 : c0.offset() + r * u;
        if (masked(r, s)) {
          carryState(s, r, hs, ho + row * u);
          if (cp == null) {
            java.util.Arrays.fill(ws, cells + row * u, cells + row * u + u, 0f);
          } else {
            System.arraycopy(cp, cpo, ws, cells + row * u, u);
          }
          dropOutput(r, s);
          continue;
        }
        cell(
            ws,
            gates + row * g,
            cp,
            cpo,
            ws,
            cells + row * u,
            ws,
            tanhCells + row * u,
            hs,
            ho + row * u,
            u,
            gate);
        dropOutput(r, s);
      }
    }

    @Override
    void backwardRows(int r0, int r1) {
      boolean vector = gate == GateActivation.SIGMOID && RecurrentVector.suits(u);
      initState(dhLast, dhs, r0, r1);
      initState(dcLast, dcs, r0, r1);
      for (int s = t - 1; s >= 0; s--) {
        backwardStep(s, r0, r1, vector);
      }
      copyState(dhs, dh0, r0, r1);
      copyState(dcs, dc0, r0, r1);
    }

    /** Step {@code s} of rows r0..r1 backward: a method for the reason {@link #forwardStep} is. */
    private void backwardStep(int s, int r0, int r1, boolean vector) {
      int g = 4 * u;
      float[] dH = dHSeq == null ? null : dHSeq.array();
      int dHo = dHSeq == null ? 0 : dHSeq.offset();
      for (int r = r0; r < r1; r++) {
        int row = r * t + s;
        int zo = gates + row * g;
        int co = tanhCells + row * u;
        float[] cp = s > 0 ? ws : c0 == null ? null : c0.array();
        int cpo = s > 0 ? cells + (row - 1) * u : c0 == null ? 0 : c0.offset() + r * u;
        int sh = dhs + r * u;
        int sc = dcs + r * u;
        if (masked(r, s)) {
          // Both states pass through unchanged; the step's gates get no gradient.
          if (dH != null) {
            for (int j = 0; j < u; j++) {
              ws[sh + j] += dH[dHo + row * u + j];
            }
          }
          java.util.Arrays.fill(ws, zo, zo + g, 0f);
          continue;
        }
        if (vector) {
          RecurrentVector.kernels().backward(ws, zo, co, cp, cpo, sh, sc, dH, dHo + row * u, u);
          continue;
        }
        cellBackward(zo, co, cp, cpo, sh, sc, dH, dHo + row * u);
      }
      if (s > 0 || dh0 != null) {
        clearCarries(s, r0, r1);
        // Masked rows' dz is 0: only the rows from the first to the last kept one add anything.
        int a = firstActive(s, r0, r1);
        int b = lastActive(s, a, r1);
        if (a < b && dropState != null) {
          for (int k = 0; k < 4; k++) {
            droppedStateGradient(
                s, a, b, gates + (a * t + s) * g + k * u, t * g, uT + k * u * u, k);
          }
        } else if (a < b) {
          stepProduct(
              b - a, u, g, ws, gates + (a * t + s) * g, t * g, ws, uT, u, ws, dhs + a * u, u);
        }
      }
    }

    /** One row's cell backward in plain loops, for gates the vector kernels do not take. */
    private void cellBackward(
        int zo, int co, float[] cp, int cpo, int sh, int sc, float[] dH, int dHrow) {
      for (int j = 0; j < u; j++) {
        float dh = RecurrentSupport.flushed(ws[sh + j] + (dH == null ? 0f : dH[dHrow + j]));
        float i = ws[zo + j];
        float f = ws[zo + u + j];
        float gg = ws[zo + 2 * u + j];
        float o = ws[zo + 3 * u + j];
        float tcv = ws[co + j];
        float dc = RecurrentSupport.flushed(ws[sc + j] + dh * o * (1f - tcv * tcv));
        float cPrev = cp == null ? 0f : cp[cpo + j];
        ws[zo + j] = dc * gg * gate.slope(i);
        ws[zo + u + j] = dc * cPrev * gate.slope(f);
        ws[zo + 2 * u + j] = dc * i * (1f - gg * gg);
        ws[zo + 3 * u + j] = dh * tcv * gate.slope(o);
        ws[sc + j] = dc * f;
      }
    }

    /**
     * Zeroes the dh carries of rows r0..r1 before {@code dz_s Uᵀ} adds into them, except for masked
     * rows: their carry passes to the step before as it is (their dz is 0).
     */
    private void clearCarries(int s, int r0, int r1) {
      if (mask == null) {
        java.util.Arrays.fill(ws, dhs + r0 * u, dhs + r1 * u, 0f);
        return;
      }
      for (int r = r0; r < r1; r++) {
        if (!masked(r, s)) {
          java.util.Arrays.fill(ws, dhs + r * u, dhs + r * u + u, 0f);
        }
      }
    }
  }
}
