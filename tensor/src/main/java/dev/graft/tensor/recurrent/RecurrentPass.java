package dev.graft.tensor.recurrent;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;

/**
 * The arguments of one forward or backward pass of a fused recurrent kernel over a sequence, and
 * the split of its time loop over batch rows. Batch rows do not interact through time, so each
 * thread runs the whole loop for its rows and no step needs a barrier.
 *
 * <p>One instance per thread and kernel class is reused ({@code ThreadLocal}), so a pass allocates
 * nothing; {@link #clear} drops the references afterwards so no tensor is kept alive.
 */
abstract class RecurrentPass implements Parallel.RangeBody {
  /** Each thread takes at least this many batch rows: fewer do not amortise a hand-off. */
  private static final int MIN_ROWS = 4;

  String op;
  boolean backward;
  int n;
  int t;
  int in;
  int u;
  int gateCount;
  Tensor x;
  Tensor kernel;
  Tensor recurrentKernel;
  Tensor bias;
  Tensor h0;
  Tensor hSeq;
  Tensor dHSeq;
  Tensor dhLast;
  Tensor dh0;

  /**
   * Keras's step mask {@code (N, T)} or null: where it is 0 the step is skipped (the states are
   * carried over unchanged, and so is the output, as Keras's {@code zero_output_for_mask=False}).
   */
  Tensor mask;

  /**
   * Keras's {@code recurrent_dropout} masks {@code (N, G u)}, one {@code (N, u)} block per gate, or
   * null: the state entering gate {@code k}'s recurrent product is multiplied by block {@code k}
   * (as Keras 2 and Keras 3.8+ do). The masked states are kept in the workspace from offset {@link
   * #dropped}: {@code (N, T, G u)} (step {@code s}'s output times each gate's mask), the masked
   * {@code h0 (N, G u)}, then {@code (N, u)} of scratch; they feed the products and the recurrent
   * kernel's gradient.
   */
  Tensor dropState;

  int dropped;

  /** Whether step {@code s} reads time {@code T-1-s} (Keras {@code go_backwards}). */
  boolean goBackwards;

  /** The workspace array and the offsets (in it) of the per-step gates, dh scratch and Uᵀ. */
  float[] ws;

  int gates;
  int dhs;
  int uT;

  /**
   * Shapes the arguments are checked against, rebuilt only when the dimensions change so a repeated
   * call allocates nothing: {@code (N, T, u)}, {@code (N, u)}, {@code (in, G u)}, {@code (G u)},
   * {@code (2, G u)}.
   */
  Shape seqShape;

  Shape stateShape;
  Shape kernelShape;
  Shape gateShape;
  Shape doubleGateShape;
  Shape dropShape;

  /**
   * Records the step mask (null = none) after checking it is {@code (N, T)} holding 0 (skip) and 1.
   */
  void bindMask(Tensor mask, boolean goBackwards) {
    RecurrentSupport.optionalMask(op, mask, n, t, x);
    this.mask = mask;
    this.goBackwards = goBackwards;
  }

  /**
   * Records the recurrent dropout mask (null = none) after checking it is {@code (N, G u)} and that
   * the workspace holds {@link RecurrentSupport#droppedSize} floats past the kernel's {@code need}.
   */
  void bindDropState(Tensor mask, Tensor workspace, int need) {
    RecurrentSupport.optionalShape(op, "recurrentDropoutMask", mask, dropShape, x);
    if (mask != null) {
      RecurrentSupport.requireWorkspace(
          op, workspace, need + RecurrentSupport.droppedSize(n, t, u, gateCount), x);
    }
    this.dropState = mask;
    this.dropped = workspace.offset() + need;
  }

  /** Checks and records the arguments every pass has; the caller then checks the workspace. */
  void bindCommon(
      String op, Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor workspace, int gateCount) {
    this.op = op;
    RecurrentSupport.requireSequence(op, x);
    this.u = RecurrentSupport.units(op, recurrentKernel, gateCount);
    this.n = x.shape().dim(0);
    this.t = x.shape().dim(1);
    this.in = x.shape().dim(2);
    int g = gateCount * u;
    if (seqShape == null
        || seqShape.dim(0) != n
        || seqShape.dim(1) != t
        || seqShape.dim(2) != u
        || kernelShape.dim(0) != in
        || kernelShape.dim(1) != g
        || dropShape.dim(0) != n) {
      seqShape = Shape.of(n, t, u);
      stateShape = Shape.of(n, u);
      kernelShape = Shape.of(in, g);
      gateShape = Shape.of(g);
      doubleGateShape = Shape.of(2, g);
      dropShape = Shape.of(n, g);
    }
    this.gateCount = gateCount;
    RecurrentSupport.requireShape(op, "kernel", kernel, kernelShape, x);
    RecurrentSupport.requireNonNull(op, "workspace", workspace);
    this.x = x;
    this.kernel = kernel;
    this.recurrentKernel = recurrentKernel;
    this.ws = workspace.array();
    this.gates = workspace.offset();
  }

  /** Drops every tensor reference. */
  void clear() {
    x = null;
    kernel = null;
    recurrentKernel = null;
    bias = null;
    h0 = null;
    hSeq = null;
    dHSeq = null;
    dhLast = null;
    dh0 = null;
    mask = null;
    dropState = null;
    ws = null;
  }

  /**
   * Whether step {@code s} of row {@code r} is masked. Step {@code s} reads time {@code T-1-s} when
   * the input projection was reversed ({@code go_backwards}), so the mask is read at that time too,
   * as Keras reverses the mask with the inputs.
   */
  boolean masked(int r, int s) {
    if (mask == null) {
      return false;
    }
    int ts = goBackwards ? t - 1 - s : s;
    return mask.array()[mask.offset() + r * t + ts] == 0f;
  }

  /**
   * The first row in {@code [r0, r1)} not masked at step {@code s} ({@code r1} if all are): with
   * {@link #lastActive}, the rows a step's products need, so padding at the ends of a batch (the
   * shape of sorted or bucketed sequences) costs no product at all, as PyTorch's packed sequences.
   */
  int firstActive(int s, int r0, int r1) {
    int a = r0;
    while (a < r1 && masked(a, s)) {
      a++;
    }
    return a;
  }

  /** One past the last row in {@code [a, r1)} not masked at step {@code s}. */
  int lastActive(int s, int a, int r1) {
    int b = r1;
    while (b > a && masked(b - 1, s)) {
      b--;
    }
    return b;
  }

  /**
   * Row {@code r}'s carried state: copies the state before step {@code s} (zeros if none) into
   * {@code dst}: a masked step's output.
   */
  void carryState(int s, int r, float[] dst, int at) {
    float[] hp = prevArray(s);
    if (hp == null) {
      java.util.Arrays.fill(dst, at, at + u, 0f);
    } else {
      System.arraycopy(hp, prevOffset(s, r), dst, at, u);
    }
  }

  /** Runs {@link #forwardRows} or {@link #backwardRows} over all batch rows, split over threads. */
  void run() {
    Parallel.forRange(n, MIN_ROWS, this);
  }

  @Override
  public void run(int from, int to) {
    if (backward) {
      backwardRows(from, to);
    } else {
      forwardRows(from, to);
    }
  }

  abstract void forwardRows(int r0, int r1);

  abstract void backwardRows(int r0, int r1);

  /**
   * {@code C(rows r0..r1) += hPrev(s) U[:, col : col + cols]}, where {@code hPrev(s)} is the state
   * before step {@code s} ({@code hSeq[:, s-1]}, or {@code h0}; nothing to add when that is zero).
   * With recurrent dropout each gate's block of {@code u} columns reads that gate's masked state
   * ({@code col} and {@code cols} are then whole gate blocks).
   */
  void recurrentProduct(int s, int r0, int r1, int col, int cols, float[] c, int cOff, int ldc) {
    float[] a = productArray(s);
    if (a == null) {
      return;
    }
    int aOff = productOffset(s, r0);
    int ldb = gateCount * u;
    if (dropState == null) {
      RecurrentSupport.stepProduct(
          r1 - r0,
          cols,
          u,
          a,
          aOff,
          s > 0 ? t * u : u,
          recurrentKernel.array(),
          recurrentKernel.offset() + col,
          ldb,
          c,
          cOff,
          ldc);
      return;
    }
    for (int k = col / u; k < (col + cols) / u; k++) {
      RecurrentSupport.stepProduct(
          r1 - r0,
          u,
          u,
          a,
          aOff + k * u,
          productLd(s),
          recurrentKernel.array(),
          recurrentKernel.offset() + k * u,
          ldb,
          c,
          cOff + k * u - col,
          ldc);
    }
  }

  /**
   * The array holding the state that step {@code s}'s recurrent product reads (the state before it;
   * with recurrent dropout, its masked copies, one per gate side by side); null when it is zero.
   */
  float[] productArray(int s) {
    if (dropState == null) {
      return prevArray(s);
    }
    return s > 0 || h0 != null ? ws : null;
  }

  /**
   * The offset of row {@code r}'s state in {@link #productArray} (with recurrent dropout, of gate
   * 0's copy: gate {@code k}'s is {@code k u} further).
   */
  int productOffset(int s, int r) {
    if (dropState == null) {
      return prevOffset(s, r);
    }
    int gu = gateCount * u;
    return s > 0 ? dropped + (r * t + s - 1) * gu : dropped + n * t * gu + r * gu;
  }

  /**
   * With recurrent dropout, the distance between rows of {@link #productArray} at step {@code s}.
   */
  int productLd(int s) {
    return s > 0 ? t * gateCount * u : gateCount * u;
  }

  /** The offset of the masked initial state (gate 0's copy of row 0). */
  int droppedInitial() {
    return dropped + n * t * gateCount * u;
  }

  /** The offset of the {@code (N, u)} scratch of {@link #droppedStateGradient}. */
  private int droppedScratch() {
    return dropped + (n * t + n) * gateCount * u;
  }

  /** {@code ws[d + k u + j] = h[ho + j] * mask[r, k u + j]} for every gate {@code k}. */
  private void maskCopies(int r, float[] h, int ho, int d) {
    float[] m = dropState.array();
    int gu = gateCount * u;
    int mo = dropState.offset() + r * gu;
    for (int k = 0; k < gu; k += u) {
      for (int j = 0; j < u; j++) {
        ws[d + k + j] = h[ho + j] * m[mo + k + j];
      }
    }
  }

  /**
   * With recurrent dropout, rows r0..r1 of the masked initial state: {@code h0} times each gate's
   * mask (nothing when either is absent). Call before the forward loop.
   */
  void dropInitial(int r0, int r1) {
    if (dropState == null || h0 == null) {
      return;
    }
    for (int r = r0; r < r1; r++) {
      maskCopies(r, h0.array(), h0.offset() + r * u, droppedInitial() + r * gateCount * u);
    }
  }

  /** With recurrent dropout, the masked copies of row {@code r}'s output at step {@code s}. */
  void dropOutput(int r, int s) {
    if (dropState != null) {
      int row = r * t + s;
      maskCopies(r, hSeq.array(), hSeq.offset() + row * u, dropped + row * gateCount * u);
    }
  }

  /**
   * {@code ws[to + r u ..] += mask_k[r] * ws[from + r u ..]} for the rows of {@code [r0, r1)} not
   * masked at step {@code s} (a masked step's state gradient passes through unchanged): the
   * gradient reaching the state through gate {@code k}'s product of its masked state.
   */
  void dropGradient(int s, int r0, int r1, int from, int to, int k) {
    float[] m = dropState.array();
    for (int r = r0; r < r1; r++) {
      if (masked(r, s)) {
        continue;
      }
      int mo = dropState.offset() + r * gateCount * u + k * u;
      int f = from + r * u;
      int d = to + r * u;
      for (int j = 0; j < u; j++) {
        ws[d + j] += m[mo + j] * ws[f + j];
      }
    }
  }

  /**
   * With recurrent dropout, adds gate {@code k}'s share of the state gradient to the carry at
   * {@link #dhs}: {@code mask_k * (dz_k U_kᵀ)} for rows r0..r1, where {@code dz_k} (rows {@code
   * ldz} apart from {@code dzOff}, row r0's) is the gate's pre-activation gradient and {@code uTk}
   * the offset of {@code U_kᵀ} ({@code u x u}) in the workspace.
   */
  void droppedStateGradient(int s, int r0, int r1, int dzOff, int ldz, int uTk, int k) {
    int acc = droppedScratch();
    java.util.Arrays.fill(ws, acc + r0 * u, acc + r1 * u, 0f);
    RecurrentSupport.stepProduct(r1 - r0, u, u, ws, dzOff, ldz, ws, uTk, u, ws, acc + r0 * u, u);
    dropGradient(s, r0, r1, acc, dhs, k);
  }

  /**
   * With recurrent dropout, {@code dU[:, k u : (k + 1) u] = sum hm_kᵀ dz_k} for each gate {@code k}
   * in {@code [k0, k1)}: the products' states are the masked copies. {@code dz} rows are {@code
   * ldz} apart from {@code dzOff}; gate {@code k}'s columns start {@code (k - k0) u} further.
   */
  void droppedWeightGrad(int k0, int k1, int dzOff, int ldz, float[] du, int duOff, int ldu) {
    int gu = gateCount * u;
    for (int k = k0; k < k1; k++) {
      RecurrentSupport.recurrentWeightGrad(
          n,
          t,
          u,
          u,
          ws,
          dropped + k * u,
          gu,
          h0 == null ? null : ws,
          droppedInitial() + k * u,
          ws,
          dzOff + (k - k0) * u,
          ldz,
          du,
          duOff + k * u,
          ldu);
    }
  }

  /** The array holding the state before step {@code s} of row {@code r}; null when it is zero. */
  float[] prevArray(int s) {
    return s > 0 ? hSeq.array() : h0 == null ? null : h0.array();
  }

  /** The offset of the state before step {@code s} of row {@code r} in {@link #prevArray}. */
  int prevOffset(int s, int r) {
    return s > 0 ? hSeq.offset() + (r * t + s - 1) * u : h0 == null ? 0 : h0.offset() + r * u;
  }

  /** Rows r0..r1 of the workspace state at {@code dst} = {@code src} (zeros when null). */
  void initState(Tensor src, int dst, int r0, int r1) {
    if (src == null) {
      java.util.Arrays.fill(ws, dst + r0 * u, dst + r1 * u, 0f);
    } else {
      System.arraycopy(src.array(), src.offset() + r0 * u, ws, dst + r0 * u, (r1 - r0) * u);
    }
  }

  /** Rows r0..r1 of {@code dst} (if not null) = the workspace state at {@code src}. */
  void copyState(int src, Tensor dst, int r0, int r1) {
    if (dst != null) {
      System.arraycopy(ws, src + r0 * u, dst.array(), dst.offset() + r0 * u, (r1 - r0) * u);
    }
  }
}
