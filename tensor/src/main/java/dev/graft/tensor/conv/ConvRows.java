package dev.graft.tensor.conv;

import dev.graft.tensor.Tensor;
import java.util.Arrays;

/**
 * Building blocks of {@link Conv2d}, one output row at a time: the transposed im2col matrix of a
 * row, its inverse scatter, and a small matrix product whose inner loop runs along contiguous
 * memory so the JIT vectorises it. A row's matrices are a few kilobytes and stay in L1 cache.
 */
final class ConvRows {
  private ConvRows() {}

  /**
   * {@link #im2colT} for the consecutive output rows {@code [r0, r1)} (row = n * OH + oh, so a
   * block may span images), side by side: row r fills columns {@code [(r - r0) * OW, ...)}.
   */
  static void im2colRows(Tensor x, ConvGeometry g, int r0, int r1, float[][] cols) {
    for (int r = r0; r < r1; r++) {
      int n = r / g.outH();
      im2colT(x, g, n, r - n * g.outH(), cols, (r - r0) * g.outW());
    }
  }

  /**
   * Fills {@code cols} (K rows of at least OW floats, K = kh*kw*Cin in HWC order) with the windows
   * of output row (n, oh): {@code cols[k][ow]} is the input value under tap k of output pixel ow,
   * zero in the padding. Writes columns {@code [off, off + OW)}, so several rows can share cols.
   */
  static void im2colT(Tensor x, ConvGeometry g, int n, int oh, float[][] cols, int off) {
    int cin = g.channels();
    int ow = g.outW();
    float[] a = x.array();
    int img = x.offset() + n * g.inH() * g.inW() * cin;
    int h0 = oh * g.strideH() - g.padTop();
    int rowK = g.kw() * cin;
    for (int i = 0; i < g.kh(); i++) {
      int ih = h0 + i * g.dilationH();
      if (ih < 0 || ih >= g.inH()) {
        for (int r = i * rowK; r < (i + 1) * rowK; r++) {
          Arrays.fill(cols[r], off, off + ow, 0f);
        }
        continue;
      }
      int rowBase = img + ih * g.inW() * cin;
      for (int j = 0; j < g.kw(); j++) {
        int kBase = i * rowK + j * cin;
        int w0 = j * g.dilationW() - g.padLeft();
        int sw = g.strideW();
        int lo = insideFrom(w0, sw, ow);
        int hi = insideTo(w0, sw, ow, g.inW(), lo);
        int step = sw * cin;
        for (int ci = 0; ci < cin; ci++) {
          float[] col = cols[kBase + ci];
          Arrays.fill(col, off, off + lo, 0f);
          for (int c = lo, src = rowBase + ci + (lo * sw + w0) * cin; c < hi; c++, src += step) {
            col[off + c] = a[src];
          }
          Arrays.fill(col, off + hi, off + ow, 0f);
        }
      }
    }
  }

  /** The first output column c whose input column c*sw + w0 is not left of the image. */
  private static int insideFrom(int w0, int sw, int ow) {
    return Math.min(ow, Math.max(0, -Math.floorDiv(w0, sw)));
  }

  /** One past the last output column whose input column c*sw + w0 is inside the image. */
  private static int insideTo(int w0, int sw, int ow, int inW, int from) {
    return Math.max(from, Math.min(ow, -Math.floorDiv(w0 - inW, sw)));
  }

  /**
   * Adds {@code dcols} (K rows of OW floats, the layout of {@link #im2colT}) into the in-range
   * input positions of output row (n, oh) of {@code dx}, reading columns {@code [off, off + OW)}.
   */
  static void col2imAdd(float[][] dcols, int off, ConvGeometry g, int n, int oh, Tensor dx) {
    int cin = g.channels();
    float[] a = dx.array();
    int img = dx.offset() + n * g.inH() * g.inW() * cin;
    int h0 = oh * g.strideH() - g.padTop();
    int rowK = g.kw() * cin;
    for (int i = 0; i < g.kh(); i++) {
      int ih = h0 + i * g.dilationH();
      if (ih < 0 || ih >= g.inH()) {
        continue;
      }
      int rowBase = img + ih * g.inW() * cin;
      for (int j = 0; j < g.kw(); j++) {
        int kBase = i * rowK + j * cin;
        int w0 = j * g.dilationW() - g.padLeft();
        int sw = g.strideW();
        int lo = insideFrom(w0, sw, g.outW());
        int hi = insideTo(w0, sw, g.outW(), g.inW(), lo);
        int step = sw * cin;
        for (int ci = 0; ci < cin; ci++) {
          float[] col = dcols[kBase + ci];
          for (int c = lo, dst = rowBase + ci + (lo * sw + w0) * cin; c < hi; c++, dst += step) {
            a[dst] += col[off + c];
          }
        }
      }
    }
  }

  /**
   * {@code c[j] += sum_{t < count} a[aOff + t*aStride] * b[bFrom + t][j]} for {@code j < n}: a row
   * of a small matrix product. Four terms are fused per pass, which quarters the loads and stores
   * of {@code c}. All vector operands are separate, zero-offset arrays on purpose: the JDK 17 JIT
   * vectorises {@code c[j] += x * b0[j] + ...} only when every access is indexed by the bare loop
   * counter (measured: ~22 GFLOP/s per core against ~6 with offsets into one array).
   */
  static void rowMac(
      float[] c, int n, float[][] b, int bFrom, int count, float[] a, int aOff, int aStride) {
    int t = 0;
    for (; t + 4 <= count; t += 4) {
      int ap = aOff + t * aStride;
      float a0 = a[ap];
      float a1 = a[ap + aStride];
      float a2 = a[ap + 2 * aStride];
      float a3 = a[ap + 3 * aStride];
      float[] b0 = b[bFrom + t];
      float[] b1 = b[bFrom + t + 1];
      float[] b2 = b[bFrom + t + 2];
      float[] b3 = b[bFrom + t + 3];
      for (int j = 0; j < n; j++) {
        c[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
      }
    }
    for (; t < count; t++) {
      float a0 = a[aOff + t * aStride];
      float[] b0 = b[bFrom + t];
      for (int j = 0; j < n; j++) {
        c[j] += a0 * b0[j];
      }
    }
  }

  /**
   * Two rows at once: {@code c0[j] += sum_t a0[a0Off + t*aStride] * b[bFrom + t][j]} and the same
   * for {@code c1} with {@code a1}, for {@code j < n}. Sharing each loaded {@code b} element
   * between two accumulators halves the loads per multiply-add against {@link #rowMac}.
   */
  static void rowMac2(
      float[] c0,
      float[] c1,
      int n,
      float[][] b,
      int bFrom,
      int count,
      float[] a0,
      int a0Off,
      float[] a1,
      int a1Off,
      int aStride) {
    int t = 0;
    for (; t + 4 <= count; t += 4) {
      int p = a0Off + t * aStride;
      int q = a1Off + t * aStride;
      float x0 = a0[p];
      float x1 = a0[p + aStride];
      float x2 = a0[p + 2 * aStride];
      float x3 = a0[p + 3 * aStride];
      float y0 = a1[q];
      float y1 = a1[q + aStride];
      float y2 = a1[q + 2 * aStride];
      float y3 = a1[q + 3 * aStride];
      float[] b0 = b[bFrom + t];
      float[] b1 = b[bFrom + t + 1];
      float[] b2 = b[bFrom + t + 2];
      float[] b3 = b[bFrom + t + 3];
      for (int j = 0; j < n; j++) {
        float v0 = b0[j];
        float v1 = b1[j];
        float v2 = b2[j];
        float v3 = b3[j];
        c0[j] += x0 * v0 + x1 * v1 + x2 * v2 + x3 * v3;
        c1[j] += y0 * v0 + y1 * v1 + y2 * v2 + y3 * v3;
      }
    }
    for (; t < count; t++) {
      float x0 = a0[a0Off + t * aStride];
      float y0 = a1[a1Off + t * aStride];
      float[] b0 = b[bFrom + t];
      for (int j = 0; j < n; j++) {
        float v0 = b0[j];
        c0[j] += x0 * v0;
        c1[j] += y0 * v0;
      }
    }
  }

  /** Reusable per-thread buffers, grown on demand so steady-state calls allocate nothing. */
  static final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
    private float[][] workRows = new float[0][];
    private float[][] workRows2 = new float[0][];
    private float[][] callerRows = new float[0][];

    /** This thread's buffers. */
    static Scratch get() {
      return LOCAL.get();
    }

    /** At least count rows of at least len floats, for the loop body of a worker. */
    float[][] workRows(int count, int len) {
      workRows = grow(workRows, count, len);
      return workRows;
    }

    /** A second set of rows for the loop body of a worker. */
    float[][] workRows2(int count, int len) {
      workRows2 = grow(workRows2, count, len);
      return workRows2;
    }

    /** At least count rows of at least len floats, for the calling thread's setup and reduction. */
    float[][] callerRows(int count, int len) {
      callerRows = grow(callerRows, count, len);
      return callerRows;
    }

    private static float[][] grow(float[][] rows, int count, int len) {
      float[][] r = rows.length >= count ? rows : java.util.Arrays.copyOf(rows, count);
      for (int i = 0; i < count; i++) {
        if (r[i] == null || r[i].length < len) {
          r[i] = new float[len];
        }
      }
      return r;
    }
  }
}
