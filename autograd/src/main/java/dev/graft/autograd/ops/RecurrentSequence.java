package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.recurrent.GateActivation;
import java.util.List;
import java.util.Locale;

/**
 * Base of the fused recurrent ops (LSTM, GRU) over a whole sequence {@code x (N, T, in)} with
 * weights {@code (kernel, recurrent kernel, bias)}: the output is every step's hidden state {@code
 * (N, T, u)} or, without {@code returnSequences}, the last {@code (N, u)}. What backward needs is
 * kept in the workspace; one backward node computes all four gradients into a packed buffer {@code
 * [dKernel | dRecurrentKernel | dBias | dx]} that {@link Part}s unpack.
 *
 * <p>With {@code returnState} (Keras {@code return_state}) the output packs, per batch row, the
 * output above (flattened) followed by the final states ({@code h}, and {@code c} for the LSTM):
 * {@code (N, T·u + s·u)} or {@code (N, u + s·u)}. A graph node has one output, so the layer slices
 * the parts out with {@link Slice}; gradients arriving at the states flow into the kernel's {@code
 * dhLast}/{@code dcLast}.
 *
 * <p>An optional fifth input is Keras's step mask {@code (N, T)} (1 = keep, 0 = skip): a masked
 * step carries the states over unchanged and outputs the carried state (Keras's {@code
 * zero_output_for_mask=False}); nothing flows back to its input. The mask gets no gradient.
 *
 * <p>An optional last input is Keras's {@code recurrent_dropout} masks {@code (N, G u)} (a {@link
 * DropoutMask}; one {@code (N, u)} block per gate, side by side in the kernel's gate order): the
 * state entering gate {@code k}'s recurrent product at every step is multiplied by block {@code k};
 * it gets no gradient. A mask of all ones (what {@link DropoutMask} gives in inference) is found by
 * one scan and skipped, so inference runs the plain kernels.
 */
public abstract class RecurrentSequence extends Op {
  /** Hidden units. */
  protected final int units;

  /** Whether the output has every step. */
  protected final boolean returnSequences;

  /** Whether the sequence is read from the end (Keras {@code go_backwards}). */
  protected final boolean goBackwards;

  /** Whether the final states are packed after the output. */
  protected final boolean returnState;

  /** The gates' activation (Keras's {@code recurrent_activation}). */
  protected final GateActivation gate;

  /** Whether the inputs include a step mask (after the bias). */
  protected final boolean stepMasked;

  /** Whether the last input is a recurrent dropout mask. */
  protected final boolean stateDropped;

  RecurrentSequence(
      int units,
      boolean returnSequences,
      boolean goBackwards,
      boolean returnState,
      GateActivation gate,
      boolean stepMasked,
      boolean stateDropped) {
    this.gate = gate;
    this.stepMasked = stepMasked;
    this.stateDropped = stateDropped;
    this.units = units;
    this.returnSequences = returnSequences;
    this.goBackwards = goBackwards;
    this.returnState = returnState;
  }

  /** The inputs {@code (x, W, U, b[, mask][, recurrent dropout mask])}, absent ones left out. */
  static Node[] inputs(Node x, Node w, Node u, Node b, Node mask, Node drop) {
    List<Node> in = new java.util.ArrayList<>(List.of(x, w, u, b));
    if (mask != null) {
      in.add(mask);
    }
    if (drop != null) {
      in.add(drop);
    }
    return in.toArray(new Node[0]);
  }

  /**
   * Final states the cell carries (2 for LSTM: h and c; 1 for GRU).
   *
   * @return the number of state tensors a {@code returnState} output packs after the outputs
   */
  public abstract int stateCount();

  /**
   * The packed output's width per batch row for {@code time} steps (with {@code returnState}).
   *
   * @param units the cell's units
   * @param time the number of steps
   * @param states {@link #stateCount()} of the cell
   * @param returnSequences whether every step's output is packed, or only the last
   * @return the floats per row
   */
  public static int packedWidth(int units, int time, int states, boolean returnSequences) {
    return (returnSequences ? time * units : units) + states * units;
  }

  private boolean hSeqInWorkspace() {
    return !returnSequences || returnState;
  }

  /** Gates per unit (4 for LSTM, 3 for GRU). */
  abstract int gates();

  /** The kernel's workspace size, with room for the masked states when {@code dropped}. */
  abstract int kernelWorkspace(int batch, int time, boolean dropped);

  /** The expected bias shape. */
  abstract Shape biasShape();

  /**
   * Runs the forward kernel; {@code forGradient} says whether the backward kernel will read the
   * workspace (else an inference kernel may skip saving it). {@code drop} is the recurrent dropout
   * mask or null.
   */
  abstract void runForward(
      Tensor[] in,
      Tensor mask,
      Tensor drop,
      Tensor hSeq,
      Tensor hLast,
      Tensor cLast,
      Tensor ws,
      boolean forGradient);

  /** Runs the backward kernel ({@code dcLast} is null for cells without a carry state). */
  abstract void runBackward(
      Tensor[] in,
      Tensor mask,
      Tensor drop,
      Tensor hSeq,
      Tensor ws,
      Tensor dHSeq,
      Tensor dhLast,
      Tensor dcLast,
      Tensor[] grads);

  @Override
  public String attributes() {
    return "units="
        + units
        + (returnSequences ? ", sequences" : "")
        + (goBackwards ? ", back" : "")
        + (returnState ? ", state" : "")
        + (stateDropped ? ", recurrent_dropout" : "")
        + (gate == GateActivation.SIGMOID ? "" : ", " + gate.name().toLowerCase(Locale.ROOT));
  }

  @Override
  public Shape outputShape(List<Shape> in) {
    Shapes.arity(kind(), in, 4 + (stepMasked ? 1 : 0) + (stateDropped ? 1 : 0));
    Shape x = in.get(0);
    if (stepMasked && (in.get(4).rank() != 2 || !compatible(in.get(4), x))) {
      throw shapeError("mask " + in.get(4) + " does not fit input " + x + ": want (batch, time)");
    }
    int g = gates() * units;
    Shape drop = stateDropped ? in.get(in.size() - 1) : null;
    if (drop != null
        && (drop.rank() != 2
            || drop.dim(1) != g
            || !compatible(Shape.of(drop.dim(0), x.dim(1)), x))) {
      throw shapeError(
          "recurrent dropout mask "
              + drop
              + " does not fit input "
              + x
              + ": want (batch, gates * units) = (batch, "
              + g
              + ")");
    }
    if (x.rank() != 3
        || !in.get(1).equals(Shape.of(x.dim(2), g))
        || !in.get(2).equals(Shape.of(units, g))
        || !in.get(3).equals(biasShape())) {
      throw shapeError(
          "input "
              + x
              + " (batch, time, features) does not fit kernel "
              + in.get(1)
              + ", recurrent kernel "
              + in.get(2)
              + " and bias "
              + in.get(3)
              + " for "
              + units
              + " units");
    }
    if (returnState) {
      int t = x.dim(1);
      return Shape.of(
          x.dim(0),
          t == Shape.UNKNOWN
              ? Shape.UNKNOWN
              : packedWidth(units, t, stateCount(), returnSequences));
    }
    return returnSequences ? Shape.of(x.dim(0), x.dim(1), units) : Shape.of(x.dim(0), units);
  }

  private static boolean compatible(Shape mask, Shape x) {
    for (int i = 0; i < 2; i++) {
      if (mask.dim(i) != x.dim(i) && mask.dim(i) != Shape.UNKNOWN && x.dim(i) != Shape.UNKNOWN) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Shape workspaceShape(List<Shape> in, Shape out) {
    Shape x = in.get(0);
    int n = x.dim(0);
    int t = x.dim(1);
    return Shape.of(
        kernelWorkspace(n, t, stateDropped)
            + (hSeqInWorkspace() ? n * t * units : 0)
            + (returnState ? stateCount() * n * units : 0));
  }

  /** Views into one node's buffers, made on the first run. */
  private static final class Views {
    Tensor[] in;
    Tensor mask;
    Tensor drop;
    Tensor hSeq;
    Tensor ws;
    Tensor[] grads;
    Tensor hLast;
    Tensor cLast;
    Tensor dHSeq;
    Tensor dhLast;
    Tensor dcLast;
  }

  private Views views(Args a, boolean forwardNode) {
    Views v = (Views) a.memo();
    if (v != null) {
      return v;
    }
    v = new Views();
    Tensor x = a.input(forwardNode ? 0 : 1);
    int n = x.shape().dim(0);
    int t = x.shape().dim(1);
    Tensor out = forwardNode ? a.output() : a.input(0);
    Tensor ws = forwardNode ? a.workspace() : a.inputWorkspace(0);
    int kw = kernelWorkspace(n, t, stateDropped);
    v.ws = Tensor.wrap(ws.array(), ws.offset(), Shape.of(kw));
    v.hSeq =
        hSeqInWorkspace() ? Tensor.wrap(ws.array(), ws.offset() + kw, Shape.of(n, t, units)) : out;
    if (returnState) {
      int off = ws.offset() + kw + n * t * units;
      v.hLast = Tensor.wrap(ws.array(), off, Shape.of(n, units));
      v.cLast =
          stateCount() > 1 ? Tensor.wrap(ws.array(), off + n * units, Shape.of(n, units)) : null;
      if (!forwardNode) {
        Tensor gws = a.workspace();
        int go = gws.offset();
        v.dHSeq = returnSequences ? Tensor.wrap(gws.array(), go, Shape.of(n, t, units)) : null;
        go += returnSequences ? n * t * units : 0;
        v.dhLast = Tensor.wrap(gws.array(), go, Shape.of(n, units));
        v.dcLast =
            stateCount() > 1 ? Tensor.wrap(gws.array(), go + n * units, Shape.of(n, units)) : null;
      }
    }
    int base = forwardNode ? 0 : 1;
    v.in = new Tensor[4];
    for (int i = 0; i < 4; i++) {
      v.in[i] = a.input(base + i);
    }
    int maskAt = forwardNode ? 4 : 6;
    v.mask = stepMasked ? a.input(maskAt) : null;
    v.drop = stateDropped ? a.input(maskAt + (stepMasked ? 1 : 0)) : null;
    if (!forwardNode) {
      v.grads = new Tensor[4];
      int off = 0;
      int[] order = {1, 2, 3, 0};
      for (int i : order) {
        v.grads[i] = Tensor.wrap(a.output().array(), a.output().offset() + off, v.in[i].shape());
        off += v.in[i].size();
      }
    }
    a.memo(v);
    return v;
  }

  @Override
  public void forward(Args a) {
    Views v = views(a, true);
    boolean forGradient = a.backwardReads();
    Tensor drop = dropping(v.drop);
    if (!returnState) {
      runForward(
          v.in, v.mask, drop, v.hSeq, returnSequences ? null : a.output(), null, v.ws, forGradient);
      return;
    }
    runForward(v.in, v.mask, drop, v.hSeq, v.hLast, v.cLast, v.ws, forGradient);
    pack(v, a.output());
  }

  /**
   * The recurrent dropout mask to apply: null when there is none or it is all ones (inference), so
   * that the kernels do no extra work. Forward and backward scan the same tensor, so they agree.
   */
  private static Tensor dropping(Tensor drop) {
    if (drop == null) {
      return null;
    }
    float[] m = drop.array();
    for (int i = drop.offset(), end = i + drop.size(); i < end; i++) {
      if (m[i] != 1f) {
        return drop;
      }
    }
    return null;
  }

  /** Copies each batch row's output and final states into the packed output. */
  private void pack(Views v, Tensor out) {
    int n = v.hLast.shape().dim(0);
    int seqWidth = v.hSeq.size() / n;
    int width = out.size() / n;
    float[] o = out.array();
    for (int b = 0; b < n; b++) {
      int at = out.offset() + b * width;
      if (returnSequences) {
        System.arraycopy(v.hSeq.array(), v.hSeq.offset() + b * seqWidth, o, at, seqWidth);
        at += seqWidth;
      } else {
        System.arraycopy(v.hLast.array(), v.hLast.offset() + b * units, o, at, units);
        at += units;
      }
      System.arraycopy(v.hLast.array(), v.hLast.offset() + b * units, o, at, units);
      if (v.cLast != null) {
        System.arraycopy(v.cLast.array(), v.cLast.offset() + b * units, o, at + units, units);
      }
    }
  }

  /**
   * Splits the packed upstream gradient into {@code dHSeq} (or, without sequences, the output's
   * gradient added to {@code dhLast}), {@code dhLast} and {@code dcLast}.
   */
  private void unpack(Views v, Tensor g) {
    int n = v.dhLast.shape().dim(0);
    int width = g.size() / n;
    float[] src = g.array();
    float[] dh = v.dhLast.array();
    for (int b = 0; b < n; b++) {
      int at = g.offset() + b * width;
      int h = v.dhLast.offset() + b * units;
      if (returnSequences) {
        int seqWidth = width - stateCount() * units;
        System.arraycopy(src, at, v.dHSeq.array(), v.dHSeq.offset() + b * seqWidth, seqWidth);
        System.arraycopy(src, at + seqWidth, dh, h, units);
        at += seqWidth;
      } else {
        for (int j = 0; j < units; j++) {
          dh[h + j] = src[at + j] + src[at + units + j];
        }
        at += units;
      }
      if (v.dcLast != null) {
        System.arraycopy(src, at + units, v.dcLast.array(), v.dcLast.offset() + b * units, units);
      }
    }
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Node x = self.input(0);
    Node w = self.input(1);
    Node u = self.input(2);
    Node b = self.input(3);
    List<Node> gradIn = new java.util.ArrayList<>(List.of(self, x, w, u, b, g));
    gradIn.addAll(self.inputs().subList(4, self.inputs().size()));
    Node packed = self.graph().apply(new Grad(this), gradIn.toArray(new Node[0]));
    int ow = 0;
    int ou = ow + w.shape().size();
    int ob = ou + u.shape().size();
    int ox = ob + b.shape().size();
    List<Node> grads = new java.util.ArrayList<>();
    grads.add(Part.of(packed, ox, x.shape()));
    grads.add(Part.of(packed, ow, w.shape()));
    grads.add(Part.of(packed, ou, u.shape()));
    grads.add(Part.of(packed, ob, b.shape()));
    for (int i = 4; i < self.inputs().size(); i++) {
      grads.add(null);
    }
    return grads;
  }

  /**
   * All four gradients, packed; inputs {@code (forward node, x, W, U, b, dOut[, mask][, recurrent
   * dropout mask])}.
   */
  static final class Grad extends BackwardOp {
    private final RecurrentSequence fwd;

    Grad(RecurrentSequence fwd) {
      this.fwd = fwd;
    }

    @Override
    public String kind() {
      return fwd.kind() + "_grad";
    }

    @Override
    public Shape outputShape(List<Shape> in) {
      int size = 0;
      for (int i = 2; i < 5; i++) {
        size += in.get(i).size();
      }
      Shape x = in.get(1);
      return Shape.of(x.isFullyDefined() ? size + x.size() : Shape.UNKNOWN);
    }

    @Override
    public Shape workspaceShape(List<Shape> in, Shape out) {
      if (!fwd.returnState) {
        return null;
      }
      Shape x = in.get(1);
      int n = x.dim(0);
      return Shape.of(
          (fwd.returnSequences ? n * x.dim(1) * fwd.units : 0) + fwd.stateCount() * n * fwd.units);
    }

    @Override
    public void forward(Args a) {
      Views v = fwd.views(a, false);
      Tensor g = a.input(5);
      Tensor drop = dropping(v.drop);
      if (fwd.returnState) {
        fwd.unpack(v, g);
        fwd.runBackward(v.in, v.mask, drop, v.hSeq, v.ws, v.dHSeq, v.dhLast, v.dcLast, v.grads);
        return;
      }
      fwd.runBackward(
          v.in,
          v.mask,
          drop,
          v.hSeq,
          v.ws,
          fwd.returnSequences ? g : null,
          fwd.returnSequences ? null : g,
          null,
          v.grads);
    }
  }
}
