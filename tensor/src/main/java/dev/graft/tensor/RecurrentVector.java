package dev.graft.tensor;

/**
 * When the recurrent kernels run on the Vector API ({@link RecurrentKernels}): when the kernels
 * load (see {@link VectorSupport}) and the sizes are multiples of the vector width. For {@link
 * Lstm}'s training pass, one fused loop per row then replaces the seven short loops of the scalar
 * cell, whose set-up dominated at 64 units; the per-step products skip JNI and OpenBLAS's packing.
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

  /** Whether a per-step product {@code C += A·B} with {@code n} columns takes the vector kernel. */
  static boolean suitsProduct(int n) {
    return enabled && n % (2 * KERNELS.lanes()) == 0;
  }

  /**
   * Whether the inference kernel's gates product (m gates, n batch rows) takes the vector kernel.
   */
  static boolean suitsGates(int m, int n) {
    return enabled && m % 4 == 0 && n % KERNELS.lanes() == 0;
  }

  /** Turns the kernels on or off (tests compare both paths); on needs the module. */
  static void enable(boolean on) {
    enabled = on && KERNELS != null;
  }
}
