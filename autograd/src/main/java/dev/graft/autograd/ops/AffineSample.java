package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.layout.Affine2d;
import java.util.Arrays;
import java.util.List;

/**
 * Resamples images {@code x (N, H, W, C)} through one 2x3 matrix per image {@code m (N, 6)} (output
 * coordinates to input coordinates, see {@link Affine2d}), bilinear. Its gradient with respect to
 * the images is the transposed sampling; the matrices get none (they are drawn, not learnt).
 */
public final class AffineSample extends Op {
  private final Affine2d.Fill fill;
  private final float fillValue;

  private AffineSample(Affine2d.Fill fill, float fillValue) {
    this.fill = fill;
    this.fillValue = fillValue;
  }

  /**
   * {@code x} resampled through {@code matrices}, filling outside points by {@code fill}.
   *
   * @param x images {@code (N, H, W, C)}
   * @param matrices {@code (N, 6)} transforms mapping output to input coordinates, one per image
   * @param fill how points outside the image are filled (constant, nearest, reflect, wrap)
   * @param fillValue the value of the constant fill
   * @return the resampled images, shaped like {@code x}
   */
  public static Node of(Node x, Node matrices, Affine2d.Fill fill, float fillValue) {
    return x.graph().apply(new AffineSample(fill, fillValue), x, matrices);
  }

  @Override
  public String kind() {
    return "affine_sample";
  }

  @Override
  public String attributes() {
    return fill.name().toLowerCase(java.util.Locale.ROOT)
        + (fill == Affine2d.Fill.CONSTANT ? "=" + fillValue : "");
  }

  @Override
  public Shape outputShape(List<Shape> in) {
    Shapes.arity(kind(), in, 2);
    Shape x = in.get(0);
    Shape m = in.get(1);
    if (x.rank() != 4 || m.rank() != 2 || m.dim(1) != 6) {
      throw shapeError("images " + x + " (N, H, W, C) and matrices " + m + " (N, 6) do not fit");
    }
    return x;
  }

  @Override
  public void forward(Args a) {
    Affine2d.apply(a.input(0), a.input(1), fill, fillValue, a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Node m = self.input(1);
    return Arrays.asList(g.graph().apply(new Transposed(fill), g, m), null);
  }

  /** The transposed sampling: scatters the upstream gradient back to the input pixels. */
  static final class Transposed extends BackwardOp {
    private final Affine2d.Fill fill;

    Transposed(Affine2d.Fill fill) {
      this.fill = fill;
    }

    @Override
    public String kind() {
      return "affine_sample_grad";
    }

    @Override
    public Shape outputShape(List<Shape> in) {
      return in.get(0);
    }

    @Override
    public void forward(Args a) {
      Affine2d.transpose(a.input(0), a.input(1), fill, a.output());
    }
  }
}
