package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Div;
import dev.graft.autograd.ops.Extremum;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Sqrt;
import dev.graft.autograd.ops.Sub;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Normalization}: {@code (x - mean) / max(sqrt(variance), 1e-7)} (or, with {@code
 * invert}, {@code mean + x * max(sqrt(variance), 1e-7)}), with one mean and variance per position
 * of the kept {@code axis} (default the last; no axis: one scalar for the whole input). The
 * statistics come from {@link #adapt} (population variance, batches merged as Keras merges them)
 * and live in the non-trainable weights {@code mean}, {@code variance} and {@code count}, saved
 * with the model; or they are given ({@code mean}/{@code variance} arguments, kept in the config
 * and no weights).
 *
 * <pre>{@code
 * jshell> var norm = normalization();
 * jshell> norm.adapt(Tensor.of(new float[][] {{1}, {2}, {3}}));
 * jshell> norm.apply(Tensor.of(new float[][] {{2}}))
 * $3 ==> [[0.0]]
 * }</pre>
 */
public final class Normalization extends SingleInput {
  private static final float EPSILON = 1e-7f;

  private final int[] axis;
  private boolean invert;
  private float[] inputMean;
  private float[] inputVariance;
  private int[] keep;
  private Shape broadcast;
  private Variable mean;
  private Variable variance;

  /**
   * Keras's {@code Normalization(axis=axes)}: statistics per position of these axes (negative
   * counts from the end); no axes is Keras's {@code axis=None}, one mean and variance in all.
   *
   * @param axes the axes that keep their own statistics; none for one in all
   */
  public Normalization(int... axes) {
    this.axis = axes.clone();
  }

  /**
   * Keras's {@code invert=True}: maps normalized values back to the input's scale. Returns this.
   *
   * @param invert true to denormalize
   * @return this layer, for chaining
   */
  public Normalization invert(boolean invert) {
    requireUnbuilt("invert");
    this.invert = invert;
    return this;
  }

  /**
   * Keras's {@code mean=} and {@code variance=} arguments: fixed statistics (one value each, or one
   * per position of the kept axis), so the layer has no weights and needs no {@code adapt}. Returns
   * this.
   *
   * @param mean the mean, one value or one per position of the kept axis
   * @param variance the variance, shaped like {@code mean}
   * @return this layer, for chaining
   */
  public Normalization meanAndVariance(float[] mean, float[] variance) {
    requireUnbuilt("mean and variance");
    if (mean.length != variance.length) {
      throw new IllegalArgumentException(
          "When setting values directly, `mean` and `variance` must have the same shape."
              + " Received: mean shape ("
              + mean.length
              + ",) and variance shape ("
              + variance.length
              + ",)");
    }
    this.inputMean = mean.clone();
    this.inputVariance = variance.clone();
    return this;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    Shape s = in.get(0);
    for (int a : axis) {
      if (a < -s.rank() || a >= s.rank()) {
        throw new IllegalArgumentException(
            "All `axis` values must be in the range [-ndim, ndim). Received inputs with ndim="
                + s.rank()
                + ", while axis="
                + Arrays.toString(axis)
                + " (layer \""
                + name()
                + "\")");
      }
      if (s.dim(s.normalizeAxis(a)) == Shape.UNKNOWN) {
        throw incompatible(0, "a known size on axis " + a, s);
      }
    }
  }

  @Override
  protected void build(List<Shape> in) {
    Shape s = in.get(0);
    keep = Arrays.stream(axis).map(s::normalizeAxis).sorted().distinct().toArray();
    int[] b = new int[s.rank()];
    Arrays.fill(b, 1);
    int[] kept = new int[keep.length];
    for (int i = 0; i < keep.length; i++) {
      b[keep[i]] = s.dim(keep[i]);
      kept[i] = s.dim(keep[i]);
    }
    broadcast = Shape.of(b);
    if (inputMean != null) {
      int size = broadcast.size();
      if (inputMean.length != 1 && inputMean.length != size) {
        throw new IllegalArgumentException(
            "Layer \""
                + name()
                + "\": `mean` has "
                + inputMean.length
                + " values; the kept axes "
                + Arrays.toString(axis)
                + " of "
                + s
                + " need 1 or "
                + size);
      }
      return;
    }
    mean = addWeight("mean", Shape.of(kept), Initializers.zeros(), false, null);
    variance = addWeight("variance", Shape.of(kept), Initializers.ones(), false, null);
    // Keras 3 keeps a count it never updates; it is part of the saved layout.
    addWeight("count", Shape.scalar(), Initializers.zeros(), false, null);
  }

  @Override
  protected Shape outputShape(Shape in) {
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Node m;
    Node v;
    if (inputMean != null) {
      m = x.graph().constant(full(inputMean));
      v = x.graph().constant(full(inputVariance));
    } else {
      m = Reshape.of(read(ctx, mean), broadcast);
      v = Reshape.of(read(ctx, variance), broadcast);
    }
    Node std =
        Extremum.maximum(Sqrt.of(v), x.graph().constant(Tensor.full(EPSILON, broadcast.toArray())));
    return invert ? Add.of(m, Mul.of(x, std)) : Div.of(Sub.of(x, m), std);
  }

  private Tensor full(float[] values) {
    if (values.length == 1) {
      return Tensor.full(values[0], broadcast.toArray());
    }
    return Tensor.of(values.clone(), broadcast.toArray());
  }

  /**
   * Keras's {@code adapt(data)}: the mean and (population) variance over every axis but the kept
   * ones, from a tensor or an {@code Iterable} of tensor batches (merged as Keras merges them:
   * running weighted mean and variance). Builds the layer for the data's shape if needed.
   *
   * @param data a tensor, or an {@code Iterable} of tensors
   * @return this layer, for chaining
   * @throws IllegalStateException when the statistics were given as arguments
   * @throws IllegalArgumentException for a batch whose kept axes differ from the layer's
   */
  public Normalization adapt(Object data) {
    if (inputMean != null) {
      throw new IllegalStateException(
          "Layer \"" + name() + "\" was given `mean` and `variance`; it cannot adapt");
    }
    double[] totalMean = null;
    double[] totalVar = null;
    long totalCount = 0;
    for (Object o : Adapt.batches(data)) {
      if (!(o instanceof Tensor batch)) {
        throw new IllegalArgumentException(
            "Layer \""
                + name()
                + "\": adapt() takes a Tensor or an Iterable of Tensor batches; received "
                + (o == null ? "null" : o.getClass().getSimpleName()));
      }
      ensureBuilt(List.of(batch.shape().withBatch(Shape.UNKNOWN)));
      Shape want = builtInputShapes().get(0);
      for (int k : keep) {
        if (batch.rank() != want.rank() || batch.shape().dim(k) != want.dim(k)) {
          throw new IllegalArgumentException(
              "The layer was built with input_shape="
                  + want
                  + ", but adapt() is being called with data with an incompatible shape, data.shape="
                  + batch.shape()
                  + " (layer \""
                  + name()
                  + "\")");
        }
      }
      int cells = broadcast.size();
      double[] sum = new double[cells];
      double[] sq = new double[cells];
      int n = batch.size() / cells;
      for (int i = 0; i < batch.size(); i++) {
        int c = cell(batch.shape(), i);
        sum[c] += batch.getFlat(i);
      }
      for (int c = 0; c < cells; c++) {
        sum[c] /= n;
      }
      for (int i = 0; i < batch.size(); i++) {
        int c = cell(batch.shape(), i);
        double d = batch.getFlat(i) - sum[c];
        sq[c] += d * d;
      }
      for (int c = 0; c < cells; c++) {
        sq[c] /= n;
      }
      if (totalMean == null) {
        totalMean = new double[cells];
        totalVar = new double[cells];
      }
      totalCount += n;
      double w = (double) n / totalCount;
      double e = 1 - w;
      for (int c = 0; c < cells; c++) {
        double newMean = totalMean[c] * e + sum[c] * w;
        double dm = totalMean[c] - newMean;
        double db = sum[c] - newMean;
        totalVar[c] = (totalVar[c] + dm * dm) * e + (sq[c] + db * db) * w;
        totalMean[c] = newMean;
      }
    }
    if (totalMean == null) {
      throw new IllegalArgumentException(
          "adapt() received an empty iterable (no batches) (layer \"" + name() + "\")");
    }
    mean.assign(Tensor.of(toFloats(totalMean), mean.shape().toArray()));
    variance.assign(Tensor.of(toFloats(totalVar), variance.shape().toArray()));
    return this;
  }

  /** The index of the statistics cell that flat position {@code i} of a batch belongs to. */
  private int cell(Shape s, int i) {
    int c = 0;
    int rest = i;
    int[] strides = s.strides();
    for (int a = 0; a < s.rank(); a++) {
      int idx = rest / strides[a];
      rest -= idx * strides[a];
      if (broadcast.dim(a) != 1) {
        c = c * broadcast.dim(a) + idx;
      }
    }
    return c;
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  /**
   * Normalizes a tensor outside a model (Keras's {@code layer(x)}, e.g. in a dataset map).
   *
   * @param x the values to normalize
   * @return a new tensor shaped like {@code x}
   */
  public Tensor apply(Tensor x) {
    ensureBuilt(List.of(x.shape().withBatch(Shape.UNKNOWN)));
    float[] m = inputMean != null ? full(inputMean).toArray() : mean.value().toArray();
    float[] v = inputMean != null ? full(inputVariance).toArray() : variance.value().toArray();
    float[] out = new float[x.size()];
    for (int i = 0; i < out.length; i++) {
      int c = cell(x.shape(), i);
      float std = Math.max((float) Math.sqrt(v[c]), EPSILON);
      float xi = x.getFlat(i);
      out[i] = invert ? m[c] + xi * std : (xi - m[c]) / std;
    }
    return Tensor.of(out, x.shape().toArray());
  }

  /**
   * The adapted mean (Keras's {@code adapt_mean}), or the given one broadcast.
   *
   * @return the mean at the kept axes' shape
   */
  public Tensor mean() {
    return inputMean != null ? full(inputMean) : mean.value().copy();
  }

  /**
   * The adapted variance, or the given one broadcast.
   *
   * @return the variance at the kept axes' shape
   */
  public Tensor variance() {
    return inputMean != null ? full(inputVariance) : variance.value().copy();
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    List<Integer> ax = new ArrayList<>();
    for (int a : axis) {
      ax.add(a);
    }
    c.put("axis", ax);
    c.put("invert", invert);
    c.put("mean", list(inputMean));
    c.put("variance", list(inputVariance));
    return c;
  }

  private static Object list(float[] v) {
    if (v == null) {
      return null;
    }
    if (v.length == 1) {
      return (double) v[0];
    }
    List<Double> out = new ArrayList<>();
    for (float f : v) {
      out.add((double) f);
    }
    return out;
  }

  /** Keras's {@code supports_masking}. */
  @Override
  protected boolean supportsMasking() {
    return true;
  }
}
