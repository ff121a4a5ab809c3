package dev.graft.dsl.internal;

import dev.graft.tensor.Tensor;

/** Copies sample rows into plan buffers without allocating. */
final class Batches {
  private Batches() {}

  /** {@code dst[i] = src[rows[from + i]]} for each row of {@code dst}. */
  static void gather(Tensor src, int[] rows, int from, Tensor dst) {
    int row = src.shape().sizeFrom(1);
    int n = dst.shape().dim(0);
    float[] s = src.array();
    float[] d = dst.array();
    for (int i = 0; i < n; i++) {
      System.arraycopy(s, src.offset() + rows[from + i] * row, d, dst.offset() + i * row, row);
    }
  }

  /** Copies the first {@code dst.size()} elements of rows starting at row {@code from}. */
  static void slice(Tensor src, int from, Tensor dst) {
    int row = src.shape().sizeFrom(1);
    System.arraycopy(src.array(), src.offset() + from * row, dst.array(), dst.offset(), dst.size());
  }
}
