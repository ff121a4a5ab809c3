package dev.graft.tensor.recurrent;

import dev.graft.tensor.support.Exercise;
import dev.graft.tensor.support.JitWarmup;
import dev.graft.tensor.support.VectorSupport;

/**
 * When {@link Lstm}'s training pass runs its cell math on the Vector API ({@link
 * RecurrentKernels}): when the kernels load (see {@link VectorSupport}) and the unit count is a
 * multiple of the vector width. One fused loop per row then replaces the seven short loops of the
 * scalar cell, whose set-up dominated at 64 units.
 */
final class RecurrentVector {
  private RecurrentVector() {}

  /** The vector kernels, or null without the module. */
  private static final RecurrentKernels KERNELS =
      VectorSupport.load("VectorRecurrent", RecurrentKernels.class);

  private static volatile boolean enabled = KERNELS != null && VectorSupport.WANTED;

  private static final JitWarmup<RecurrentKernels> WARMUP =
      KERNELS == null
          ? null
          : new JitWarmup<>(
              "VectorRecurrent",
              KERNELS,
              new ScalarRecurrent(KERNELS.lanes()),
              RecurrentVector::exercise,
              JitWarmup.RANK_RECURRENT);

  /** Whether the JVM has the module the vector kernels need. */
  static boolean present() {
    return KERNELS != null;
  }

  /** The kernels or, while the JIT compiles them, their plain-Java twin (see {@link JitWarmup}). */
  static RecurrentKernels kernels() {
    return WARMUP.get();
  }

  /**
   * A cell forward and backward over {@code lanes} units, with and without a previous cell state
   * and an incoming state gradient.
   */
  private static void exercise(RecurrentKernels k) {
    int u = Problem.UNITS;
    float[] z = Problem.Z;
    float[] ws = Problem.WS;
    System.arraycopy(Exercise.X, 0, z, 0, 4 * u);
    k.forward(z, 0, null, 0, ws, 0, ws, u, ws, 2 * u, u);
    System.arraycopy(Exercise.X, 1, z, 0, 4 * u);
    k.forward(z, 0, ws, 0, ws, 0, ws, u, ws, 2 * u, u);
    System.arraycopy(z, 0, ws, 3 * u, 4 * u);
    k.backward(ws, 3 * u, u, null, 0, 0, 2 * u, null, 0, u);
    k.backward(ws, 3 * u, u, Exercise.X, 0, 0, 2 * u, Exercise.X, 5, u);
  }

  /** The exercise's arrays, made once (only the warm-up thread uses them). */
  private static final class Problem {
    static final int UNITS = KERNELS.lanes();
    static final float[] Z = new float[4 * UNITS];
    static final float[] WS = new float[7 * UNITS];
  }

  /** Whether a layer of {@code units} takes the vector cell. */
  static boolean suits(int units) {
    return enabled && units % KERNELS.lanes() == 0;
  }

  /** Turns the kernels on or off (tests compare both paths); on needs the module. */
  static void enable(boolean on) {
    enabled = on && KERNELS != null;
  }
}
