package dev.graft.tensor.layout;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.Arrays;

/**
 * Row lookup along axis 0 (embeddings) and its gradient.
 *
 * <p>Indices are float tensors holding integers (as produced by {@link Tensor#randint}). Every
 * index must be an integer in {@code [0, V)} where {@code V} is the table's first dimension;
 * otherwise an {@link IllegalArgumentException} names the value, its position and the range, and
 * nothing is written.
 */
public final class Gather {
  private Gather() {}

  /**
   * {@code out[i..., :] = table[indices[i...], :]}: for a table of shape {@code (V, D...)} and
   * indices of any shape, {@code out} has shape {@code indices.shape + (D...)}. Returns {@code
   * out}.
   *
   * @param table the table {@code (V, D...)}
   * @param indices row indices into the table in {@code [0, V)}, stored as integral floats, of any
   *     shape
   * @param out receives the rows, of shape {@code indices.shape + (D...)}
   * @return {@code out}
   */
  public static Tensor gather(Tensor table, Tensor indices, Tensor out) {
    check("gather", table.shape(), indices, out.shape(), "out");
    int row = table.shape().sizeFrom(1);
    float[] t = table.array();
    float[] ix = indices.array();
    for (int i = 0, n = indices.size(); i < n; i++) {
      int k = (int) ix[indices.offset() + i];
      System.arraycopy(t, table.offset() + k * row, out.array(), out.offset() + i * row, row);
    }
    return out;
  }

  /**
   * {@link #gather(Tensor, Tensor, Tensor)} into a new tensor.
   *
   * @param table the table {@code (V, D...)}
   * @param indices row indices into the table in {@code [0, V)}, stored as integral floats, of any
   *     shape
   * @return a new tensor of shape {@code indices.shape + (D...)}
   */
  public static Tensor gather(Tensor table, Tensor indices) {
    Shape ts = table.shape();
    if (ts.rank() == 0) {
      throw new IllegalArgumentException(
          "gather: table " + ts + " needs rank >= 1 (indices " + indices.shape() + ")");
    }
    int[] d = Arrays.copyOf(indices.shape().toArray(), indices.rank() + ts.rank() - 1);
    for (int i = 1; i < ts.rank(); i++) {
      d[indices.rank() + i - 1] = ts.dim(i);
    }
    return gather(table, indices, Tensor.zeros(d));
  }

  /**
   * The gradient of {@link #gather}: {@code tableGrad[indices[i...], :] += grad[i..., :]}, adding
   * up repeated indices. Adds into {@code tableGrad} (zero it first for a fresh gradient); returns
   * {@code tableGrad}.
   *
   * @param indices row indices into the table in {@code [0, V)}, stored as integral floats, of any
   *     shape
   * @param grad the gradient of the gathered rows, of shape {@code indices.shape + (D...)}
   * @param tableGrad the table's gradient {@code (V, D...)}, added to
   * @return {@code tableGrad}
   */
  public static Tensor scatterAdd(Tensor indices, Tensor grad, Tensor tableGrad) {
    check("scatterAdd", tableGrad.shape(), indices, grad.shape(), "grad");
    int row = tableGrad.shape().sizeFrom(1);
    float[] g = grad.array();
    float[] t = tableGrad.array();
    float[] ix = indices.array();
    for (int i = 0, n = indices.size(); i < n; i++) {
      int to = tableGrad.offset() + (int) ix[indices.offset() + i] * row;
      int go = grad.offset() + i * row;
      for (int j = 0; j < row; j++) {
        t[to + j] += g[go + j];
      }
    }
    return tableGrad;
  }

  /**
   * {@link #scatterAdd(Tensor, Tensor, Tensor)} into a new zero table of {@code tableShape}.
   *
   * @param indices row indices into the table in {@code [0, V)}, stored as integral floats, of any
   *     shape
   * @param grad the gradient of the gathered rows, of shape {@code indices.shape + (D...)}
   * @param tableShape the table's shape {@code (V, D...)}
   * @return a new tensor of {@code tableShape} holding the summed gradients
   */
  public static Tensor scatterAdd(Tensor indices, Tensor grad, Shape tableShape) {
    return scatterAdd(indices, grad, Tensor.zeros(tableShape));
  }

  /** Checks that {@code rows} is {@code indices.shape + table.shape[1:]} and every index. */
  private static void check(String op, Shape table, Tensor indices, Shape rows, String what) {
    Shape is = indices.shape();
    boolean ok = table.rank() >= 1 && rows.rank() == is.rank() + table.rank() - 1;
    for (int i = 0; ok && i < rows.rank(); i++) {
      ok = rows.dim(i) == (i < is.rank() ? is.dim(i) : table.dim(i - is.rank() + 1));
    }
    if (!ok) {
      throw new IllegalArgumentException(
          op
              + ": table "
              + table
              + " and indices "
              + is
              + " need "
              + what
              + " of shape"
              + " indices.shape + table.shape[1:]; got "
              + rows);
    }
    int v = table.dim(0);
    float[] ix = indices.array();
    for (int i = 0, n = indices.size(); i < n; i++) {
      float f = ix[indices.offset() + i];
      int k = (int) f;
      if (k != f || k < 0 || k >= v) {
        boolean integral = f == Math.rint(f);
        throw new IllegalArgumentException(
            op
                + ": index "
                + f
                + " at position "
                + position(is, i)
                + (integral ? " is out of range" : " is not an integer")
                + "; valid indices are integers in [0, "
                + v
                + ") for table "
                + table
                + " and indices "
                + is);
      }
    }
  }

  private static String position(Shape s, int flat) {
    int[] p = new int[s.rank()];
    for (int i = s.rank() - 1; i >= 0; i--) {
      p[i] = flat % s.dim(i);
      flat /= s.dim(i);
    }
    return Arrays.toString(p);
  }
}
