package dev.graft.tensor.products;

/**
 * Operands packed for the Vector API product kernel, which reads B row-major with contiguous
 * columns: a transposed B copied into a buffer of the calling thread, kept and grown per slot so
 * that steady-state calls allocate nothing. The slots keep the callers apart: a product packs A and
 * B at once, and a batched product's worker may pack while its caller's buffer is being read.
 */
final class Packing {
  /** Slot of {@link SmallProducts}'s A. */
  static final int SMALL_A = 0;

  /** Slot of {@link SmallProducts}'s B. */
  static final int SMALL_B = 1;

  /** Slot of {@link RowProducts}'s B (read by every worker while the caller packs nothing). */
  static final int ROWS_B = 2;

  /** Slot of {@link ShallowProducts#wide}'s panels. */
  static final int PANEL = 3;

  /** Slot of {@link BlockedProducts}'s panels of B. */
  static final int BLOCK_B = 4;

  /** Slot of {@link ShallowProducts#wide}'s transposed A (read by every worker). */
  static final int WIDE_A = 5;

  private static final ThreadLocal<float[][]> BUFFERS =
      ThreadLocal.withInitial(() -> new float[6][0]);

  private Packing() {}

  /** This thread's buffer of {@code slot}, at least {@code size} floats (contents undefined). */
  static float[] buffer(int slot, int size) {
    float[][] held = BUFFERS.get();
    if (held[slot].length < size) {
      held[slot] = new float[size];
    }
    return held[slot];
  }

  /**
   * {@code into[q*rows + j] = b[bOff + j*ldb + q]}: rows {@code 0..rows-1} of B (each {@code k}
   * long, {@code ldb} apart) as the columns of a dense {@code k x rows} matrix.
   */
  static void transpose(float[] b, int bOff, int ldb, int rows, int k, float[] into) {
    transpose(b, bOff, ldb, rows, k, into, 0, rows);
  }

  /**
   * {@code into[intoOff + q*ldInto + j] = b[bOff + j*ldb + q]} for {@code j < rows, q < k}: the
   * transpose into a matrix whose rows are {@code ldInto} apart.
   */
  static void transpose(
      float[] b, int bOff, int ldb, int rows, int k, float[] into, int intoOff, int ldInto) {
    for (int j = 0; j < rows; j++) {
      int row = bOff + j * ldb;
      for (int q = 0; q < k; q++) {
        into[intoOff + q * ldInto + j] = b[row + q];
      }
    }
  }
}
