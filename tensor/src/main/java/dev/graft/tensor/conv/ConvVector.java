package dev.graft.tensor.conv;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;
import dev.graft.tensor.support.Exercise;
import dev.graft.tensor.support.JitWarmup;
import dev.graft.tensor.support.VectorSupport;
import java.util.function.Consumer;

/**
 * When and how {@link Conv2d} and {@link ConvPool} run the Vector API kernels of {@link
 * dev.graft.tensor.vector.VectorConv}: for convolutions over at most {@link #MAX_CHANNELS} input
 * channels whose output channels fill whole vector blocks, when the JVM has the {@code
 * jdk.incubator.vector} module and {@code -Dgraft.vector=false} does not turn them off. Otherwise
 * the convolution takes the im2col + BLAS path or the plain loops, with the same results.
 *
 * <p>The kernels are made by name (see {@link VectorSupport}), so this class loads without the
 * module.
 */
final class ConvVector {
  private ConvVector() {}

  /** The most input channels this path takes; more make im2col products thick enough for BLAS. */
  static final int MAX_CHANNELS = 4;

  /** The kernels, or null without the module. */
  private static final ConvRowKernels KERNELS =
      VectorSupport.load("VectorConv", ConvRowKernels.class);

  private static final boolean PRESENT = KERNELS != null;

  /** The kernels or, while the JIT compiles them, their plain-Java twin. */
  private static final JitWarmup<ConvRowKernels> WARMUP =
      family("VectorConv", ConvVector::exercise, JitWarmup.RANK_CONVOLUTIONS);

  /**
   * The same kernels' 2x2 pooling and its gradient scatter, a family of their own: small, they
   * compile long before the convolutions, and until they do {@link PoolLoops}' plain loops pool
   * every convolution's output, whichever path it took, about 9 times slower (seed model 1's 2x2
   * pooling over 32 x 62 x 62 x 32: 5.0 ms against 0.55, a third of its kernel threads' samples in
   * a fresh JVM's first 20 steps and predictions).
   */
  private static final JitWarmup<ConvRowKernels> POOLING =
      family("VectorConv.pooling", ConvVector::exercisePooling, JitWarmup.RANK_POOLING);

  /** A family of these kernels with {@link ScalarConv} as the twin, or null without the module. */
  private static JitWarmup<ConvRowKernels> family(
      String name, Consumer<ConvRowKernels> exercise, int rank) {
    return PRESENT
        ? new JitWarmup<>(name, KERNELS, new ScalarConv(KERNELS.channelBlock()), exercise, rank)
        : null;
  }

  private static volatile boolean enabled = PRESENT && VectorSupport.WANTED;

  /** Whether a convolution of geometry {@code g} to {@code cout} channels takes these kernels. */
  static boolean suits(ConvGeometry g, int cout) {
    return enabled && g.channels() <= MAX_CHANNELS && cout % KERNELS.channelBlock() == 0;
  }

  /**
   * Whether a call of geometry {@code g} to {@code cout} channels runs these kernels now rather
   * than im2col products on {@code blas}: always when they {@link #suits suit} it, except while the
   * JIT still compiles them in an unseeded run with a native BLAS. Then im2col and OpenBLAS, which
   * need no compilation, are much faster than the plain-Java twin (seed model 3's first steps 12-17
   * ms against 40-50); the switch may change the last bit of a result, as the {@code auto}
   * back-end's timing may. A seeded run takes the bit-identical twin. Plans that size buffers
   * ({@link Conv2d#columnsShape}) ask {@link #suits}: the BLAS path then builds its im2col matrix
   * in scratch, and the backward pass rebuilds it.
   */
  static boolean suitsNow(ConvGeometry g, int cout, Blas blas) {
    if (!suits(g, cout)) {
      return false;
    }
    return Rng.seeded() || !ConvGemm.suits(blas) || WARMUP.warmOrStart();
  }

  /** Whether the JVM has the module these kernels need. */
  static boolean present() {
    return PRESENT;
  }

  /** Turns the kernels on or off (tests compare both paths); on needs the module. */
  static void enable(boolean on) {
    enabled = on && PRESENT;
  }

  /** Whether the kernels are on. */
  static boolean enabled() {
    return enabled;
  }

  /** {@code out = conv(x, kernel) + bias}: output rows split over the workers. */
  static void forward(Tensor x, Tensor kernel, Tensor bias, ConvGeometry g, Tensor out, int cout) {
    int oh = g.outH();
    int rowSize = g.outW() * cout;
    Parallel.forRange(
        out.shape().dim(0) * oh,
        Math.max(1, ConvGemm.MIN_PART / g.outW()),
        (from, to) -> {
          for (int r = from; r < to; ) {
            int n = r / oh;
            int q = r - n * oh;
            int count = Math.min(to - r, oh - q);
            rows(x, kernel, bias, g, cout, n, q, count, out.array(), out.offset() + r * rowSize);
            r += count;
          }
        });
  }

  /**
   * The kernel gradient into {@code d[dOff ...]} as (K x Cout), followed by the bias gradient when
   * {@code withBias}: both overwritten. Each worker sums its rows privately; the parts are added at
   * the end.
   */
  static void kernelGradient(
      Tensor x, Tensor dy, ConvGeometry g, float[] d, int dOff, boolean withBias) {
    int cout = dy.shape().dim(3);
    int k = g.kh() * g.kw() * g.channels();
    int len = (withBias ? k + 1 : k) * cout;
    int oh = g.outH();
    int rows = dy.shape().dim(0) * oh;
    int parts = Math.max(1, Math.min(Parallel.threads(), rows * g.outW() / ConvGemm.MIN_PART));
    float[] partials = ConvGemm.scratch(0, parts * len);
    java.util.Arrays.fill(partials, 0, parts * len, 0f);
    int rowSize = g.outW() * cout;
    Parallel.forRange(
        parts,
        1,
        (from, to) -> {
          for (int part = from; part < to; part++) {
            for (int r = ConvGemm.start(rows, part, parts),
                    end = ConvGemm.start(rows, part + 1, parts);
                r < end; ) {
              int n = r / oh;
              int q = r - n * oh;
              int count = Math.min(end - r, oh - q);
              kernelRows(
                  x,
                  g,
                  dy.array(),
                  dy.offset() + r * rowSize,
                  cout,
                  n,
                  q,
                  count,
                  partials,
                  part * len,
                  withBias);
              r += count;
            }
          }
        });
    ConvGemm.sumParts(partials, parts, len, d, dOff);
  }

  /**
   * Output rows {@code [oh0, oh0 + count)} of image {@code n} into {@code out[outOff ...]}: see
   * {@link ConvRowKernels#forwardRows}.
   */
  static void rows(
      Tensor x,
      Tensor kernel,
      Tensor bias,
      ConvGeometry g,
      int cout,
      int n,
      int oh0,
      int count,
      float[] out,
      int outOff) {
    WARMUP
        .get()
        .forwardRows(
            x.array(),
            x.offset(),
            g,
            kernel.array(),
            kernel.offset(),
            bias == null ? null : bias.array(),
            bias == null ? 0 : bias.offset(),
            cout,
            n,
            oh0,
            count,
            out,
            outOff);
  }

  /**
   * Adds the kernel (and bias) gradient of output rows {@code [oh0, oh0 + count)} of image {@code
   * n}, whose output gradient starts at {@code dy[dyOff]}: see {@link ConvRowKernels#kernelRows}.
   */
  static void kernelRows(
      Tensor x,
      ConvGeometry g,
      float[] dy,
      int dyOff,
      int cout,
      int n,
      int oh0,
      int count,
      float[] d,
      int dOff,
      boolean withBias) {
    WARMUP
        .get()
        .kernelRows(x.array(), x.offset(), g, dy, dyOff, cout, n, oh0, count, d, dOff, withBias);
  }

  /**
   * Whether 2x2 max pooling over {@code c} channels (and its gradient scatter) takes the Vector API
   * loops: whole vectors of channels.
   */
  static boolean suitsPooling(int c) {
    // Not the twin while the JIT compiles: the plain loops of PoolLoops give the same bits (a max
    // and a copy round nothing; ConvTwinsTest compares them) with the same branch-free taps.
    return enabled && c % (KERNELS.channelBlock() / 2) == 0 && POOLING.warmOrStart();
  }

  /** {@link ConvRowKernels#maxTiles2x2} on tensors, pooled rows from {@code r0}. */
  static void maxTiles2x2(
      float[] block, int rows, int convW, int c, Tensor out, Tensor taps, int r0) {
    int at = r0 * (convW / 2) * c;
    POOLING
        .get()
        .maxTiles2x2(
            block,
            rows,
            convW,
            c,
            out.array(),
            out.offset() + at,
            taps == null ? null : taps.array(),
            taps == null ? 0 : taps.offset() + at);
  }

  /** {@link ConvRowKernels#scatterTiles2x2} on tensors, pooled rows from {@code r0}. */
  static void scatterTiles2x2(
      Tensor dOut, Tensor taps, int r0, int rows, int convW, int c, float[] block) {
    int at = r0 * (convW / 2) * c;
    POOLING
        .get()
        .scatterTiles2x2(
            dOut.array(),
            dOut.offset() + at,
            taps.array(),
            taps.offset() + at,
            rows,
            convW,
            c,
            block);
  }

  /**
   * Every convolution kernel of {@code k} on a 2x3 image of 4 channels (three channels per pass,
   * then one), 3x3 'same' windows, with and without bias: the branches the layers take, so the
   * compiled code does not trap back to the interpreter. Small, so that the interpreted runs before
   * compilation cost little.
   */
  private static void exercise(ConvRowKernels k) {
    int cout = k.channelBlock();
    ConvGeometry g = Problem.GEOMETRY;
    float[] x = Exercise.X;
    float[] w = Problem.W;
    float[] out = Problem.OUT;
    float[] d = Problem.D;
    ConvGeometry wide = Problem.WIDE;
    k.forwardRows(x, 0, wide, w, 0, w, 9 * 4 * cout, cout, 0, 0, 1, out, 0);
    k.forwardRows(x, 0, wide, w, 0, null, 0, cout, 0, 1, 1, out, 0);
    k.forwardRows(x, 0, Problem.TILED, w, 0, w, 9 * 4 * cout, cout, 0, 0, 1, out, 0);
    k.kernelRows(x, 0, g, out, 0, cout, 0, 0, 1, d, 0, true);
    k.kernelRows(x, 0, g, out, 0, cout, 0, 1, 1, d, 0, false);
  }

  /** 2x2 pooling of even and odd widths, with taps and without, and the scatter of its gradient. */
  private static void exercisePooling(ConvRowKernels k) {
    int cout = k.channelBlock();
    float[] out = Problem.OUT;
    float[] d = Problem.D;
    for (int convW = 2; convW <= 3; convW++) {
      k.maxTiles2x2(out, 1, convW, cout, Problem.POOLED, 0, d, 0);
      k.maxTiles2x2(out, 1, convW, cout, Problem.POOLED, 0, null, 0);
      k.scatterTiles2x2(Problem.POOLED, 0, d, 0, 1, convW, cout, out);
    }
  }

  /** The exercise's arrays, made once (only the warm-up thread uses them). */
  private static final class Problem {
    static final ConvGeometry GEOMETRY =
        ConvGeometry.of(2, 3, 4, 3, 3, 1, ConvGeometry.Padding.SAME);

    /**
     * For the forward pass: rows wide enough for one of the kernels' pixel tiles, a remainder and
     * both borders (a 3-wide window, padded: {@code forwardTile() + 1} inside columns). Without a
     * tile the first real call ran it interpreted: 245 ms and 264 MB of boxed vectors for a 32x32
     * batch of 32.
     */
    static final ConvGeometry WIDE =
        ConvGeometry.of(2, KERNELS.forwardTile() + 3, 4, 3, 3, 1, ConvGeometry.Padding.SAME);

    /**
     * A 'valid' row of whole tiles, without border or remainder pixels: the layers' usual case,
     * whose skipped border walks a compiled forward must not have pruned (seen: a trap back to the
     * interpreter, and ten slower steps, when a second model's convolutions came to it).
     */
    static final ConvGeometry TILED =
        ConvGeometry.of(3, KERNELS.forwardTile() + 2, 4, 3, 3, 1, ConvGeometry.Padding.VALID);

    static final int COUT = KERNELS.channelBlock();
    static final float[] W = Exercise.floats(9 * 4 * COUT + COUT);
    static final float[] OUT = Exercise.floats(WIDE.outW() * COUT);
    static final float[] D = Exercise.floats(9 * 4 * COUT + COUT);
    static final float[] POOLED = Exercise.floats(COUT);
  }
}
