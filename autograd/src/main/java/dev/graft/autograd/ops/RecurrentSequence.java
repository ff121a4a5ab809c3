package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;

/**
 * Base of the fused recurrent ops (LSTM, GRU) over a whole sequence {@code x (N, T, in)} with
 * weights {@code (kernel, recurrent kernel, bias)}: the output is every step's hidden state {@code
 * (N, T, u)} or, without {@code returnSequences}, the last {@code (N, u)}. What backward needs is
 * kept in the workspace; one backward node computes all four gradients into a packed buffer {@code
 * [dKernel | dRecurrentKernel | dBias | dx]} that {@link Part}s unpack.
 */
public abstract class RecurrentSequence extends Op {
  /** Hidden units. */
  protected final int units;

  /** Whether the output has every step. */
  protected final boolean returnSequences;

  /** Whether the sequence is read from the end (Keras {@code go_backwards}). */
  protected final boolean goBackwards;

  RecurrentSequence(int units, boolean returnSequences, boolean goBackwards) {
    this.units = units;
    this.returnSequences = returnSequences;
    this.goBackwards = goBackwards;
  }

  /** Gates per unit (4 for LSTM, 3 for GRU). */
  abstract int gates();

  /** The kernel's workspace size. */
  abstract int kernelWorkspace(int batch, int time);

  /** The expected bias shape. */
  abstract Shape biasShape();

  /** Runs the forward kernel. */
  abstract void runForward(Tensor[] in, Tensor hSeq, Tensor hLast, Tensor ws);

  /** Runs the backward kernel. */
  abstract void runBackward(
      Tensor[] in, Tensor hSeq, Tensor ws, Tensor dHSeq, Tensor dhLast, Tensor[] grads);

  @Override
  public String attributes() {
    return "units="
        + units
        + (returnSequences ? ", sequences" : "")
        + (goBackwards ? ", back" : "");
  }

  @Override
  public Shape outputShape(List<Shape> in) {
    Shapes.arity(kind(), in, 4);
    Shape x = in.get(0);
    int g = gates() * units;
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
    return returnSequences ? Shape.of(x.dim(0), x.dim(1), units) : Shape.of(x.dim(0), units);
  }

  @Override
  public Shape workspaceShape(List<Shape> in, Shape out) {
    Shape x = in.get(0);
    int n = x.dim(0);
    int t = x.dim(1);
    return Shape.of(kernelWorkspace(n, t) + (returnSequences ? 0 : n * t * units));
  }

  /** Views into one node's buffers, made on the first run. */
  private static final class Views {
    Tensor[] in;
    Tensor hSeq;
    Tensor ws;
    Tensor[] grads;
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
    int kw = kernelWorkspace(n, t);
    v.ws = Tensor.wrap(ws.array(), ws.offset(), Shape.of(kw));
    v.hSeq =
        returnSequences ? out : Tensor.wrap(ws.array(), ws.offset() + kw, Shape.of(n, t, units));
    int base = forwardNode ? 0 : 1;
    v.in = new Tensor[4];
    for (int i = 0; i < 4; i++) {
      v.in[i] = a.input(base + i);
    }
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
    runForward(v.in, v.hSeq, returnSequences ? null : a.output(), v.ws);
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Node x = self.input(0);
    Node w = self.input(1);
    Node u = self.input(2);
    Node b = self.input(3);
    Node packed = self.graph().apply(new Grad(this), self, x, w, u, b, g);
    int ow = 0;
    int ou = ow + w.shape().size();
    int ob = ou + u.shape().size();
    int ox = ob + b.shape().size();
    return List.of(
        Part.of(packed, ox, x.shape()),
        Part.of(packed, ow, w.shape()),
        Part.of(packed, ou, u.shape()),
        Part.of(packed, ob, b.shape()));
  }

  /** All four gradients, packed; inputs {@code (forward node, x, W, U, b, dOut)}. */
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
    public void forward(Args a) {
      Views v = fwd.views(a, false);
      Tensor g = a.input(5);
      fwd.runBackward(
          v.in,
          v.hSeq,
          v.ws,
          fwd.returnSequences ? g : null,
          fwd.returnSequences ? null : g,
          v.grads);
    }
  }
}
