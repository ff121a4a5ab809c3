package dev.graft.tensor.recurrent;

import static dev.graft.tensor.recurrent.RecurrentSupport.tanhInPlace;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;
import dev.graft.tensor.products.ProductKernels;
import dev.graft.tensor.products.ProductVector;

/**
 * The LSTM forward pass when no backward pass follows ({@link Lstm#infer}): nothing is saved, so
 * each thread may keep its batch rows' states unit-major, {@code (u, rows)}, in scratch of its own.
 * One product per step, {@code [W; U; b]ᵀ [x_t; h_{t-1}; 1]}, then gives every gate as one
 * contiguous block, and the gate activations and cell updates run as a few long loops per step
 * instead of several 64-float loops per batch row, where loop set-up costs more than the math (the
 * cell math alone took 4.3 of the 10.5 ms of {@link Lstm#forward} on the seed's LSTM(64), batch 32,
 * 200 steps, one thread). Measured there: 9.1 ms against 10.2–11.0 ms at one thread, 5.7 against
 * 8.2 ms at two.
 */
final class LstmInference implements Parallel.RangeBody {
  private static final ThreadLocal<LstmInference> CALLS =
      ThreadLocal.withInitial(LstmInference::new);
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[6][0]);

  /** Each thread takes at least this many batch rows. */
  private static final int MIN_ROWS = 4;

  private Tensor x;
  private Tensor h0;
  private Tensor c0;
  private Tensor hSeq;
  private Tensor hLast;
  private Tensor cLast;
  private Tensor mask;
  private GateActivation gate;
  private boolean goBackwards;
  private int t;
  private int in;
  private int u;
  private int k1;
  private float[] weights;
  private Blas blas;

  static void run(
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
    LstmInference call = CALLS.get();
    int n = x.shape().dim(0);
    call.t = x.shape().dim(1);
    call.in = x.shape().dim(2);
    call.u = recurrentKernel.shape().dim(0);
    int g = 4 * call.u;
    call.k1 = call.in + call.u + 1;
    // [W; U; b], (in + u + 1) x 4u, read by every thread.
    float[] w = scratch(0, call.k1 * g);
    System.arraycopy(kernel.array(), kernel.offset(), w, 0, call.in * g);
    System.arraycopy(recurrentKernel.array(), recurrentKernel.offset(), w, call.in * g, call.u * g);
    if (bias == null) {
      java.util.Arrays.fill(w, (call.k1 - 1) * g, call.k1 * g, 0f);
    } else {
      System.arraycopy(bias.array(), bias.offset(), w, (call.k1 - 1) * g, g);
    }
    call.weights = w;
    call.x = x;
    call.h0 = h0;
    call.c0 = c0;
    call.hSeq = hSeq;
    call.hLast = hLast;
    call.cLast = cLast;
    call.mask = mask;
    call.gate = gate;
    call.goBackwards = goBackwards;
    call.blas = Blas.current().singleThreaded();
    try {
      Parallel.forRange(n, MIN_ROWS, call);
    } finally {
      call.x = null;
      call.h0 = null;
      call.c0 = null;
      call.hSeq = null;
      call.hLast = null;
      call.cLast = null;
      call.mask = null;
      call.weights = null;
    }
  }

  @Override
  public void run(int r0, int r1) {
    int nb = r1 - r0;
    int g = 4 * u;
    // The bit-identical twin until the vector kernels are compiled, not BLAS, even unseeded: a
    // prediction then does not change when they switch, and BLAS (one JNI call a time step) was no
    // faster on a fresh JVM's first predictions (measured on seed models 1 and 2).
    ProductKernels gates = ProductVector.suitsGates(g) ? ProductVector.forProducts() : null;
    int cells = u * nb;
    // xh: [x_t; h_{t-1}; 1] as (k1, nb); z: the gates (4u, nb); c and its tanh, h: (u, nb).
    float[] xh = scratch(1, k1 * nb);
    float[] z = scratch(2, g * nb);
    float[] c = scratch(3, 2 * cells);
    float[] h = scratch(4, cells);
    float[] kept = mask == null ? null : scratch(5, cells);
    java.util.Arrays.fill(xh, (k1 - 1) * nb, k1 * nb, 1f);
    transposeIn(h0, r0, nb, xh, in * nb);
    transposeIn(c0, r0, nb, c, 0);
    for (int s = 0; s < t; s++) {
      step(s, r0, nb, gates, xh, z, c, h, kept);
    }
    transposeOut(h, r0, nb, hLast);
    transposeOut(c, r0, nb, cLast);
  }

  /**
   * Time step {@code s} of rows r0..r0+nb. A method of its own, not the body of {@link #run(int,
   * int)}'s loop: a call runs all 200 steps of the seed's LSTM in one invocation, so the JIT would
   * compile that loop on-stack, once for each inner loop that got hot first (three compilations of
   * about 100 ms each in seed model 1's first predictions, while the one optimising compiler thread
   * held back every other kernel); a step is called often enough to be compiled once. Its own loops
   * are small methods for the same reason: inline, they had the step compiled on-stack twice before
   * its normal compilation (one run: 53 and 22 ms, then 199 ms).
   */
  private void step(
      int s,
      int r0,
      int nb,
      ProductKernels gates,
      float[] xh,
      float[] z,
      float[] c,
      float[] h,
      float[] kept) {
    int g = 4 * u;
    int cells = u * nb;
    int ts = goBackwards ? t - 1 - s : s;
    gatherInputs(ts, r0, nb, xh);
    if (gates != null) {
      gates.productTransA(g, nb, k1, weights, xh, z);
    } else {
      blas.sgemm(true, false, g, nb, k1, 1f, weights, 0, g, xh, 0, nb, 0f, z, 0, nb);
    }
    // Gate blocks in Keras order: i, f (sigmoid), g (tanh), o (sigmoid).
    gate.applyInPlace(z, 0, 2 * cells);
    tanhInPlace(z, 2 * cells, 3 * cells);
    gate.applyInPlace(z, 3 * cells, 4 * cells);
    boolean anyMasked = anyMasked(r0, nb, ts);
    if (anyMasked) {
      System.arraycopy(c, 0, kept, 0, cells);
    }
    updateCells(z, c, cells);
    System.arraycopy(c, 0, c, cells, cells);
    tanhInPlace(c, cells, 2 * cells);
    hiddenStates(z, c, h, cells);
    if (anyMasked) {
      carryMasked(r0, nb, ts, kept, c, xh, h);
    }
    System.arraycopy(h, 0, xh, in * nb, cells);
    scatterOutputs(s, r0, nb, h);
  }

  /** {@code x_t} of rows r0.. into the unit-major top rows of {@code xh}. */
  private void gatherInputs(int ts, int r0, int nb, float[] xh) {
    float[] xs = x.array();
    for (int b = 0; b < nb; b++) {
      int from = x.offset() + ((r0 + b) * t + ts) * in;
      for (int f = 0; f < in; f++) {
        xh[f * nb + b] = xs[from + f];
      }
    }
  }

  /** {@code c = f * c + i * g}, over the first {@code cells} of {@code c}. */
  private static void updateCells(float[] z, float[] c, int cells) {
    for (int q = 0; q < cells; q++) {
      c[q] = z[cells + q] * c[q] + z[q] * z[2 * cells + q];
    }
  }

  /** {@code h = o * tanh(c)}, the tanh in the second {@code cells} of {@code c}. */
  private static void hiddenStates(float[] z, float[] c, float[] h, int cells) {
    for (int q = 0; q < cells; q++) {
      h[q] = z[3 * cells + q] * c[cells + q];
    }
  }

  /** The unit-major {@code h} of rows r0.. into step {@code s} of the batch-major sequence. */
  private void scatterOutputs(int s, int r0, int nb, float[] h) {
    float[] out = hSeq.array();
    for (int b = 0; b < nb; b++) {
      int to = hSeq.offset() + ((r0 + b) * t + s) * u;
      for (int j = 0; j < u; j++) {
        out[to + j] = h[j * nb + b];
      }
    }
  }

  /** Whether any of rows r0..r0+nb is masked at time {@code ts}. */
  private boolean anyMasked(int r0, int nb, int ts) {
    if (mask == null) {
      return false;
    }
    float[] m = mask.array();
    for (int b = 0; b < nb; b++) {
      if (m[mask.offset() + (r0 + b) * t + ts] == 0f) {
        return true;
      }
    }
    return false;
  }

  /**
   * Masked rows keep their states: {@code c} from {@code kept} (saved before the update), {@code h}
   * from the previous state still in {@code xh}.
   */
  private void carryMasked(int r0, int nb, int ts, float[] kept, float[] c, float[] xh, float[] h) {
    float[] m = mask.array();
    for (int b = 0; b < nb; b++) {
      if (m[mask.offset() + (r0 + b) * t + ts] == 0f) {
        for (int j = 0; j < u; j++) {
          c[j * nb + b] = kept[j * nb + b];
          h[j * nb + b] = xh[in * nb + j * nb + b];
        }
      }
    }
  }

  /**
   * Rows r0.. of a batch-major (N, u) state into unit-major scratch at {@code at}; zeros if null.
   */
  private void transposeIn(Tensor state, int r0, int nb, float[] dst, int at) {
    if (state == null) {
      java.util.Arrays.fill(dst, at, at + u * nb, 0f);
      return;
    }
    float[] a = state.array();
    for (int b = 0; b < nb; b++) {
      for (int j = 0; j < u; j++) {
        dst[at + j * nb + b] = a[state.offset() + (r0 + b) * u + j];
      }
    }
  }

  /** Unit-major scratch back into rows r0.. of a batch-major (N, u) state, if not null. */
  private void transposeOut(float[] src, int r0, int nb, Tensor state) {
    if (state == null) {
      return;
    }
    float[] a = state.array();
    for (int b = 0; b < nb; b++) {
      for (int j = 0; j < u; j++) {
        a[state.offset() + (r0 + b) * u + j] = src[j * nb + b];
      }
    }
  }

  private static float[] scratch(int slot, int len) {
    float[][] s = SCRATCH.get();
    if (s[slot].length < len) {
      s[slot] = new float[len];
    }
    return s[slot];
  }
}
