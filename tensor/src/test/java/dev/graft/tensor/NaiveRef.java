package dev.graft.tensor;

import java.util.Random;
import java.util.function.DoubleBinaryOperator;

/** Naive double-precision references and index helpers shared by the kernel tests. */
public final class NaiveRef {
  private NaiveRef() {}

  /** The multi-index of flat position {@code flat} in row-major {@code dims}. */
  public static int[] unravel(int flat, int[] dims) {
    int[] idx = new int[dims.length];
    for (int i = dims.length - 1; i >= 0; i--) {
      idx[i] = flat % dims[i];
      flat /= dims[i];
    }
    return idx;
  }

  /**
   * The flat position in a tensor of {@code dims} (right-aligned to {@code idx}) that broadcasting
   * maps {@code idx} to: size-1 axes read index 0.
   */
  public static int broadcastIndex(int[] idx, int[] dims) {
    int skip = idx.length - dims.length;
    int f = 0;
    for (int i = 0; i < dims.length; i++) {
      int k = dims[i] == 1 ? 0 : idx[i + skip];
      f = f * dims[i] + k;
    }
    return f;
  }

  /** {@code f(a, b)} with broadcasting to {@code outDims}, in double. */
  public static double[] binary(Tensor a, Tensor b, int[] outDims, DoubleBinaryOperator f) {
    int n = Shape.of(outDims).size();
    double[] r = new double[n];
    int[] ad = a.shape().toArray();
    int[] bd = b.shape().toArray();
    for (int i = 0; i < n; i++) {
      int[] idx = unravel(i, outDims);
      r[i] =
          f.applyAsDouble(a.getFlat(broadcastIndex(idx, ad)), b.getFlat(broadcastIndex(idx, bd)));
    }
    return r;
  }

  /** A random shape of rank in {@code [minRank, maxRank]} with dims in {@code [1, maxDim]}. */
  public static int[] randomDims(Random r, int minRank, int maxRank, int maxDim) {
    int[] d = new int[minRank + r.nextInt(maxRank - minRank + 1)];
    for (int i = 0; i < d.length; i++) {
      d[i] = 1 + r.nextInt(maxDim);
    }
    return d;
  }

  public static double[] toDouble(Tensor t) {
    double[] d = new double[t.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.getFlat(i);
    }
    return d;
  }
}
