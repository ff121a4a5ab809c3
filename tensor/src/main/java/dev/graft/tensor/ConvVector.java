package dev.graft.tensor;

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

  private static volatile boolean enabled = PRESENT && VectorSupport.WANTED;

  /** Whether a convolution of geometry {@code g} to {@code cout} channels takes these kernels. */
  static boolean suits(ConvGeometry g, int cout) {
    return enabled && g.channels() <= MAX_CHANNELS && cout % KERNELS.channelBlock() == 0;
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
    KERNELS.forwardRows(
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
    KERNELS.kernelRows(x.array(), x.offset(), g, dy, dyOff, cout, n, oh0, count, d, dOff, withBias);
  }

  /**
   * Whether 2x2 max pooling over {@code c} channels (and its gradient scatter) takes the Vector API
   * loops: whole vectors of channels.
   */
  static boolean suitsPooling(int c) {
    return enabled && c % (KERNELS.channelBlock() / 2) == 0;
  }

  /** {@link ConvRowKernels#maxTiles2x2} on tensors, pooled rows from {@code r0}. */
  static void maxTiles2x2(
      float[] block, int rows, int convW, int c, Tensor out, Tensor taps, int r0) {
    int at = r0 * (convW / 2) * c;
    KERNELS.maxTiles2x2(
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
    KERNELS.scatterTiles2x2(
        dOut.array(), dOut.offset() + at, taps.array(), taps.offset() + at, rows, convW, c, block);
  }
}
