package dev.graft.tensor.recurrent;

import static dev.graft.tensor.recurrent.RecurrentSupport.optionalShape;
import static dev.graft.tensor.recurrent.RecurrentSupport.requireShape;
import static dev.graft.tensor.recurrent.RecurrentSupport.stepProduct;
import static dev.graft.tensor.recurrent.RecurrentSupport.tanhInPlace;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;

/**
 * Fused GRU kernels with Keras semantics: kernel {@code W (in, 3u)}, recurrent kernel {@code U (u,
 * 3u)}, gate columns z, r, h.
 *
 * <p>{@code resetAfter = true} (Keras 3 default): bias {@code (2, 3u)} = [input bias; recurrent
 * bias]; {@code xz = x W + b_in}, {@code hz = h_prev U + b_rec}, {@code z = σ(xz_z + hz_z)}, {@code
 * r = σ(xz_r + hz_r)}, {@code hh = tanh(xz_h + r * hz_h)}. {@code resetAfter = false}: bias {@code
 * (3u)}; {@code z = σ(x Wz + bz + h Uz)}, {@code r = σ(x Wr + br + h Ur)}, {@code hh = tanh(x Wh +
 * bh + (r * h_prev) Uh)}. Both: {@code h = z * h_prev + (1 - z) * hh}; zero initial state unless
 * given.
 *
 * <p>Same design as {@link Lstm}: one GEMM for the input projection of all steps, one small
 * recurrent product per step beside the gate math inside the loop (split over batch rows across
 * threads), weight gradients as GEMMs over all steps afterwards, and a caller-owned workspace of
 * {@link #workspaceSize} floats.
 *
 * <p>Keras's {@code recurrent_dropout} is one {@code (N, u)} mask per gate, {@code (N, 3u)} side by
 * side (z, r, h), that the training kernels multiply the previous state by where it enters that
 * gate's recurrent product (for {@code resetAfter = false} the candidate's product reads {@code r *
 * (h_prev * mask_h)}), not where it is blended into the new state: Keras 2's and Keras 3.8+'s
 * {@code implementation=1} cell.
 */
public final class Gru {
  private static final ThreadLocal<Pass> PASSES = ThreadLocal.withInitial(Pass::new);

  private Gru() {}

  /**
   * The floats the workspace of {@link #forward} / {@link #backward} / {@link #step} needs: {@code
   * 4 N T u} saved per step plus {@code 4 N u + 3 u²} of scratch.
   *
   * @param batch the batch size N
   * @param time the number of steps T
   * @param units the number of units u
   * @return the workspace size in floats
   */
  public static int workspaceSize(int batch, int time, int units) {
    long need = 4L * batch * time * units + 4L * batch * units + 3L * units * units;
    if (need > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "gru: workspace for batch " + batch + ", time " + time + ", units " + units + " > 2^31");
    }
    return (int) need;
  }

  /**
   * {@link #workspaceSize(int, int, int)}, plus {@code 3 N T u + 4 N u} for the masked states when
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
        ? Math.addExact(need, RecurrentSupport.droppedSize(batch, time, units, 3))
        : need;
  }

  /**
   * Runs the GRU over {@code x (N, T, in)}: writes every step's state into {@code hSeq (N, T, u)}
   * and, when not null, the final one into {@code hLast (N, u)}. {@code h0 (N, u)} is the initial
   * state (null = zeros); {@code goBackwards} as in {@link Lstm#forward}. The workspace receives
   * what {@link #backward} needs.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input kernel {@code W (in, 3u)}, gate columns z, r, h
   * @param recurrentKernel the recurrent kernel {@code U (u, 3u)}
   * @param bias the bias, {@code (2, 3u)} with {@code resetAfter}, else {@code (3u)}
   * @param resetAfter true to apply the reset gate after the recurrent product (Keras 3's default),
   *     false before it
   * @param h0 the initial state {@code (N, u)}, or null for zeros
   * @param goBackwards true to read the steps in reverse order (Keras {@code go_backwards})
   * @param hSeq receives every step's state {@code (N, T, u)}
   * @param hLast receives the final state {@code (N, u)}, or null
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
      boolean resetAfter,
      Tensor h0,
      boolean goBackwards,
      Tensor hSeq,
      Tensor hLast,
      Tensor workspace) {
    return forward(
        x,
        kernel,
        recurrentKernel,
        bias,
        resetAfter,
        h0,
        goBackwards,
        hSeq,
        hLast,
        workspace,
        null,
        null,
        GateActivation.SIGMOID);
  }

  /**
   * {@link #forward(Tensor, Tensor, Tensor, Tensor, boolean, Tensor, boolean, Tensor, Tensor,
   * Tensor)} with Keras's step mask {@code (N, T)} (null = none): a step where it is 0 leaves the
   * state unchanged and outputs it (Keras's {@code zero_output_for_mask=False}). {@code gate} is
   * the z and r gates' activation (Keras's {@code recurrent_activation}). {@code
   * recurrentDropoutMask (N, 3u)} (null = none; Keras's {@code recurrent_dropout}) holds one mask
   * per gate (z, r, h), by which the state entering that gate's recurrent product is multiplied;
   * the workspace then needs {@link #workspaceSize(int, int, int, boolean)} floats.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input kernel {@code W (in, 3u)}, gate columns z, r, h
   * @param recurrentKernel the recurrent kernel {@code U (u, 3u)}
   * @param bias the bias, {@code (2, 3u)} with {@code resetAfter}, else {@code (3u)}
   * @param resetAfter true to apply the reset gate after the recurrent product (Keras 3's default),
   *     false before it
   * @param h0 the initial state {@code (N, u)}, or null for zeros
   * @param goBackwards true to read the steps in reverse order (Keras {@code go_backwards})
   * @param hSeq receives every step's state {@code (N, T, u)}
   * @param hLast receives the final state {@code (N, u)}, or null
   * @param workspace at least {@link #workspaceSize} floats; receives what {@link #backward} reads,
   *     which it consumes
   * @param mask the step mask {@code (N, T)}, 0 where a step is skipped, or null for none
   * @param recurrentDropoutMask the recurrent dropout masks {@code (N, 3u)}, gates z, r, h side by
   *     side, or null for none
   * @param gate the z and r gates' activation (Keras's {@code recurrent_activation})
   * @return {@code hSeq}
   */
  public static Tensor forward(
      Tensor x,
      Tensor kernel,
      Tensor recurrentKernel,
      Tensor bias,
      boolean resetAfter,
      Tensor h0,
      boolean goBackwards,
      Tensor hSeq,
      Tensor hLast,
      Tensor workspace,
      Tensor mask,
      Tensor recurrentDropoutMask,
      GateActivation gate) {
    Pass p = PASSES.get().bind("gru forward", x, kernel, recurrentKernel, workspace, resetAfter);
    String op = p.op;
    int g = 3 * p.u;
    requireShape(op, "bias", bias, resetAfter ? p.doubleGateShape : p.gateShape, x);
    requireShape(op, "hSeq", hSeq, p.seqShape, x);
    optionalShape(op, "h0", h0, p.stateShape, x);
    optionalShape(op, "hLast", hLast, p.stateShape, x);
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
    p.hSeq = hSeq;
    p.run();
    if (hLast != null) {
      for (int b = 0; b < p.n; b++) {
        System.arraycopy(
            hSeq.array(),
            hSeq.offset() + (b * p.t + p.t - 1) * p.u,
            hLast.array(),
            hLast.offset() + b * p.u,
            p.u);
      }
    }
    p.clear();
    return hSeq;
  }

  /**
   * {@link #forward} from a zero state, allocating: returns all states {@code (N, T, u)}.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input kernel {@code W (in, 3u)}, gate columns z, r, h
   * @param recurrentKernel the recurrent kernel {@code U (u, 3u)}
   * @param bias the bias, {@code (2, 3u)} with {@code resetAfter}, else {@code (3u)}
   * @param resetAfter true to apply the reset gate after the recurrent product (Keras 3's default),
   *     false before it
   * @return a new tensor of every step's state {@code (N, T, u)}
   */
  public static Tensor forward(
      Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor bias, boolean resetAfter) {
    RecurrentSupport.requireSequence("gru forward", x);
    int u = RecurrentSupport.units("gru forward", recurrentKernel, 3);
    int n = x.shape().dim(0);
    int t = x.shape().dim(1);
    Tensor ws = Tensor.zeros(workspaceSize(n, t, u));
    Tensor hSeq = Tensor.zeros(n, t, u);
    return forward(x, kernel, recurrentKernel, bias, resetAfter, null, false, hSeq, null, ws);
  }

  /**
   * Back-propagates through the sequence run by {@link #forward} (same inputs, {@code hSeq} and
   * {@code workspace}, which is consumed: call once per forward). {@code dHSeq (N, T, u)} is the
   * upstream gradient of every step's state, or null when only the last has one ({@code
   * return_sequences=False}); {@code dhLast (N, u)} that of the final state (null = zero). Writes
   * {@code dx}, {@code dKernel}, {@code dRecurrentKernel}, {@code dBias} (shaped like their
   * originals) and, when not null, {@code dh0}.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input kernel {@code W (in, 3u)}, gate columns z, r, h
   * @param recurrentKernel the recurrent kernel {@code U (u, 3u)}
   * @param resetAfter true to apply the reset gate after the recurrent product (Keras 3's default),
   *     false before it
   * @param h0 the initial state {@code (N, u)}, or null for zeros
   * @param goBackwards true to read the steps in reverse order (Keras {@code go_backwards})
   * @param hSeq receives every step's state {@code (N, T, u)}
   * @param workspace at least {@link #workspaceSize} floats; receives what {@link #backward} reads,
   *     which it consumes
   * @param dHSeq the upstream gradient of every step's state {@code (N, T, u)}, or null when only
   *     the final state has one
   * @param dhLast the upstream gradient of the final state {@code (N, u)}, or null for zero
   * @param dx receives the input's gradient {@code (N, T, in)} (overwritten)
   * @param dKernel receives the kernel's gradient {@code (in, 3u)} (overwritten)
   * @param dRecurrentKernel receives the recurrent kernel's gradient {@code (u, 3u)} (overwritten)
   * @param dBias receives the bias's gradient, of the bias's shape (overwritten)
   * @param dh0 receives the initial state's gradient {@code (N, u)}, or null
   * @throws IllegalArgumentException if a shape disagrees (the message names both)
   */
  public static void backward(
      Tensor x,
      Tensor kernel,
      Tensor recurrentKernel,
      boolean resetAfter,
      Tensor h0,
      boolean goBackwards,
      Tensor hSeq,
      Tensor workspace,
      Tensor dHSeq,
      Tensor dhLast,
      Tensor dx,
      Tensor dKernel,
      Tensor dRecurrentKernel,
      Tensor dBias,
      Tensor dh0) {
    backward(
        x,
        kernel,
        recurrentKernel,
        resetAfter,
        h0,
        goBackwards,
        hSeq,
        workspace,
        dHSeq,
        dhLast,
        dx,
        dKernel,
        dRecurrentKernel,
        dBias,
        dh0,
        null,
        null,
        GateActivation.SIGMOID);
  }

  /**
   * {@link #backward} of a masked {@link #forward} (the same {@code mask}, {@code
   * recurrentDropoutMask} and {@code gate}): a masked step passes the state's gradient through to
   * the step before and nothing reaches its input or the weights. With recurrent dropout masks the
   * state's gradient through each gate's product is multiplied by that gate's mask and the
   * recurrent kernel's gradient pairs the masked states; nothing flows to the masks.
   *
   * @param x the input sequence {@code (N, T, in)}
   * @param kernel the input kernel {@code W (in, 3u)}, gate columns z, r, h
   * @param recurrentKernel the recurrent kernel {@code U (u, 3u)}
   * @param resetAfter true to apply the reset gate after the recurrent product (Keras 3's default),
   *     false before it
   * @param h0 the initial state {@code (N, u)}, or null for zeros
   * @param goBackwards true to read the steps in reverse order (Keras {@code go_backwards})
   * @param hSeq receives every step's state {@code (N, T, u)}
   * @param workspace at least {@link #workspaceSize} floats; receives what {@link #backward} reads,
   *     which it consumes
   * @param dHSeq the upstream gradient of every step's state {@code (N, T, u)}, or null when only
   *     the final state has one
   * @param dhLast the upstream gradient of the final state {@code (N, u)}, or null for zero
   * @param dx receives the input's gradient {@code (N, T, in)} (overwritten)
   * @param dKernel receives the kernel's gradient {@code (in, 3u)} (overwritten)
   * @param dRecurrentKernel receives the recurrent kernel's gradient {@code (u, 3u)} (overwritten)
   * @param dBias receives the bias's gradient, of the bias's shape (overwritten)
   * @param dh0 receives the initial state's gradient {@code (N, u)}, or null
   * @param mask the step mask {@code (N, T)}, 0 where a step is skipped, or null for none
   * @param recurrentDropoutMask the recurrent dropout masks {@code (N, 3u)}, gates z, r, h side by
   *     side, or null for none
   * @param gate the z and r gates' activation (Keras's {@code recurrent_activation})
   */
  public static void backward(
      Tensor x,
      Tensor kernel,
      Tensor recurrentKernel,
      boolean resetAfter,
      Tensor h0,
      boolean goBackwards,
      Tensor hSeq,
      Tensor workspace,
      Tensor dHSeq,
      Tensor dhLast,
      Tensor dx,
      Tensor dKernel,
      Tensor dRecurrentKernel,
      Tensor dBias,
      Tensor dh0,
      Tensor mask,
      Tensor recurrentDropoutMask,
      GateActivation gate) {
    Pass p = PASSES.get().bind("gru backward", x, kernel, recurrentKernel, workspace, resetAfter);
    String op = p.op;
    int u = p.u;
    int g = 3 * u;
    Shape state = p.stateShape;
    requireShape(op, "hSeq", hSeq, p.seqShape, x);
    optionalShape(op, "dHSeq", dHSeq, hSeq.shape(), x);
    optionalShape(op, "h0", h0, state, x);
    optionalShape(op, "dhLast", dhLast, state, x);
    optionalShape(op, "dh0", dh0, state, x);
    requireShape(op, "dx", dx, x.shape(), x);
    requireShape(op, "dKernel", dKernel, kernel.shape(), x);
    requireShape(op, "dRecurrentKernel", dRecurrentKernel, recurrentKernel.shape(), x);
    requireShape(op, "dBias", dBias, resetAfter ? p.doubleGateShape : p.gateShape, x);
    float[] ws = p.ws;
    RecurrentSupport.transpose(recurrentKernel.array(), recurrentKernel.offset(), u, g, ws, p.uT);
    p.bindMask(mask, goBackwards);
    p.bindDropState(recurrentDropoutMask, workspace, workspaceSize(p.n, p.t, u));
    p.gate = gate;
    p.backward = true;
    p.h0 = h0;
    p.hSeq = hSeq;
    p.dHSeq = dHSeq;
    p.dhLast = dhLast;
    p.dh0 = dh0;
    p.run();
    int nt = p.n * p.t;
    float[] db = dBias.array();
    int dbo = dBias.offset();
    float[] du = dRecurrentKernel.array();
    int duo = dRecurrentKernel.offset();
    // The recurrent kernel's gradient pairs the states its products read (masked if dropped).
    boolean drop = recurrentDropoutMask != null;
    float[] hs = hSeq.array();
    float[] h0a = h0 == null ? null : h0.array();
    int h0o = h0 == null ? 0 : h0.offset();
    RecurrentSupport.columnSums(ws, p.gates, nt, g, g, db, dbo);
    if (drop) {
      p.droppedWeightGrad(0, 2, p.gates, g, du, duo, g);
    } else {
      RecurrentSupport.recurrentWeightGrad(
          p.n, p.t, u, 2 * u, hs, hSeq.offset(), h0a, h0o, ws, p.gates, g, du, duo, g);
    }
    if (resetAfter) {
      // The recurrent bias shares the z and r gradients; its h part is r * dhh, saved in e.
      System.arraycopy(db, dbo, db, dbo + g, 2 * u);
      RecurrentSupport.columnSums(ws, p.e, nt, u, u, db, dbo + g + 2 * u);
      if (drop) {
        p.droppedWeightGrad(2, 3, p.e, u, du, duo, g);
      } else {
        RecurrentSupport.recurrentWeightGrad(
            p.n, p.t, u, u, hs, hSeq.offset(), h0a, h0o, ws, p.e, u, du, duo + 2 * u, g);
      }
    } else {
      Blas.current()
          .sgemm(
              true,
              false,
              u,
              u,
              nt,
              1f,
              ws,
              p.e,
              u,
              ws,
              p.gates + 2 * u,
              g,
              0f,
              du,
              duo + 2 * u,
              g);
    }
    if (goBackwards) {
      RecurrentSupport.reverseTime(ws, p.gates, p.n, p.t, g);
    }
    RecurrentSupport.inputGrads(nt, p.in, g, x, kernel, ws, p.gates, dx, dKernel);
    p.clear();
  }

  /**
   * One GRU step: {@code x (N, in)}, state {@code h (N, u)}; writes the new state into {@code hOut}
   * (which may be {@code h}). {@code workspace} holds at least {@code workspaceSize(N, 1, u)}.
   *
   * @param x this step's input {@code (N, in)}
   * @param h the previous state {@code (N, u)}
   * @param kernel the input kernel {@code W (in, 3u)}, gate columns z, r, h
   * @param recurrentKernel the recurrent kernel {@code U (u, 3u)}
   * @param bias the bias, {@code (2, 3u)} with {@code resetAfter}, else {@code (3u)}
   * @param resetAfter true to apply the reset gate after the recurrent product (Keras 3's default),
   *     false before it
   * @param hOut receives the new state {@code (N, u)}; may be {@code h}
   * @param workspace scratch of at least {@code workspaceSize(N, 1, u)} floats
   * @return {@code hOut}
   */
  public static Tensor step(
      Tensor x,
      Tensor h,
      Tensor kernel,
      Tensor recurrentKernel,
      Tensor bias,
      boolean resetAfter,
      Tensor hOut,
      Tensor workspace) {
    RecurrentSupport.requireNonNull("gru step", "x", x);
    if (x.rank() != 2) {
      throw new IllegalArgumentException(
          "gru step: x must have shape (batch, features); got " + x.shape());
    }
    RecurrentSupport.requireNonNull("gru step", "h", h);
    requireShape("gru step", "hOut", hOut, h.shape(), x);
    int n = x.shape().dim(0);
    Tensor seqX = x.reshape(n, 1, x.shape().dim(1));
    Tensor seqH = hOut.reshape(n, 1, hOut.shape().dim(-1));
    forward(seqX, kernel, recurrentKernel, bias, resetAfter, h, false, seqH, null, workspace);
    return hOut;
  }

  /** The arguments of one GRU pass, reused per thread so a call allocates nothing. */
  private static final class Pass extends RecurrentPass {
    boolean resetAfter;
    GateActivation gate = GateActivation.SIGMOID;

    /** Offsets: per-step extra (hz_h or r*h_prev, then its gradient), per-row scratch. */
    int e;

    int scratch;

    Pass bind(
        String op,
        Tensor x,
        Tensor kernel,
        Tensor recurrentKernel,
        Tensor workspace,
        boolean resetAfter) {
      bindCommon(op, x, kernel, recurrentKernel, workspace, 3);
      RecurrentSupport.requireWorkspace(op, workspace, workspaceSize(n, t, u), x);
      this.resetAfter = resetAfter;
      int nt = n * t;
      e = gates + nt * 3 * u;
      dhs = e + nt * u;
      scratch = dhs + n * u;
      uT = scratch + 3 * n * u;
      return this;
    }

    @Override
    void forwardRows(int r0, int r1) {
      int g = 3 * u;
      float[] b = bias.array();
      int br = bias.offset() + g;
      dropInitial(r0, r1);
      for (int s = 0; s < t; s++) {
        float[] hp = productArray(s);
        int step0 = r0 * t + s;
        if (resetAfter) {
          // hz = h_prev U + b_rec, per row in scratch; the input bias is already in the gates.
          for (int r = r0; r < r1; r++) {
            System.arraycopy(b, br, ws, scratch + r * g, g);
          }
          recurrentProduct(s, r0, r1, 0, g, ws, scratch + r0 * g, g);
        } else {
          recurrentProduct(s, r0, r1, 0, 2 * u, ws, gates + step0 * g, t * g);
        }
        for (int r = r0; r < r1; r++) {
          int row = r * t + s;
          int zo = gates + row * g;
          int eo = e + row * u;
          int so = scratch + r * g;
          if (resetAfter) {
            for (int j = 0; j < 2 * u; j++) {
              ws[zo + j] += ws[so + j];
            }
          }
          gate.applyInPlace(ws, zo, zo + 2 * u);
          if (resetAfter) {
            System.arraycopy(ws, so + 2 * u, ws, eo, u);
            for (int j = 0; j < u; j++) {
              ws[zo + 2 * u + j] += ws[zo + u + j] * ws[eo + j];
            }
            tanhInPlace(ws, zo + 2 * u, zo + 3 * u);
            blend(s, r, zo);
          } else {
            // With recurrent dropout the candidate's product reads the h gate's masked copy.
            int hpo = productOffset(s, r) + (dropState == null ? 0 : 2 * u);
            for (int j = 0; j < u; j++) {
              ws[eo + j] = hp == null ? 0f : ws[zo + u + j] * hp[hpo + j];
            }
          }
        }
        if (resetAfter) {
          continue;
        }
        if (hp != null) {
          stepProduct(
              r1 - r0,
              u,
              u,
              ws,
              e + step0 * u,
              t * u,
              recurrentKernel.array(),
              recurrentKernel.offset() + 2 * u,
              g,
              ws,
              gates + step0 * g + 2 * u,
              t * g);
        }
        for (int r = r0; r < r1; r++) {
          int zo = gates + (r * t + s) * g;
          tanhInPlace(ws, zo + 2 * u, zo + 3 * u);
          blend(s, r, zo);
        }
      }
    }

    /** {@code h = z * h_prev + (1 - z) * hh} for row {@code r} of step {@code s}. */
    private void blend(int s, int r, int zo) {
      float[] hp = prevArray(s);
      int hpo = prevOffset(s, r);
      float[] hs = hSeq.array();
      int ho = hSeq.offset() + (r * t + s) * u;
      if (masked(r, s)) {
        carryState(s, r, hs, ho);
      } else {
        for (int j = 0; j < u; j++) {
          float z = ws[zo + j];
          float hpv = hp == null ? 0f : hp[hpo + j];
          hs[ho + j] = z * hpv + (1f - z) * ws[zo + 2 * u + j];
        }
      }
      dropOutput(r, s);
    }

    @Override
    void backwardRows(int r0, int r1) {
      int g = 3 * u;
      int m = r1 - r0;
      initState(dhLast, dhs, r0, r1);
      float[] dH = dHSeq == null ? null : dHSeq.array();
      int dHo = dHSeq == null ? 0 : dHSeq.offset();
      // Where d(r * h_prev)'s state gradient goes: straight into the carry, or with recurrent
      // dropout into scratch rows that the h gate's mask brings into it afterwards.
      boolean drop = dropState != null;
      int acc = drop ? scratch + n * u : dhs;
      for (int s = t - 1; s >= 0; s--) {
        float[] hp = prevArray(s);
        float[] pp = productArray(s);
        int step0 = r0 * t + s;
        for (int r = r0; r < r1; r++) {
          int row = r * t + s;
          int zo = gates + row * g;
          int eo = e + row * u;
          int hpo = prevOffset(s, r);
          int sh = dhs + r * u;
          if (masked(r, s)) {
            // The state passes through unchanged; the step's gates get no gradient.
            if (dH != null) {
              for (int j = 0; j < u; j++) {
                ws[sh + j] += dH[dHo + row * u + j];
              }
            }
            java.util.Arrays.fill(ws, zo, zo + g, 0f);
            if (resetAfter) {
              java.util.Arrays.fill(ws, eo, eo + u, 0f);
            }
            continue;
          }
          for (int j = 0; j < u; j++) {
            float dh =
                RecurrentSupport.flushed(ws[sh + j] + (dH == null ? 0f : dH[dHo + row * u + j]));
            float hpv = hp == null ? 0f : hp[hpo + j];
            float z = ws[zo + j];
            float rr = ws[zo + u + j];
            float hh = ws[zo + 2 * u + j];
            float dhh = dh * (1f - z) * (1f - hh * hh);
            ws[zo + j] = dh * (hpv - hh) * gate.slope(z);
            ws[zo + 2 * u + j] = dhh;
            ws[sh + j] = dh * z;
            if (resetAfter) {
              ws[zo + u + j] = dhh * ws[eo + j] * gate.slope(rr);
              ws[eo + j] = dhh * rr;
            }
          }
        }
        if (drop && !resetAfter) {
          java.util.Arrays.fill(ws, acc + r0 * u, acc + r1 * u, 0f);
        }
        if (!resetAfter) {
          // d(r * h_prev) = dhh Uhᵀ feeds both the reset gate and h_prev.
          java.util.Arrays.fill(ws, scratch + r0 * u, scratch + r1 * u, 0f);
          stepProduct(
              m,
              u,
              u,
              ws,
              gates + step0 * g + 2 * u,
              t * g,
              ws,
              uT + 2 * u * u,
              u,
              ws,
              scratch + r0 * u,
              u);
          for (int r = r0; r < r1; r++) {
            int zo = gates + (r * t + s) * g;
            int hpo = productOffset(s, r) + (drop ? 2 * u : 0);
            int so = scratch + r * u;
            int sh = acc + r * u;
            for (int j = 0; j < u; j++) {
              float hpv = pp == null ? 0f : pp[hpo + j];
              float rr = ws[zo + u + j];
              float drh = ws[so + j];
              ws[zo + u + j] = drh * hpv * gate.slope(rr);
              ws[sh + j] += drh * rr;
            }
          }
        }
        if (drop && !resetAfter) {
          dropGradient(s, r0, r1, acc, dhs, 2);
        }
        if ((s > 0 || dh0 != null) && drop) {
          for (int k = 0; k < 2; k++) {
            droppedStateGradient(s, r0, r1, gates + step0 * g + k * u, t * g, uT + k * u * u, k);
          }
          if (resetAfter) {
            droppedStateGradient(s, r0, r1, e + step0 * u, t * u, uT + 2 * u * u, 2);
          }
        } else if (s > 0 || dh0 != null) {
          stepProduct(m, u, 2 * u, ws, gates + step0 * g, t * g, ws, uT, u, ws, dhs + r0 * u, u);
          if (resetAfter) {
            stepProduct(
                m, u, u, ws, e + step0 * u, t * u, ws, uT + 2 * u * u, u, ws, dhs + r0 * u, u);
          }
        }
      }
      copyState(dhs, dh0, r0, r1);
    }
  }
}
