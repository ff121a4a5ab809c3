package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Slice;
import dev.graft.autograd.ops.ZeroPad;
import dev.graft.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of the layers that add zeros at ({@code ZeroPadding1D/2D}) or cut rows from ({@code
 * Cropping1D/2D}) both ends of each spatial axis of a channels-last input: {@code (N, T, C)} for
 * one spatial axis, {@code (N, H, W, C)} for two. Amounts are {@code [axis][before, after]}. An
 * unknown (variable) size stays unknown in the output shape.
 */
public abstract class SpatialBorders extends SingleInput {
  private final boolean crop;
  private final int[][] amounts;

  SpatialBorders(boolean crop, int[][] amounts) {
    String layer = getClass().getSimpleName();
    String argument = crop ? "cropping" : "padding";
    boolean ok = amounts != null;
    for (int i = 0; ok && i < amounts.length; i++) {
      ok = amounts[i] != null && amounts[i].length == 2 && amounts[i][0] >= 0 && amounts[i][1] >= 0;
    }
    checkArgument(ok, layer, argument, describe(amounts));
    this.crop = crop;
    this.amounts = new int[amounts.length][];
    for (int i = 0; i < amounts.length; i++) {
      this.amounts[i] = amounts[i].clone();
    }
  }

  /**
   * {@code [[before, after], ...]} per spatial axis, as a copy.
   *
   * @return a new array, one {@code [before, after]} pair per spatial axis
   */
  public int[][] amounts() {
    int[][] out = new int[amounts.length][];
    for (int i = 0; i < amounts.length; i++) {
      out[i] = amounts[i].clone();
    }
    return out;
  }

  /** The amounts as Keras's config stores them: one pair per spatial axis (lists of lists). */
  List<List<Integer>> amountsConfig() {
    List<List<Integer>> out = new ArrayList<>();
    for (int[] a : amounts) {
      out.add(List.of(a[0], a[1]));
    }
    return out;
  }

  static String describe(int[][] amounts) {
    if (amounts == null) {
      return "null";
    }
    List<String> parts = new ArrayList<>();
    for (int[] a : amounts) {
      parts.add(
          a == null ? "null" : java.util.Arrays.toString(a).replace('[', '(').replace(']', ')'));
    }
    return amounts.length == 1 ? parts.get(0) : "(" + String.join(", ", parts) + ")";
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    outputShape(in.get(0));
  }

  @Override
  protected Shape outputShape(Shape x) {
    int rank = amounts.length + 2;
    if (x.rank() != rank) {
      throw incompatible(
          0,
          rank == 3 ? "rank 3 (batch, steps, channels)" : "rank 4 (batch, height, width, channels)",
          x);
    }
    Shape out = x;
    for (int i = 0; i < amounts.length; i++) {
      int d = x.dim(i + 1);
      if (d == Shape.UNKNOWN) {
        continue;
      }
      int change = amounts[i][0] + amounts[i][1];
      if (crop && change >= d) {
        throw incompatible(
            0,
            "axis "
                + (i + 1)
                + " longer than the cropping "
                + describe(new int[][] {amounts[i]})
                + " removes ("
                + change
                + ")",
            x);
      }
      out = out.withDim(i + 1, crop ? d - change : d + change);
    }
    return out;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    if (!SampleShape.known(x.shape())) {
      throw incompatible(0, "known sizes after the batch when the graph is built", x.shape());
    }
    Shape out = outputShape(x.shape());
    Node y = x;
    for (int i = 0; i < amounts.length; i++) {
      y =
          crop
              ? Slice.of(y, i + 1, amounts[i][0], out.dim(i + 1))
              : ZeroPad.of(y, i + 1, amounts[i][0], amounts[i][1]);
    }
    return y;
  }
}
