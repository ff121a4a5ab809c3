package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.reduce.Reduce;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/** Sum or mean over some axes (all axes when none are given), optionally keeping them as 1s. */
public final class Reduction extends Op {
  private final boolean mean;
  private final int[] axes;
  private final boolean keepDims;

  private Reduction(boolean mean, int[] axes, boolean keepDims) {
    this.mean = mean;
    this.axes = axes.clone();
    this.keepDims = keepDims;
  }

  /**
   * The sum over {@code axes} (every axis if empty).
   *
   * @param x the input
   * @param keepDims true to keep the reduced axes with size 1
   * @param axes the axes to sum over, negative counting from the end
   * @return the sum, without the reduced axes unless {@code keepDims}
   */
  public static Node sum(Node x, boolean keepDims, int... axes) {
    return x.graph().apply(new Reduction(false, normalized(x.shape(), axes), keepDims), x);
  }

  /**
   * The mean over {@code axes} (every axis if empty).
   *
   * @param x the input
   * @param keepDims true to keep the reduced axes with size 1
   * @param axes the axes to average over, negative counting from the end
   * @return the mean, without the reduced axes unless {@code keepDims}
   */
  public static Node mean(Node x, boolean keepDims, int... axes) {
    return x.graph().apply(new Reduction(true, normalized(x.shape(), axes), keepDims), x);
  }

  // Axes are resolved against the rank once, when the node is made, not on every step.
  private static int[] normalized(Shape in, int[] axes) {
    boolean[] r = new boolean[in.rank()];
    if (axes.length == 0) {
      Arrays.fill(r, true);
    }
    for (int a : axes) {
      if (a < -in.rank() || a >= in.rank()) {
        throw new IllegalArgumentException(
            "reduce: axis " + a + " is out of range for shape " + in);
      }
      r[in.normalizeAxis(a)] = true;
    }
    return IntStream.range(0, r.length).filter(i -> r[i]).toArray();
  }

  @Override
  public String kind() {
    return mean ? "mean" : "sum";
  }

  @Override
  public String attributes() {
    return "axes=" + Arrays.toString(axes) + (keepDims ? ", keep" : "");
  }

  private boolean[] reduced(Shape in) {
    boolean[] r = new boolean[in.rank()];
    for (int a : axes) {
      r[a] = true;
    }
    return r;
  }

  private Shape keptShape(Shape in) {
    boolean[] r = reduced(in);
    int[] d = in.toArray();
    for (int i = 0; i < d.length; i++) {
      if (r[i]) {
        d[i] = 1;
      }
    }
    return Shape.of(d);
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 1);
    Shape in = inputs.get(0);
    boolean[] r = reduced(in);
    if (keepDims) {
      return keptShape(in);
    }
    int[] d = new int[in.rank()];
    int n = 0;
    for (int i = 0; i < r.length; i++) {
      if (!r[i]) {
        d[n++] = in.dim(i);
      }
    }
    return Shape.of(Arrays.copyOf(d, n));
  }

  @Override
  public void forward(Args a) {
    int[] all = axes;
    if (mean) {
      Reduce.mean(a.input(0), all, keepDims, a.output());
    } else {
      Reduce.sum(a.input(0), all, keepDims, a.output());
    }
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Shape in = self.input(0).shape();
    Node kept = Reshape.of(g, keptShape(in));
    return List.of(mean ? MeanGrad.of(kept, in) : BroadcastTo.of(kept, in));
  }
}
