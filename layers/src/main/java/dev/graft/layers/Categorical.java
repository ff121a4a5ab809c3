package dev.graft.layers;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;

/**
 * Keras's {@code encode_categorical_inputs}: integer indices kept ({@code int}), or encoded over
 * {@code depth} classes ({@code one_hot}: one row per index, replacing a last axis of 1; {@code
 * multi_hot}, {@code count}, {@code tf_idf}: one row per sample over its last axis). Indices
 * outside {@code [0, depth)} count nowhere, as in {@code tf.math.bincount}. A rank-1 input holds
 * one index per sample (Keras would make one bag of the whole batch, which a model cannot batch).
 */
final class Categorical {
  private Categorical() {}

  static final java.util.List<String> MODES =
      java.util.List.of("int", "one_hot", "multi_hot", "count");

  /** The encoded shape of indices of shape {@code in}. */
  static Shape shape(Shape in, String mode, int depth) {
    if (mode.equals("int")) {
      return in;
    }
    if (mode.equals("one_hot")) {
      return in.rank() > 1 && in.dim(-1) == 1 ? in.withDim(in.rank() - 1, depth) : in.append(depth);
    }
    return in.rank() == 1 ? in.append(depth) : in.withDim(in.rank() - 1, depth);
  }

  /** Encodes {@code ids} (shape {@code in}); {@code weights}, if any, scale the counts (tf_idf). */
  static Tensor encode(int[] ids, Shape in, String mode, int depth, float[] weights) {
    if (mode.equals("int")) {
      float[] out = new float[ids.length];
      for (int i = 0; i < ids.length; i++) {
        out[i] = ids[i];
      }
      return Tensor.wrap(out, in.toArray());
    }
    Shape outShape = shape(in, mode, depth);
    int rows = outShape.size() / depth;
    int per = rows == 0 ? 0 : ids.length / rows;
    float[] out = new float[outShape.size()];
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < per; k++) {
        add(out, r * depth, ids[r * per + k], depth, mode);
      }
    }
    scale(out, depth, weights);
    return Tensor.wrap(out, outShape.toArray());
  }

  /** One row per list of indices ({@code multi_hot}, {@code count}, {@code tf_idf}). */
  static Tensor rows(int[][] rows, String mode, int depth, float[] weights) {
    float[] out = new float[rows.length * depth];
    for (int r = 0; r < rows.length; r++) {
      for (int id : rows[r]) {
        add(out, r * depth, id, depth, mode);
      }
    }
    scale(out, depth, weights);
    return Tensor.wrap(out, rows.length, depth);
  }

  private static void add(float[] out, int row, int id, int depth, String mode) {
    if (id < 0 || id >= depth) {
      return;
    }
    if (mode.equals("one_hot") || mode.equals("multi_hot")) {
      out[row + id] = 1;
    } else {
      out[row + id] += 1;
    }
  }

  private static void scale(float[] out, int depth, float[] weights) {
    if (weights == null) {
      return;
    }
    for (int i = 0; i < out.length; i++) {
      int j = i % depth;
      out[i] *= j < weights.length ? weights[j] : 0;
    }
  }

  /** The whole-number values of a tensor, as Keras casts them to int64 ({@code (long) value}). */
  static long[] longs(Tensor t) {
    long[] out = new long[t.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (long) t.getFlat(i);
    }
    return out;
  }
}
