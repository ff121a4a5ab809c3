package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Conv2DTranspose;
import dev.graft.tensor.Shape;
import dev.graft.tensor.conv.Conv2dTranspose;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Keras's transposed convolution ({@link Conv1DTranspose}, {@link Conv2DTranspose}): the adjoint of
 * the convolution with the same kernel, strides, dilation and padding, which maps this layer's
 * output back to its input. Output length per axis {@code in * s} ({@code same}) or {@code in * s +
 * max(e - s, 0)} ({@code valid}, {@code e} the dilated window), or with {@code output_padding} p
 * {@code (in - 1) * s + e - 2 * pad + p} ({@code pad = e / 2} for {@code same}, else 0). Weights
 * {@code kernel (window, filters, C)} ({@code glorot_uniform}; the last two axes swapped with
 * respect to the convolution) and {@code bias (filters)} (zeros).
 *
 * @param <L> the concrete layer, returned by the fluent setters
 */
public abstract class TransposedConv<L extends TransposedConv<L>> extends SpatialConv<L> {
  private final int filters;
  private int[] outputPadding;
  private Initializer kernelInitializer = Initializers.glorotUniform();
  private Variable kernel;
  private Variable bias;

  TransposedConv(int rank, int filters, int... kernelSize) {
    super(rank, kernelSize);
    checkArgument(filters > 0, getClass().getSimpleName(), "filters", filters);
    this.filters = filters;
  }

  /**
   * Extra output rows/columns at the bottom/right, each smaller than its stride (Keras's {@code
   * output_padding}; default none): one per spatial axis, or one for all; returns this.
   *
   * @param values the extra rows and columns, one per spatial axis or one for all
   * @return this layer, for chaining
   */
  public L outputPadding(int... values) {
    int[] p = perAxis("output_padding", values, 0);
    requireUnbuilt("output_padding");
    this.outputPadding = p;
    return self();
  }

  /**
   * Sets the kernel initializer; returns this.
   *
   * @param init draws the kernel's starting values when the layer is built (see {@link
   *     Initializers})
   * @return this layer, for chaining
   */
  public L kernelInitializer(Initializer init) {
    requireUnbuilt("kernel_initializer");
    this.kernelInitializer = init;
    return self();
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    super.checkInputs(in);
    if (outputPadding != null) {
      for (int a = 0; a < outputPadding.length; a++) {
        checkArgument(
            outputPadding[a] < strides()[a],
            getClass().getSimpleName(),
            "output_padding",
            Arrays.toString(outputPadding)
                + " (each must be smaller than its stride; strides="
                + Arrays.toString(strides())
                + ")");
      }
    }
  }

  @Override
  protected void build(List<Shape> in) {
    kernel =
        addWeight(
            "kernel", kernelShape(filters, channels(in.get(0))), kernelInitializer, true, null);
    if (useBias()) {
      bias = addWeight("bias", Shape.of(filters), biasInitializer(), true, null);
    }
  }

  private int[] outputPadding2d() {
    return outputPadding == null ? null : as2d(outputPadding, 0);
  }

  @Override
  protected Shape outputShape(Shape x) {
    checkChannels(x, kernel.shape().dim(kernelSize().length + 1));
    Shape image = image(UnknownDims.assumeKnown(x));
    int[] k = kernel2d();
    int[] s = strides2d();
    int[] d = dilation2d();
    try {
      Shape out =
          unimage(
              Conv2dTranspose.geometry(
                      image.dim(1),
                      image.dim(2),
                      filters,
                      k[0],
                      k[1],
                      s[0],
                      s[1],
                      d[0],
                      d[1],
                      padding(),
                      outputPadding2d())
                  .inputShape(x.dim(0)));
      return UnknownDims.keepUnknown(x, out);
    } catch (IllegalArgumentException e) {
      throw incompatible(0, "sizes the transposed convolution fits (" + e.getMessage() + ")", x);
    }
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return finish(
        Conv2DTranspose.of(
            image(x),
            kernel2d(read(ctx, kernel)),
            useBias() ? read(ctx, bias) : null,
            strides2d(),
            dilation2d(),
            padding(),
            outputPadding2d()));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("filters", filters);
    c.put("output_padding", outputPadding == null ? null : outputPadding.clone());
    c.put("kernel_initializer", Configs.of(kernelInitializer));
    c.put("kernel_regularizer", null);
    c.put("kernel_constraint", null);
    return c;
  }
}
