package dev.graft.tensor;

/**
 * When {@link Lstm}'s training pass runs its cell math on the Vector API ({@link
 * RecurrentKernels}): when the kernels load (see {@link VectorSupport}) and the unit count is a
 * multiple of the vector width. One fused loop per row then replaces the seven short loops of the
 * scalar cell, whose set-up dominated at 64 units.
 */
final class RecurrentVector {
  private RecurrentVector() {}

  /** The kernels, or null without the module. */
  static final RecurrentKernels KERNELS =
      VectorSupport.load("VectorRecurrent", RecurrentKernels.class);

  private static volatile boolean enabled = KERNELS != null && VectorSupport.WANTED;

  /** Whether a layer of {@code units} takes the vector cell. */
  static boolean suits(int units) {
    return enabled && units % KERNELS.lanes() == 0;
  }

  /** Turns the kernels on or off (tests compare both paths); on needs the module. */
  static void enable(boolean on) {
    enabled = on && KERNELS != null;
  }
}
