package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Div;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Sqrt;
import dev.graft.autograd.ops.Square;
import dev.graft.autograd.ops.Sub;
import dev.graft.tensor.Tensor;

/**
 * Keras's {@code LayerNormalization} over the last axis: each sample's features are normalised by
 * their own mean and (biased) variance, {@code gamma * (x - mean) / sqrt(var + epsilon) + beta},
 * with {@code gamma} (ones) and {@code beta} (zeros) of the last axis's size ({@code scale(false)}
 * and {@code center(false)} leave them out). The same in training and inference; composed from
 * primitive ops, so its gradient comes from theirs.
 */
public final class LayerNormalization extends FeatureNormalization {
  /** A layer normalisation with Keras's defaults: axis -1, epsilon 1e-3. */
  public LayerNormalization() {}

  /**
   * The variance epsilon (default 1e-3); returns this.
   *
   * @param value the value added to the variance before its square root, above 0
   * @return this layer, for chaining
   * @throws IllegalArgumentException unless {@code epsilon > 0}
   */
  public LayerNormalization epsilon(double value) {
    setEpsilon(value);
    return this;
  }

  /**
   * Keras's {@code center}: whether to add the offset {@code beta} (default true); returns this.
   *
   * @param value false to build the layer without {@code beta}
   * @return this layer, for chaining
   * @throws IllegalStateException once the layer is built
   */
  public LayerNormalization center(boolean value) {
    setCenter(value);
    return this;
  }

  /**
   * Keras's {@code scale}: whether to multiply by {@code gamma} (default true); returns this.
   *
   * @param value false to build the layer without {@code gamma}
   * @return this layer, for chaining
   * @throws IllegalStateException once the layer is built
   */
  public LayerNormalization scale(boolean value) {
    setScale(value);
    return this;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Node centered = Sub.of(x, Reduction.mean(x, true, -1));
    Node variance = Reduction.mean(Square.of(centered), true, -1);
    Node eps = x.graph().constant(Tensor.scalar(epsilon));
    Node normalized = Div.of(centered, Sqrt.of(Add.of(variance, eps)));
    Node scaled = gamma == null ? normalized : Mul.of(normalized, read(ctx, gamma));
    return beta == null ? scaled : Add.of(scaled, read(ctx, beta));
  }

  /** Keras's {@code supports_masking}: an input's mask passes through to the output. */
  @Override
  protected boolean supportsMasking() {
    return true;
  }
}
