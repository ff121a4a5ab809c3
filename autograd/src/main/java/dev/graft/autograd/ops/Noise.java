package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * Keras's random regularisation layers as one op: the identity in inference; in training, Gaussian
 * noise added, or the input multiplied by a random mask (dropout, Gaussian dropout, alpha dropout).
 * A mask is drawn per element or, for spatial dropout, per (sample, channel) and shared over the
 * other axes (Keras's noise shape {@code (batch, 1, ..., 1, channels)}). Random values come from
 * the plan's {@link Rng}, so {@code Graft.seed} makes them reproducible; the mask is kept in the
 * workspace when a backward pass reads it.
 */
public final class Noise extends Elementwise {
  /** What is drawn. */
  public enum Kind {
    /** {@code x * m}, {@code m = 0} with probability {@code rate}, else {@code 1 / (1 - rate)}. */
    DROPOUT,
    /** {@code x + stddev * N(0, 1)}. */
    GAUSSIAN_NOISE,
    /** {@code x * N(1, rate / (1 - rate))}. */
    GAUSSIAN_DROPOUT,
    /**
     * Keras's {@code AlphaDropout}: dropped values set to SELU's negative saturation {@code
     * alpha'}, then {@code a x + b} keeps the mean and variance.
     */
    ALPHA_DROPOUT
  }

  private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
  private static final double SELU_SCALE = 1.0507009873554804934193349852946;

  private final Kind which;
  private final float amount;
  private final boolean perChannel;
  // AlphaDropout's affine correction a * x + b, and the value a dropped element takes
  private final float alphaA;
  private final float alphaB;
  private final float alphaDropped;

  private Noise(Kind which, float amount, boolean perChannel) {
    this.which = which;
    this.amount = amount;
    this.perChannel = perChannel;
    double alphaP = -SELU_ALPHA * SELU_SCALE;
    double a = Math.pow((1 - amount) * (1 + amount * alphaP * alphaP), -0.5);
    double b = -a * alphaP * amount;
    this.alphaA = (float) a;
    this.alphaB = (float) b;
    this.alphaDropped = (float) (a * alphaP + b);
  }

  /**
   * The noise of kind {@code which} on {@code x}.
   *
   * @param amount the standard deviation for {@link Kind#GAUSSIAN_NOISE} ({@code >= 0}), else the
   *     drop rate ({@code 0 <= rate < 1})
   * @param perChannel one draw per sample and last-axis channel, shared over the middle axes
   * @param x the input, any shape
   * @param which the kind of noise
   * @return a node shaped like {@code x}; {@code x}'s values in inference
   * @throws IllegalArgumentException for an amount out of range, or {@code perChannel} on an input
   *     of rank below 3 or with Gaussian noise
   */
  public static Node of(Node x, Kind which, float amount, boolean perChannel) {
    boolean ok =
        which == Kind.GAUSSIAN_NOISE
            ? amount >= 0f && Float.isFinite(amount)
            : amount >= 0f && amount < 1f;
    String name = which.name().toLowerCase(Locale.ROOT);
    if (!ok) {
      throw new IllegalArgumentException(
          name
              + ": "
              + (which == Kind.GAUSSIAN_NOISE ? "stddev" : "rate")
              + " out of range: "
              + amount);
    }
    if (perChannel && (which == Kind.GAUSSIAN_NOISE || x.shape().rank() < 3)) {
      throw new IllegalArgumentException(
          name
              + ": a per-channel mask needs a mask kind and an input of rank >= 3; got "
              + x.shape());
    }
    return x.graph().apply(new Noise(which, amount, perChannel), x);
  }

  @Override
  public String kind() {
    return which.name().toLowerCase(Locale.ROOT) + (perChannel ? "_per_channel" : "");
  }

  @Override
  public String attributes() {
    return (which == Kind.GAUSSIAN_NOISE ? "stddev=" : "rate=") + amount;
  }

  @Override
  public boolean canRunInPlace(int input) {
    return false;
  }

  @Override
  public Shape workspaceShape(List<Shape> inputs, Shape output) {
    return which == Kind.GAUSSIAN_NOISE ? null : output;
  }

  @Override
  public Shape workspaceShape(List<Shape> inputs, Shape output, boolean backwardReads) {
    // the mask is kept only for a gradient; without one it is drawn into the output buffer
    return backwardReads ? workspaceShape(inputs, output) : null;
  }

  @Override
  public void forward(Args a) {
    Tensor x = a.input(0);
    Tensor out = a.output();
    float[] xs = x.array();
    float[] o = out.array();
    int xo = x.offset();
    int oo = out.offset();
    int n = x.size();
    boolean active = a.training() && amount > 0f;
    if (which == Kind.GAUSSIAN_NOISE) {
      Rng rng = active ? a.rng() : null;
      for (int i = 0; i < n; i++) {
        o[oo + i] = active ? (float) (xs[xo + i] + amount * rng.nextGaussian()) : xs[xo + i];
      }
      return;
    }
    Tensor ws = a.workspace();
    float[] m = ws != null ? ws.array() : o;
    int mo = ws != null ? ws.offset() : oo;
    if (!active) {
      if (ws != null) {
        java.util.Arrays.fill(m, mo, mo + n, 1f);
      }
      System.arraycopy(xs, xo, o, oo, n);
      return;
    }
    fillMask(a.rng(), m, mo, x.shape());
    if (which == Kind.ALPHA_DROPOUT) {
      // Keras: a * (x * kept + alpha' * (1 - kept)) + b, with the mask holding a * kept.
      for (int i = 0; i < n; i++) {
        float mi = m[mo + i];
        o[oo + i] = xs[xo + i] * mi + (mi != 0f ? alphaB : alphaDropped);
      }
    } else {
      for (int i = 0; i < n; i++) {
        o[oo + i] = xs[xo + i] * m[mo + i];
      }
    }
  }

  /** One multiplier per element, or per (sample, channel) copied over the middle axes. */
  private void fillMask(Rng rng, float[] m, int off, Shape shape) {
    int n = shape.size();
    if (!perChannel) {
      draw(rng, m, off, off + n);
      return;
    }
    int channels = shape.dim(-1);
    int batch = shape.dim(0);
    int block = n / batch;
    for (int b = 0; b < batch; b++) {
      int base = off + b * block;
      draw(rng, m, base, base + channels);
      for (int p = channels; p < block; p += channels) {
        System.arraycopy(m, base, m, base + p, channels);
      }
    }
  }

  /**
   * The multipliers of {@code m[from, to)}, drawn in order under one lock of the generator (a lock
   * per value cost about 25 ns).
   */
  private void draw(Rng rng, float[] m, int from, int to) {
    switch (which) {
      case DROPOUT -> rng.keepMask(m, from, to, amount, 1f / (1f - amount));
      case GAUSSIAN_DROPOUT ->
          rng.normal(m, from, to, 1, Math.sqrt(amount / (1.0 - amount)), Double.POSITIVE_INFINITY);
      case ALPHA_DROPOUT -> rng.keepMask(m, from, to, amount, alphaA);
      case GAUSSIAN_NOISE -> throw new IllegalStateException("additive noise has no mask");
    }
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return which == Kind.GAUSSIAN_NOISE
        ? List.of(g)
        : List.of(self.graph().apply(new Dropout.MaskGrad(), self, g));
  }
}
