package dev.graft.tensor.support;

import dev.graft.tensor.Broadcast;
import dev.graft.tensor.Shape;

/**
 * Walks a full row-major shape row by row while tracking where two operands that broadcast to it
 * (stride 0 along stretched axes) are. Adjacent axes that move both operands alike are merged, so
 * equal shapes become one long row and a bias add becomes rows of contiguous inner loops.
 *
 * <p>One instance per thread is reused ({@link #get()}), so kernels walk without allocating. Usage:
 * {@code w = Walk.get().broadcast(...); for (r < w.rows) { ...row at w.offA/w.offB...; w.advance();
 * }}. Not reentrant: finish one walk before starting the next on the same thread.
 */
public final class Walk {
  private static final ThreadLocal<Walk> LOCAL = ThreadLocal.withInitial(Walk::new);

  private int[] dims = new int[8];
  private int[] sa = new int[8];
  private int[] sb = new int[8];
  private int[] idx = new int[8];
  private int outer;

  /** Number of rows (product of all merged axes but the innermost). */
  public int rows;

  /** Length of a row (the innermost merged axis). */
  public int inner;

  /** Stride of operand A along a row: 1 (contiguous) or 0 (stretched). */
  public int innerA;

  /** Stride of operand B along a row: 1 (contiguous) or 0 (stretched). */
  public int innerB;

  /** Offset of the current row in operand A, relative to the operand's first element. */
  public int offA;

  /** Offset of the current row in operand B, relative to the operand's first element. */
  public int offB;

  private Walk() {}

  /**
   * This thread's walk, to prepare with {@link #broadcast} or {@link #reduce}.
   *
   * @return the walk of the calling thread
   */
  public static Walk get() {
    return LOCAL.get();
  }

  /**
   * Prepares a walk over {@code full} with operands of shapes {@code a} and {@code b}.
   *
   * @param full the shape walked, which both operands broadcast to
   * @param a operand A's shape
   * @param b operand B's shape
   * @return this walk, at its first row
   */
  public Walk broadcast(Shape full, Shape a, Shape b) {
    int r = full.rank();
    ensure(r);
    for (int i = 0; i < r; i++) {
      dims[i] = full.dim(i);
      sa[i] = Broadcast.alignedDim(a, i, r);
      sb[i] = Broadcast.alignedDim(b, i, r);
    }
    return finish(r);
  }

  /**
   * Prepares a walk over {@code x} (operand A) with operand B the keep-dims result of reducing the
   * axes whose bits are set in {@code mask}.
   *
   * @param x the shape walked (operand A's)
   * @param mask bit {@code i} set when axis {@code i} is reduced
   * @return this walk, at its first row
   */
  public Walk reduce(Shape x, long mask) {
    int r = x.rank();
    ensure(r);
    for (int i = 0; i < r; i++) {
      dims[i] = x.dim(i);
      sa[i] = dims[i];
      sb[i] = (mask >>> i & 1) != 0 ? 1 : dims[i];
    }
    return finish(r);
  }

  private void ensure(int r) {
    if (dims.length < r) {
      dims = new int[r];
      sa = new int[r];
      sb = new int[r];
      idx = new int[r];
    }
  }

  /** Turns operand dims (in sa/sb) into strides, drops size-1 axes and merges axes. */
  private Walk finish(int r) {
    int strideA = 1;
    int strideB = 1;
    boolean empty = false;
    for (int i = r - 1; i >= 0; i--) {
      int da = sa[i];
      int db = sb[i];
      sa[i] = da == 1 ? 0 : strideA;
      sb[i] = db == 1 ? 0 : strideB;
      strideA *= da;
      strideB *= db;
      empty |= dims[i] == 0;
    }
    int n = 0;
    for (int i = 0; i < r; i++) {
      int d = dims[i];
      if (d == 1) {
        continue;
      }
      if (n > 0 && sa[n - 1] == sa[i] * d && sb[n - 1] == sb[i] * d) {
        dims[n - 1] *= d;
        sa[n - 1] = sa[i];
        sb[n - 1] = sb[i];
      } else {
        dims[n] = d;
        sa[n] = sa[i];
        sb[n] = sb[i];
        n++;
      }
    }
    if (n == 0) {
      dims[0] = 1;
      sa[0] = 0;
      sb[0] = 0;
      n = 1;
    }
    outer = n - 1;
    inner = empty ? 0 : dims[outer];
    innerA = sa[outer];
    innerB = sb[outer];
    int rowCount = empty ? 0 : 1;
    for (int i = 0; i < outer; i++) {
      rowCount *= dims[i];
      idx[i] = 0;
    }
    rows = rowCount;
    offA = 0;
    offB = 0;
    return this;
  }

  /** Moves to the next row. */
  public void advance() {
    for (int k = outer - 1; k >= 0; k--) {
      offA += sa[k];
      offB += sb[k];
      if (++idx[k] < dims[k]) {
        return;
      }
      offA -= sa[k] * dims[k];
      offB -= sb[k] * dims[k];
      idx[k] = 0;
    }
  }
}
