package dev.graft.layers;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Discretization}: each value goes to the bucket {@code i} with {@code
 * bin_boundaries[i - 1] <= x < bin_boundaries[i]} (numpy's {@code digitize}), output as the index
 * ({@code int}, default) or encoded over {@code len(bin_boundaries) + 1} classes. {@link #adapt}
 * finds {@code num_bins - 1} boundaries with Keras's own approximate quantiles (the same summary,
 * merge and interpolation steps, controlled by {@code epsilon}), so adapted boundaries equal
 * Keras's up to float rounding.
 *
 * <pre>{@code
 * jshell> discretization(0.0, 1.0, 2.0).apply(Tensor.of(new float[][] {{-1.5, 1.0, 3.4, 0.5}}))
 * $1 ==> [[0, 2, 3, 1]]
 * }</pre>
 */
public final class Discretization extends CategoricalFeed {
  private float[] binBoundaries;
  private final Integer numBins;
  private final double epsilon;
  private float[][] summary = new float[2][0];

  /**
   * Fixed boundaries ({@code numBins == null}) or {@code numBins} bins learned by {@link #adapt}.
   *
   * @param binBoundaries the sorted boundaries, or {@code null} to learn {@code numBins}
   * @param numBins the number of bins {@code adapt} learns, or {@code null}
   * @param epsilon the error tolerance of the learned quantiles (Keras: 0.01)
   * @param outputMode {@code int}, {@code one_hot}, {@code multi_hot} or {@code count}
   * @throws IllegalArgumentException as Keras: both or neither given, a negative count
   */
  public Discretization(float[] binBoundaries, Integer numBins, double epsilon, String outputMode) {
    super("Discretization", outputMode, Categorical.MODES);
    if ((binBoundaries == null) == (numBins == null)) {
      throw new IllegalArgumentException(
          "Discretization: set exactly one of `num_bins` and `bin_boundaries`. Received:"
              + " num_bins="
              + numBins
              + " and bin_boundaries="
              + (binBoundaries == null ? null : Arrays.toString(binBoundaries)));
    }
    checkArgument(numBins == null || numBins >= 0, "Discretization", "num_bins", numBins);
    checkArgument(epsilon > 0 && epsilon < 1, "Discretization", "epsilon", epsilon);
    this.binBoundaries = binBoundaries == null ? null : binBoundaries.clone();
    this.numBins = numBins;
    this.epsilon = epsilon;
  }

  /**
   * The boundaries, given or adapted, or {@code null} before {@code adapt}.
   *
   * @return a copy of the boundaries, or {@code null}
   */
  public float[] binBoundaries() {
    return binBoundaries == null ? null : binBoundaries.clone();
  }

  /**
   * Keras's {@code bin_boundaries} config entry for an adapted layer (Keras's {@code from_config}
   * sets it after construction). Returns this.
   *
   * @param boundaries the boundaries the saved layer learned
   * @return this layer, for chaining
   */
  public Discretization adaptedBoundaries(float[] boundaries) {
    this.binBoundaries = boundaries.clone();
    return this;
  }

  @Override
  protected int depth() {
    if (binBoundaries != null) {
      return binBoundaries.length + 1;
    }
    return numBins;
  }

  /**
   * Keras's {@code adapt(data)}: boundaries at the approximate quantiles of the values of a tensor
   * or an {@code Iterable} of tensor batches.
   *
   * @param data a tensor, or an {@code Iterable} of tensors
   * @return this layer, for chaining
   * @throws IllegalStateException for a layer made with {@code bin_boundaries}
   */
  public Discretization adapt(Object data) {
    if (numBins == null) {
      throw new IllegalStateException(
          "Cannot adapt a Discretization layer that has been initialized with `bin_boundaries`,"
              + " use `num_bins` instead.");
    }
    summary = new float[2][0];
    for (Object batch : Adapt.batches(data)) {
      summary = merge(summarize(tensor(batch)), summary);
    }
    float[] b = compress(summary, 1.0 / numBins)[0];
    binBoundaries = Arrays.copyOf(b, Math.max(0, b.length - 1));
    return this;
  }

  /** Keras's {@code summarize}: every {@code step}-th sorted value, weighted {@code step}. */
  private float[][] summarize(Tensor t) {
    float[] v = t.toArray();
    Arrays.sort(v);
    double numBuckets = 1.0 / epsilon;
    double step = Math.max(v.length / numBuckets, 1);
    int start = (int) (step - 1);
    int stride = (int) step;
    List<Float> picked = new ArrayList<>();
    for (int i = start; i < v.length; i += stride) {
      picked.add(v[i]);
    }
    float[][] s = new float[2][picked.size()];
    for (int i = 0; i < picked.size(); i++) {
      s[0][i] = picked.get(i);
      s[1][i] = (float) step;
    }
    return s;
  }

  /** Keras's {@code merge_summaries}: concatenated, sorted by value, compressed. */
  private float[][] merge(float[][] prev, float[][] next) {
    int n = prev[0].length + next[0].length;
    Integer[] order = new Integer[n];
    float[] vals = new float[n];
    float[] weights = new float[n];
    System.arraycopy(prev[0], 0, vals, 0, prev[0].length);
    System.arraycopy(next[0], 0, vals, prev[0].length, next[0].length);
    System.arraycopy(prev[1], 0, weights, 0, prev[1].length);
    System.arraycopy(next[1], 0, weights, prev[1].length, next[1].length);
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(vals[a], vals[b]));
    float[][] merged = new float[2][n];
    for (int i = 0; i < n; i++) {
      merged[0][i] = vals[order[i]];
      merged[1][i] = weights[order[i]];
    }
    return compress(merged, epsilon);
  }

  /** Keras's {@code compress_summary}: values and weights at cumulative-weight percentiles. */
  private static float[][] compress(float[][] summary, double eps) {
    int n = summary[0].length;
    if (n * eps < 1) {
      return summary;
    }
    int k = (int) Math.ceil(1.0 / eps); // numpy arange(0.0, 1.0, eps) length
    float[] cum = new float[n];
    float acc = 0;
    for (int i = 0; i < n; i++) {
      acc += summary[1][i];
      cum[i] = acc;
    }
    double[] pct = new double[n];
    for (int i = 0; i < n; i++) {
      pct[i] = cum[i] / cum[n - 1];
    }
    float[][] out = new float[2][k];
    double prev = 0;
    for (int j = 0; j < k; j++) {
      double p = eps + j * eps;
      out[0][j] = (float) interp(p, pct, summary[0]);
      double c = interp(p, pct, cum);
      out[1][j] = (float) (c - prev);
      prev = c;
    }
    return out;
  }

  /** numpy's {@code interp}: linear, clamped to the end values. */
  private static double interp(double x, double[] xp, float[] fp) {
    int n = xp.length;
    if (x <= xp[0]) {
      return fp[0];
    }
    if (x >= xp[n - 1]) {
      return fp[n - 1];
    }
    int hi = 1;
    while (xp[hi] < x) {
      hi++;
    }
    int lo = hi - 1;
    if (xp[hi] == xp[lo]) {
      return fp[lo];
    }
    return fp[lo] + (x - xp[lo]) * (fp[hi] - fp[lo]) / (xp[hi] - xp[lo]);
  }

  @Override
  protected int[] indices(Object batch, Shape[] shape) {
    if (binBoundaries == null) {
      throw new IllegalStateException(
          "You need to either pass the `bin_boundaries` argument at construction time or call"
              + " `adapt(dataset)` before you can start using the `Discretization` layer (layer \""
              + name()
              + "\")");
    }
    Tensor t = tensor(batch);
    shape[0] = t.shape();
    int[] ids = new int[t.size()];
    for (int i = 0; i < ids.length; i++) {
      float x = t.getFlat(i);
      int lo = 0;
      int hi = binBoundaries.length;
      while (lo < hi) { // the number of boundaries <= x
        int mid = (lo + hi) >>> 1;
        if (binBoundaries[mid] <= x) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      ids[i] = lo;
    }
    return ids;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    List<Double> b = null;
    if (binBoundaries != null) {
      b = new ArrayList<>();
      for (float f : binBoundaries) {
        b.add((double) f);
      }
    }
    c.put("bin_boundaries", b);
    c.put("num_bins", numBins);
    c.put("epsilon", epsilon);
    return c;
  }
}
