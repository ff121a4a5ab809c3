package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.MatMul;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Transpose;
import dev.graft.dsl.Activation;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keras's {@code EinsumDense(equation, output_shape, bias_axes, activation)}: {@code
 * einsum(equation, x, kernel) + bias}, the kernel's shape derived from the equation as Keras's
 * {@code _analyze_einsum_string} derives it (a kernel letter takes its size from {@code
 * output_shape} if the output has it, else from the input), the bias over the output from the first
 * of {@code bias_axes} to the end (1 for the letters not in {@code bias_axes}).
 *
 * <p>Supported: equations in which every letter is in exactly two of input, kernel and output, the
 * input's first letter (the batch) leading the output, with or without Keras's ellipsis ({@code
 * ab,bc->ac}, {@code abc,cd->abd}, {@code abc,cde->abde}, {@code abcd,cde->abe}, {@code
 * ...b,bc->...c}, ...). They run as one matrix product: the input's kept axes times its contracted
 * ones, transposed only when the letters are out of that order, so gradients are those of {@code
 * MatMul}, {@code Reshape} and {@code Transpose}. Other equations (a letter in all three, or summed
 * out of the input alone) are refused, naming the equation.
 */
public final class EinsumDense extends SingleInput {
  private static final Pattern PLAIN = Pattern.compile("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)");
  private static final Pattern LEFT = Pattern.compile("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)");
  private static final Pattern RIGHT = Pattern.compile("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0");

  private final String equation;
  private final String in;
  private final String kernelSpec;
  private final String out;

  /** -1: the ellipsis is on the left; 1: on the right; 0: none. */
  private final int ellipsis;

  private final int[] outputShape;
  private String biasAxes;
  private Activation activation = Activation.LINEAR;
  private Initializer kernelInitializer = Initializers.glorotUniform();
  private Initializer biasInitializer = Initializers.zeros();
  private Variable kernel;
  private Variable bias;

  /**
   * {@code einsum(equation, x, kernel)}; {@code outputShape} is the output's shape without the
   * batch and the ellipsis' axes ({@code Shape.UNKNOWN} where the input gives it), as Keras's
   * {@code output_shape}.
   *
   * @param equation Keras's einsum equation, e.g. {@code "ab,bc->ac"}
   * @param outputShape the output's shape after the batch
   * @throws IllegalArgumentException for an equation Keras refuses or Graft does not support, or a
   *     negative size
   */
  public EinsumDense(String equation, int... outputShape) {
    if (equation == null) {
      throw new IllegalArgumentException(
          "Invalid value for argument equation of EinsumDense. Received: equation=null");
    }
    this.equation = equation;
    String dots = equation.replace("...", "0");
    Matcher m;
    if ((m = PLAIN.matcher(dots)).matches()) {
      ellipsis = 0;
    } else if ((m = LEFT.matcher(dots)).matches()) {
      ellipsis = -1;
    } else if ((m = RIGHT.matcher(dots)).matches()) {
      ellipsis = 1;
    } else {
      throw new IllegalArgumentException(
          "Invalid value for argument equation of EinsumDense. Received: equation="
              + equation
              + " (equations must be of the form [X],[Y]->[Z], ...[X],[Y]->...[Z] or"
              + " [X]...,[Y]->[Z]...)");
    }
    in = m.group(1);
    kernelSpec = m.group(2);
    out = m.group(3);
    checkLetters();
    for (int d : outputShape) {
      checkArgument(
          d > 0 || d == Shape.UNKNOWN, "EinsumDense", "output_shape", Arrays.toString(outputShape));
    }
    this.outputShape = outputShape.clone();
  }

  /** Keras's checks of the letters, then Graft's limits, each naming the equation. */
  private void checkLetters() {
    for (String spec : new String[] {in, kernelSpec, out}) {
      for (int i = 0; i < spec.length(); i++) {
        if (spec.indexOf(spec.charAt(i)) != i) {
          throw unsupported("letter '" + spec.charAt(i) + "' repeats within \"" + spec + "\"");
        }
      }
    }
    for (char c : out.toCharArray()) {
      if (!has(in, c) && !has(kernelSpec, c)) {
        throw new IllegalArgumentException(
            "EinsumDense equation \""
                + equation
                + "\": dimension '"
                + c
                + "' of the output has no corresponding dimension in the input or the kernel");
      }
    }
    for (char c : kernelSpec.toCharArray()) {
      if (!has(in, c) && !has(out, c)) {
        throw new IllegalArgumentException(
            "EinsumDense equation \""
                + equation
                + "\": kernel dimension '"
                + c
                + "' is in neither the input nor the output; the kernel must be fully specified");
      }
      if (has(in, c) && has(out, c)) {
        throw unsupported("letter '" + c + "' is in the input, the kernel and the output");
      }
    }
    for (char c : in.toCharArray()) {
      if (!has(kernelSpec, c) && !has(out, c)) {
        throw unsupported("input letter '" + c + "' is summed out without the kernel");
      }
    }
    if (ellipsis == 0 || ellipsis == 1) {
      if (out.charAt(0) != in.charAt(0)) {
        throw unsupported("the input's first letter (the batch) must lead the output");
      }
    }
  }

  private IllegalArgumentException unsupported(String why) {
    return new IllegalArgumentException(
        "EinsumDense equation \""
            + equation
            + "\" is not supported: "
            + why
            + ". Graft runs equations whose every letter is in exactly two of input, kernel and"
            + " output, the batch leading, e.g. ab,bc->ac, abc,cd->abd, abc,cde->abde,"
            + " abcd,cde->abe, ...b,bc->...c");
  }

  private static boolean has(String s, char c) {
    return s.indexOf(c) >= 0;
  }

  /**
   * Keras's {@code bias_axes}: the output letters that get a bias (null: no bias); returns this.
   *
   * @param axes the output letters with a bias, or {@code null}
   * @return this layer, for chaining
   * @throws IllegalArgumentException if a letter is not in the output
   * @throws IllegalStateException once the layer is built
   */
  public EinsumDense biasAxes(String axes) {
    requireUnbuilt("bias_axes");
    if (axes != null) {
      for (char c : axes.toCharArray()) {
        if (!has(out, c)) {
          throw new IllegalArgumentException(
              "EinsumDense equation \""
                  + equation
                  + "\": bias dimension '"
                  + c
                  + "' was requested, but is not part of the output spec \""
                  + out
                  + "\"");
        }
      }
    }
    this.biasAxes = axes;
    return this;
  }

  /**
   * The activation by Keras name ({@code "relu"}, ...); returns this.
   *
   * @param name a Keras activation name such as {@code relu} or {@code softmax}; {@code null} or
   *     {@code linear} for none
   * @return this layer, for chaining
   */
  public EinsumDense activation(String name) {
    return activation(Activation.of(name));
  }

  /**
   * The activation applied after the bias; returns this.
   *
   * @param a the activation applied to the output, {@link dev.graft.dsl.Activation#LINEAR} for none
   * @return this layer, for chaining
   */
  public EinsumDense activation(Activation a) {
    this.activation = a;
    return this;
  }

  /**
   * The kernel's initializer (default {@code glorot_uniform}, with Keras's fans: the contracted
   * sizes in, the output's kernel sizes out); returns this.
   *
   * @param init draws the kernel's starting values when the layer is built (see {@link
   *     Initializers})
   * @return this layer, for chaining
   */
  public EinsumDense kernelInitializer(Initializer init) {
    requireUnbuilt("kernel_initializer");
    checkArgument(init != null, "EinsumDense", "kernel_initializer", null);
    this.kernelInitializer = init;
    return this;
  }

  /**
   * The bias's initializer (default zeros); returns this.
   *
   * @param init draws the bias's starting values when the layer is built (see {@link Initializers})
   * @return this layer, for chaining
   */
  public EinsumDense biasInitializer(Initializer init) {
    requireUnbuilt("bias_initializer");
    checkArgument(init != null, "EinsumDense", "bias_initializer", null);
    this.biasInitializer = init;
    return this;
  }

  /**
   * The equation, as given.
   *
   * @return the equation given at construction
   */
  public String equation() {
    return equation;
  }

  /**
   * The equation's specs for an input of {@code x}'s rank: Keras's ellipsis replaced by letters the
   * equation does not use, one per elided axis; {@code output_shape} gives the output's sizes from
   * {@code partialFrom} (inclusive) to {@code partialTo} (exclusive).
   */
  private record Letters(String in, String kernel, String out, int partialFrom, int partialTo) {}

  private Letters letters(Shape x) {
    int elided = x.rank() - in.length();
    boolean ok = ellipsis == 0 ? elided == 0 : ellipsis < 0 ? elided >= 1 : elided >= 0;
    if (!ok) {
      String rank =
          ellipsis == 0
              ? "rank " + in.length()
              : "rank >= " + (in.length() + (ellipsis < 0 ? 1 : 0));
      throw incompatible(0, rank + " for \"" + equation + "\"", x);
    }
    StringBuilder extra = new StringBuilder();
    for (char c = 'A'; extra.length() < elided; c++) {
      if (c == 'Z' + 1) {
        c = 'a';
      }
      if (!has(in, c) && !has(kernelSpec, c) && !has(out, c)) {
        extra.append(c);
      }
    }
    if (ellipsis < 0) {
      return new Letters(extra + in, kernelSpec, extra + out, elided, elided + out.length());
    }
    return new Letters(in + extra, kernelSpec, out + extra, 1, out.length());
  }

  /** The full output shape per Keras's {@code _analyze_split_string}, checked against the input. */
  private int[] fullOutput(Letters l, Shape x) {
    int want = l.partialTo() - l.partialFrom();
    if (outputShape.length != want) {
      throw new IllegalArgumentException(
          "Layer \""
              + name()
              + "\" (EinsumDense \""
              + equation
              + "\"): output_shape "
              + Arrays.toString(outputShape)
              + " has "
              + outputShape.length
              + " sizes; the equation's output needs "
              + want
              + " (without the batch and the ellipsis)");
    }
    int[] full = new int[l.out().length()];
    for (int i = 0; i < full.length; i++) {
      char c = l.out().charAt(i);
      int given =
          i >= l.partialFrom() && i < l.partialTo()
              ? outputShape[i - l.partialFrom()]
              : Shape.UNKNOWN;
      if (has(l.in(), c)) {
        int d = x.dim(l.in().indexOf(c));
        if (given != Shape.UNKNOWN && d != Shape.UNKNOWN && given != d) {
          throw incompatible(
              0, "size " + given + " at dimension '" + c + "' shared with the output", x);
        }
        full[i] = d == Shape.UNKNOWN ? given : d;
      } else {
        if (given == Shape.UNKNOWN) {
          throw new IllegalArgumentException(
              "Layer \""
                  + name()
                  + "\" (EinsumDense \""
                  + equation
                  + "\"): output_shape must give the size of kernel dimension '"
                  + c
                  + "'");
        }
        full[i] = given;
      }
    }
    return full;
  }

  private int[] kernelShape(Letters l, Shape x, int[] full) {
    int[] k = new int[l.kernel().length()];
    for (int i = 0; i < k.length; i++) {
      char c = l.kernel().charAt(i);
      k[i] = has(l.out(), c) ? full[l.out().indexOf(c)] : x.dim(l.in().indexOf(c));
      if (k[i] == Shape.UNKNOWN) {
        throw incompatible(0, "a known size at contracted dimension '" + c + "'", x);
      }
    }
    return k;
  }

  /** Keras's bias shape: the output from the first bias letter on, 1 where there is no bias. */
  private int[] biasShape(Letters l, int[] full) {
    int first = l.out().length();
    for (char c : biasAxes.toCharArray()) {
      first = Math.min(first, l.out().indexOf(c));
    }
    int[] b = new int[l.out().length() - first];
    for (int i = 0; i < b.length; i++) {
      char c = l.out().charAt(first + i);
      b[i] = has(biasAxes, c) ? full[first + i] : 1;
      if (b[i] == Shape.UNKNOWN) {
        throw new IllegalArgumentException(
            "Layer \""
                + name()
                + "\" (EinsumDense \""
                + equation
                + "\"): the bias needs a known size at dimension '"
                + c
                + "'");
      }
    }
    return b;
  }

  @Override
  protected void build(List<Shape> shapes) {
    Shape x = shapes.get(0);
    Letters l = letters(x);
    int[] full = fullOutput(l, x);
    int[] k = kernelShape(l, x, full);
    int fanIn = 1;
    int fanOut = 1;
    for (int i = 0; i < k.length; i++) {
      if (has(l.out(), l.kernel().charAt(i))) {
        fanOut *= k[i];
      } else {
        fanIn *= k[i];
      }
    }
    kernel =
        addWeight("kernel", Shape.of(k), new Fanned(kernelInitializer, fanIn, fanOut), true, null);
    if (biasAxes != null) {
      bias = addWeight("bias", Shape.of(biasShape(l, full)), biasInitializer, true, null);
    }
  }

  /**
   * Keras's {@code VarianceScaling} with {@code input_axes} / {@code output_axes}: the fans of a
   * {@code (fanIn, fanOut)} matrix, whatever the kernel's rank. Its values are independent draws,
   * so drawing the matrix and reshaping it to the kernel gives the kernel Keras's distribution.
   */
  private record Fanned(Initializer base, int fanIn, int fanOut) implements Initializer {
    @Override
    public Tensor create(Shape shape, Rng rng) {
      return base.create(Shape.of(fanIn, fanOut), rng).reshape(shape);
    }

    @Override
    public String className() {
      return base.className();
    }

    @Override
    public Map<String, Object> config() {
      return base.config();
    }
  }

  @Override
  protected Shape outputShape(Shape x) {
    Letters l = letters(x);
    int[] full = fullOutput(l, x);
    if (kernel != null && !Arrays.equals(kernel.shape().toArray(), kernelShape(l, x, full))) {
      throw incompatible(
          0, "an input giving the kernel shape " + kernel.shape() + " for \"" + equation + "\"", x);
    }
    return Shape.of(full);
  }

  /**
   * One matrix product: the input as rows of its kept axes (batch first) by its contracted axes (in
   * the kernel's order), the kernel as contracted by output axes (in the output's order).
   */
  @Override
  protected Node call(CallContext ctx, Node x) {
    Shape s = x.shape();
    Letters l = letters(s);
    int[] full = fullOutput(l, s);
    StringBuilder kept = new StringBuilder();
    StringBuilder contracted = new StringBuilder();
    StringBuilder produced = new StringBuilder();
    for (char c : l.in().toCharArray()) {
      if (has(l.out(), c)) {
        kept.append(c);
      }
    }
    for (char c : l.kernel().toCharArray()) {
      if (has(l.in(), c)) {
        contracted.append(c);
      }
    }
    for (char c : l.out().toCharArray()) {
      if (has(l.kernel(), c)) {
        produced.append(c);
      }
    }
    // The kept axes after the batch are unfolded from the product's rows by size.
    for (int i = 1; i < kept.length(); i++) {
      if (s.dim(l.in().indexOf(kept.charAt(i))) == Shape.UNKNOWN) {
        throw incompatible(0, "known sizes after the batch when the graph is built", s);
      }
    }
    int depth = 1;
    for (char c : contracted.toString().toCharArray()) {
      depth *= s.dim(l.in().indexOf(c));
    }
    int width = 1;
    for (char c : produced.toString().toCharArray()) {
      width *= full[l.out().indexOf(c)];
    }
    Node rows =
        Reshape.of(
            permute(x, l.in(), kept.toString() + contracted), Shape.of(Shape.UNKNOWN, depth));
    Node k = read(ctx, kernel);
    Node matrix =
        Reshape.of(
            permute(k, l.kernel(), contracted.toString() + produced), Shape.of(depth, width));
    Node y = MatMul.of(rows, matrix);
    String order = kept.toString() + produced;
    int[] dims = new int[order.length()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = i == 0 ? Shape.UNKNOWN : full[l.out().indexOf(order.charAt(i))];
    }
    y = permute(Reshape.of(y, Shape.of(dims)), order, l.out());
    if (bias != null) {
      y = Add.of(y, read(ctx, bias));
    }
    return activation.apply(y);
  }

  /** {@code t}, laid out as the letters {@code from}, transposed to {@code to} (if they differ). */
  private static Node permute(Node t, String from, String to) {
    if (from.equals(to)) {
      return t;
    }
    int[] perm = new int[to.length()];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = from.indexOf(to.charAt(i));
    }
    return Transpose.of(t, perm);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    List<Integer> shape = new ArrayList<>();
    for (int d : outputShape) {
      shape.add(d == Shape.UNKNOWN ? null : d);
    }
    c.put("output_shape", shape);
    c.put("equation", equation);
    c.put("activation", activation.kerasName());
    c.put("bias_axes", biasAxes);
    c.put("kernel_initializer", Configs.of(kernelInitializer));
    c.put("bias_initializer", Configs.of(biasInitializer));
    c.put("kernel_regularizer", null);
    c.put("bias_regularizer", null);
    c.put("activity_regularizer", null);
    c.put("kernel_constraint", null);
    c.put("bias_constraint", null);
    c.put("quantization_config", null);
    return c;
  }
}
