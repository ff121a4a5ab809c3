package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.BatchMatMul;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Transpose;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Dot(axes, normalize)}: per sample, the sum over axis {@code axes[0]} of input 0
 * times axis {@code axes[1]} of input 1 (Keras's {@code batch_dot}). The output keeps input 0's
 * other axes, then input 1's other non-batch axes: {@code (N, 2, 5)·(N, 4, 5)} with axes {@code [2,
 * 2]} gives {@code (N, 2, 4)}, {@code (N, 4, 3)·(N, 4, 2)} with {@code [1, 1]} gives {@code (N, 3,
 * 2)}; two rank-2 inputs give {@code (N, 1)}. A negative axis counts from the end of its input.
 * With {@code normalize} the inputs are first L2-normalised along their axis ({@code x /
 * sqrt(max(sum(x²), 1e-12))}), so rank-2 inputs give the cosine similarity.
 *
 * <p>Each sample is one matrix product (the other axes of each input flattened), so an input of
 * rank above 3 needs known sizes on its non-batch axes other than the contracted one.
 */
public final class Dot extends Layer {
  private final int[] axes;
  private final boolean pair;
  private boolean normalize;

  /**
   * A dot product over axis {@code axes} of both inputs.
   *
   * @param axes the axis of each input summed over, counting the batch as 0; negative counts from
   *     the end
   * @throws IllegalArgumentException for axis 0 (the batch)
   */
  public Dot(int axes) {
    checkArgument(axes != 0, "Dot", "axes", axes + " (axis 0 is the batch)");
    this.axes = new int[] {axes, axes};
    this.pair = false;
  }

  /**
   * A dot product of axis {@code axisA} of input 0 with axis {@code axisB} of input 1 (Keras's
   * {@code axes=[a, b]}).
   *
   * @param axisA the axis of input 0 summed over
   * @param axisB the axis of input 1 summed over
   * @throws IllegalArgumentException for axis 0 (the batch)
   */
  public Dot(int axisA, int axisB) {
    checkArgument(
        axisA != 0 && axisB != 0,
        "Dot",
        "axes",
        "[" + axisA + ", " + axisB + "] (axis 0 is the batch)");
    this.axes = new int[] {axisA, axisB};
    this.pair = true;
  }

  /**
   * Whether to L2-normalise both inputs first (cosine similarity); returns this.
   *
   * @param value true to compute cosine similarities
   * @return this layer, for chaining
   */
  public Dot normalize(boolean value) {
    this.normalize = value;
    return this;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    outputShapes(in);
  }

  /**
   * The axes of the two inputs, negative ones counted from the end (Keras's {@code axes % rank}).
   */
  private int[] resolved(List<Shape> in) {
    int[] out = new int[2];
    for (int i = 0; i < 2; i++) {
      int rank = in.get(i).rank();
      int a = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (rank < 2 || a < 1 || a >= rank) {
        throw incompatible(
            i, "rank >= 2 with an axis " + axes[i] + " that is not the batch", in.get(i));
      }
      out[i] = a;
    }
    return out;
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    if (in.size() != 2) {
      throw new IllegalArgumentException(
          "Layer \"" + name() + "\" (Dot) needs exactly 2 inputs; got " + in.size() + ": " + in);
    }
    int[] a = resolved(in);
    int da = in.get(0).dim(a[0]);
    int db = in.get(1).dim(a[1]);
    if (da == Shape.UNKNOWN || db == Shape.UNKNOWN) {
      int i = da == Shape.UNKNOWN ? 0 : 1;
      throw incompatible(i, "a known size along axis " + a[i], in.get(i));
    }
    if (da != db) {
      throw incompatible(
          1,
          "size "
              + da
              + " along axis "
              + a[1]
              + " (as input 0 along axis "
              + a[0]
              + ", axes="
              + axesConfig()
              + ")",
          in.get(1));
    }
    List<Integer> dims = new ArrayList<>();
    dims.add(in.get(0).dim(0));
    dims.addAll(free(in.get(0), a[0]));
    dims.addAll(free(in.get(1), a[1]));
    if (dims.size() == 1) {
      dims.add(1);
    }
    return List.of(Shape.of(dims.stream().mapToInt(Integer::intValue).toArray()));
  }

  /** The non-batch dimensions of {@code s} other than {@code axis}, in order. */
  private static List<Integer> free(Shape s, int axis) {
    List<Integer> out = new ArrayList<>();
    for (int d = 1; d < s.rank(); d++) {
      if (d != axis) {
        out.add(s.dim(d));
      }
    }
    return out;
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    Node a = inputs.get(0);
    Node b = inputs.get(1);
    int[] ax = resolved(List.of(a.shape(), b.shape()));
    if (normalize) {
      a = UnitNormalization.l2Normalize(a, ax[0]);
      b = UnitNormalization.l2Normalize(b, ax[1]);
    }
    if (a.shape().rank() == 2 && b.shape().rank() == 2) {
      // Row-wise dot products: a 1x1 matrix product per sample would cost more than this.
      return List.of(Reduction.sum(Mul.of(a, b), true, 1));
    }
    Shape out = outputShapes(List.of(a.shape(), b.shape())).get(0);
    // One matrix product per sample: op(A) (M, k) times op(B) (k, P), M and P the flattened free
    // axes. The transpose flags absorb a contracted axis that is first or last, so rank-3 inputs
    // are multiplied where they lie; any other axis is moved last by one data transpose.
    boolean transA = ax[0] == 1 && a.shape().rank() > 2;
    boolean transB = ax[1] != 1 || b.shape().rank() == 2;
    Node ma = asMatrices(a, ax[0], transA);
    Node mb = asMatrices(b, ax[1], !transB);
    return List.of(Reshape.of(BatchMatMul.of(ma, transA, mb, transB), out));
  }

  /**
   * {@code x} as a stack of per-sample matrices: {@code (N, k, F)} when {@code contractedFirst}
   * (asked only for axis 1, which needs no data movement), else {@code (N, F, k)}, with {@code F}
   * the product of the other non-batch dimensions (1 when there are none).
   */
  private Node asMatrices(Node x, int axis, boolean contractedFirst) {
    Shape s = x.shape();
    int rank = s.rank();
    if (rank == 3) {
      return x;
    }
    int f = 1;
    for (int d : free(s, axis)) {
      if (d == Shape.UNKNOWN) {
        // The flattened size of several unknown dimensions cannot be written in a reshape.
        throw new IllegalArgumentException(
            "Layer \""
                + name()
                + "\" (Dot) needs known sizes for the non-batch axes other than axis "
                + axis
                + " of an input of rank > 3; got "
                + s);
      }
      f *= d;
    }
    if (!contractedFirst && axis != rank - 1) {
      int[] perm = new int[rank];
      int j = 0;
      for (int d = 0; d < rank; d++) {
        if (d != axis) {
          perm[j++] = d;
        }
      }
      perm[rank - 1] = axis;
      x = Transpose.of(x, perm);
    }
    return Reshape.of(
        x,
        contractedFirst ? Shape.of(s.dim(0), s.dim(axis), f) : Shape.of(s.dim(0), f, s.dim(axis)));
  }

  private Object axesConfig() {
    return pair ? List.of(axes[0], axes[1]) : axes[0];
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("axes", axesConfig());
    c.put("normalize", normalize);
    return c;
  }
}
