package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Neg;
import dev.graft.autograd.ops.Relu;
import dev.graft.autograd.ops.Sub;
import dev.graft.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code PReLU}: {@code x > 0 ? x : alpha * x} with a learned {@code alpha} of the input
 * shape without the batch, 1 on each of {@code shared_axes} (e.g. {@code (1, 1, C)} for {@code
 * sharedAxes(1, 2)} on images), initialised with zeros.
 */
public final class PRelu extends PassesMask {
  private Initializer alphaInitializer = Initializers.zeros();
  private Regularizer alphaRegularizer;
  private int[] sharedAxes;
  private Variable alpha;

  /** A PReLU with one alpha per input element (no shared axes). */
  public PRelu() {}

  /**
   * Shares one alpha along these input axes (1-based: axis 0 is the batch); returns this.
   *
   * @param axes the axes sharing one alpha
   * @return this layer, for chaining
   * @throws IllegalArgumentException if an axis is below 1
   */
  public PRelu sharedAxes(int... axes) {
    for (int a : axes) {
      checkArgument(a >= 1, "PReLU", "shared_axes", Arrays.toString(axes));
    }
    requireUnbuilt("shared_axes");
    this.sharedAxes = axes.clone();
    return this;
  }

  /**
   * Sets the alpha initializer (default zeros); returns this.
   *
   * @param init draws alpha's starting values when the layer is built
   * @return this layer, for chaining
   */
  public PRelu alphaInitializer(Initializer init) {
    requireUnbuilt("alpha_initializer");
    this.alphaInitializer = init;
    return this;
  }

  /**
   * Adds a penalty on alpha to the loss; returns this.
   *
   * @param reg alpha's penalty, added to the training loss at each step
   * @return this layer, for chaining
   */
  public PRelu alphaRegularizer(Regularizer reg) {
    requireUnbuilt("alpha_regularizer");
    this.alphaRegularizer = reg;
    return this;
  }

  @Override
  public String className() {
    return "PReLU";
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    Shape x = in.get(0);
    int[] dims = alphaDims(x);
    for (int d : dims) {
      if (d == Shape.UNKNOWN) {
        throw incompatible(0, "known sizes on the axes not in shared_axes", x);
      }
    }
  }

  /** The alpha shape for input {@code x}: its dims without the batch, 1 on the shared axes. */
  private int[] alphaDims(Shape x) {
    int[] dims = Arrays.copyOfRange(x.toArray(), 1, x.rank());
    if (sharedAxes != null) {
      for (int a : sharedAxes) {
        if (a >= x.rank()) {
          throw incompatible(0, "a rank above shared axis " + a, x);
        }
        dims[a - 1] = 1;
      }
    }
    return dims;
  }

  @Override
  protected void build(List<Shape> in) {
    alpha =
        addWeight(
            "alpha", Shape.of(alphaDims(in.get(0))), alphaInitializer, true, alphaRegularizer);
  }

  @Override
  protected Shape outputShape(Shape in) {
    int[] want = alpha.shape().toArray();
    int[] got = alphaDims(in);
    if (!Arrays.equals(want, got)) {
      throw incompatible(0, "an input giving alpha shape " + alpha.shape(), in);
    }
    return in;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    // Keras's form: relu(x) - alpha * relu(-x); Mul broadcasts alpha over the batch and the
    // shared axes, and its gradient sums over them
    return Sub.of(Relu.of(x), Mul.of(read(ctx, alpha), Relu.of(Neg.of(x))));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("alpha_initializer", Configs.of(alphaInitializer));
    c.put("alpha_regularizer", Configs.of(alphaRegularizer));
    c.put("alpha_constraint", null);
    List<Integer> axes = null;
    if (sharedAxes != null) {
      axes = new ArrayList<>();
      for (int a : sharedAxes) {
        axes.add(a);
      }
    }
    c.put("shared_axes", axes);
    return c;
  }
}
