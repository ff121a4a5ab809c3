package dev.graft.tensor.conv;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;

/**
 * A convolution followed by max pooling whose windows tile the convolution's output (window =
 * strides, {@code valid}), as one kernel: {@code out = maxPool(conv(x, kernel) + bias)}, the same
 * values as {@link Conv2d#forward} then {@link Pool2d#maxForward}.
 *
 * <p>The convolution's output is never stored. It is computed by the Vector API kernels or through
 * im2col and GEMM (as {@link Conv2d} chooses) in chunks of whole pooling rows (the {@code ph}
 * convolution rows under one row of windows), and each chunk is pooled while it is still in cache.
 * Convolution rows below the last whole row of windows are not computed at all: {@code valid}
 * pooling drops them. On the seed's 32x32x3 → 64 layer this halves the time of convolution plus
 * pooling against the two separate kernels, which write the 7.4 MB output to memory and read it
 * back.
 *
 * <p>For the gradient, a forward pass can record the window tap of each maximum ({@code i * pw +
 * j}, as {@link Pool2d#maxForwardWithTaps} does, so {@link Pool2d#maxBackwardFromTaps} turns them
 * into the convolution's output gradient) and keep its im2col matrix. {@link #backwardKernel} then
 * scatters each chunk's pooled gradient through the taps into a cache-sized block and multiplies,
 * again without a full-size intermediate.
 */
public final class ConvPool {
  private ConvPool() {}

  /**
   * Whether max pooling with geometry {@code pool} tiles its input: windows as large as the strides
   * and no padding. Only such pooling can follow the convolution in this kernel.
   *
   * @param pool the pooling geometry
   * @return true if the pool's window equals its strides and its padding is {@code valid}
   */
  public static boolean tiles(ConvGeometry pool) {
    return pool.kh() == pool.strideH()
        && pool.kw() == pool.strideW()
        && pool.dilationH() == 1
        && pool.dilationW() == 1
        && pool.padTop() == 0
        && pool.padLeft() == 0
        && pool.padBottom() == 0
        && pool.padRight() == 0;
  }

  /**
   * Whether this kernel can run a convolution of geometry {@code conv} to {@code filters} channels
   * with the BLAS back-end in use: through the Vector API kernels (see {@link Conv2d}) or a native
   * BLAS. With the pure-Java back-end, the separate kernels are faster.
   *
   * @param conv the convolution geometry
   * @param filters the number of output channels
   * @return true if the Vector API kernels suit the shape or the BLAS in use is native; false sends
   *     the caller to the separate kernels
   */
  public static boolean supports(ConvGeometry conv, int filters) {
    return ConvVector.suits(conv, filters) || ConvGemm.suits(Blas.current().singleThreaded());
  }

  /**
   * The shape of the im2col matrix a forward pass can keep for {@link #backwardKernel}: one row per
   * convolution pixel under a pooling window, {@code kh*kw*Cin} columns plus one for a bias; or
   * {@code null} when the convolution runs the Vector API kernels, which read the input in place.
   *
   * @param conv the convolution geometry
   * @param pool the pooling geometry over the convolution's output; must tile it ({@link #tiles})
   * @param batch the batch size N
   * @param bias true if the layer has a bias (one more column)
   * @return the im2col matrix's shape, or {@code null} when no matrix is kept
   */
  public static Shape columnsShape(ConvGeometry conv, ConvGeometry pool, int batch, boolean bias) {
    if (ConvVector.suits(conv, pool.channels())) {
      return null;
    }
    int k = conv.kh() * conv.kw() * conv.channels();
    return Shape.of(batch * pool.outH() * pool.kh() * conv.outW(), bias ? k + 1 : k);
  }

  /**
   * {@code out = maxPool(conv(x, kernel) + bias)}; {@code bias} may be null. When {@code taps} (as
   * {@code out}) is not null, each maximum's window tap goes there; when {@code columns} (shaped as
   * {@link #columnsShape} says) is not null, the im2col matrix stays there. Returns {@code out}.
   *
   * @param x the input images {@code (N, H, W, Cin)}
   * @param kernel the kernel {@code (kh, kw, Cin, Cout)}
   * @param bias the bias {@code (Cout)}, or null for none
   * @param conv the convolution geometry (its input is {@code x}'s image)
   * @param pool the pooling geometry over the convolution's output; must tile it ({@link #tiles})
   * @param out the pooled output {@code (N, pooled H, pooled W, Cout)}, overwritten
   * @param taps receives each maximum's window tap {@code i * pw + j}, of {@code out}'s shape; or
   *     null to record none
   * @param columns receives the im2col matrix (shaped by {@link #columnsShape}), or null to keep
   *     none
   * @return {@code out}
   * @throws IllegalArgumentException if a shape disagrees with the geometries or the others, or
   *     {@code pool} does not {@link #tiles tile} the convolution's output
   */
  public static Tensor forward(
      Tensor x,
      Tensor kernel,
      Tensor bias,
      ConvGeometry conv,
      ConvGeometry pool,
      Tensor out,
      Tensor taps,
      Tensor columns) {
    return forward(x, kernel, bias, conv, pool, out, taps, columns, false);
  }

  /**
   * {@link #forward(Tensor, Tensor, Tensor, ConvGeometry, ConvGeometry, Tensor, Tensor, Tensor)},
   * then, when {@code relu}, {@code max(out, 0)}: each chunk of pooled rows while still in cache,
   * the floats of a ReLU on the pooled tensor. Where the ReLU passes no gradient (an output not
   * above 0), the recorded tap is {@link #noTap}, past the window: the gradients from these taps
   * ({@link #backwardKernel}, {@link Pool2d#maxBackwardFromTaps}) then include the ReLU's.
   *
   * @param x the input images {@code (N, H, W, Cin)}
   * @param kernel the kernel {@code (kh, kw, Cin, Cout)}
   * @param bias the bias {@code (Cout)}, or null for none
   * @param conv the convolution geometry (its input is {@code x}'s image)
   * @param pool the pooling geometry over the convolution's output; must tile it ({@link #tiles})
   * @param out the pooled output {@code (N, pooled H, pooled W, Cout)}, overwritten
   * @param taps receives each maximum's window tap, of {@code out}'s shape; or null
   * @param columns receives the im2col matrix (shaped by {@link #columnsShape}), or null
   * @param relu whether to apply a ReLU to the pooled output
   * @return {@code out}
   * @throws IllegalArgumentException if a shape disagrees with the geometries or the others
   */
  public static Tensor forward(
      Tensor x,
      Tensor kernel,
      Tensor bias,
      ConvGeometry conv,
      ConvGeometry pool,
      Tensor out,
      Tensor taps,
      Tensor columns,
      boolean relu) {
    String op = "conv2d_max_pool2d";
    int cout = Conv2d.checkKernel(op, kernel, conv);
    int n =
        Conv2d.checkImage(
            op, "input", x, Conv2d.batch(x), conv.inH(), conv.inW(), conv.channels(), kernel);
    if (bias != null && (bias.rank() != 1 || bias.size() != cout)) {
      throw new IllegalArgumentException(
          op + ": bias shape " + bias.shape() + " does not match kernel shape " + kernel.shape());
    }
    checkPool(op, conv, pool, cout);
    Conv2d.checkImage(op, "output", out, n, pool.outH(), pool.outW(), cout, x);
    if (taps != null) {
      Conv2d.checkImage(op, "taps", taps, n, pool.outH(), pool.outW(), cout, out);
    }
    checkColumns(op, columns, conv, pool, n, bias != null);
    Blas blas = Blas.current().singleThreaded();
    Forward f = FORWARDS.get();
    try {
      f.set(x, kernel, bias, conv, pool, n, cout, out, taps, columns, relu, blas);
      Parallel.forRange(f.rows.count, f.rows.minPerWorker, f);
    } finally {
      f.clear();
    }
    return out;
  }

  /**
   * The kernel gradient from the pooled output's gradient {@code dOut} and the {@code taps} a
   * forward pass recorded, into {@code dKernel} ({@code (kh, kw, Cin, Cout)}), or, when {@code
   * dKernel} is the packed {@code (kh*kw*Cin + 1, Cout)}, the kernel gradient's rows followed by
   * the bias gradient. {@code columns}, when not null, holds what the forward pass of this {@code
   * x} kept. Overwrites and returns {@code dKernel}.
   *
   * @param x the input images {@code (N, H, W, Cin)}
   * @param dOut the pooled output's gradient, of the forward output's shape
   * @param taps the window taps the forward pass recorded, of {@code dOut}'s shape
   * @param conv the convolution geometry (its input is {@code x}'s image)
   * @param pool the pooling geometry over the convolution's output; must tile it ({@link #tiles})
   * @param dKernel receives the kernel gradient {@code (kh, kw, Cin, Cout)}, or the packed {@code
   *     (kh*kw*Cin + 1, Cout)} with the bias gradient last
   * @param columns the im2col matrix the forward pass of this {@code x} kept, or null to rebuild it
   * @return {@code dKernel}
   * @throws IllegalArgumentException if a shape disagrees with the geometries or the others
   */
  public static Tensor backwardKernel(
      Tensor x,
      Tensor dOut,
      Tensor taps,
      ConvGeometry conv,
      ConvGeometry pool,
      Tensor dKernel,
      Tensor columns) {
    String op = "conv2d_max_pool2d_backward_kernel";
    int k = conv.kh() * conv.kw() * conv.channels();
    boolean withBias = dKernel.rank() == 2;
    int cout = withBias ? dKernel.shape().dim(1) : Conv2d.checkKernel(op, dKernel, conv);
    if (withBias && dKernel.shape().dim(0) != k + 1) {
      throw new IllegalArgumentException(
          op + ": packed gradient shape " + dKernel.shape() + " is not (kh*kw*Cin + 1, Cout)");
    }
    int n =
        Conv2d.checkImage(
            op, "input", x, Conv2d.batch(x), conv.inH(), conv.inW(), conv.channels(), dKernel);
    checkPool(op, conv, pool, cout);
    Conv2d.checkImage(op, "output gradient", dOut, n, pool.outH(), pool.outW(), cout, x);
    Conv2d.checkImage(op, "taps", taps, n, pool.outH(), pool.outW(), cout, dOut);
    checkColumns(op, columns, conv, pool, n, withBias);
    Blas blas = Blas.current().singleThreaded();
    int k1 = withBias ? k + 1 : k;
    int len = k1 * cout;
    Rows rows = new Rows(conv, pool, n);
    int parts = Math.max(1, Math.min(Parallel.threads(), rows.count / rows.minPerWorker));
    boolean vector = ConvVector.suitsNow(conv, cout, blas);
    // One private partial sum per worker, added up at the end: no two threads write one float.
    float[] partials = ConvGemm.scratch(0, parts * len);
    if (vector) {
      java.util.Arrays.fill(partials, 0, parts * len, 0f); // the vector loops add to it
    }
    Parallel.forRange(
        parts,
        1,
        (from, to) -> {
          float[] cols = vector ? null : rows.columns(columns, k1);
          float[] block = ConvGemm.scratch(2, rows.perChunk * rows.pixels * cout);
          for (int part = from; part < to; part++) {
            int first = ConvGemm.start(rows.count, part, parts);
            int end = ConvGemm.start(rows.count, part + 1, parts);
            for (int r0 = first; r0 < end; r0 += rows.perChunk) {
              int r1 = Math.min(end, r0 + rows.perChunk);
              PoolLoops.scatterTiles(dOut, taps, r0, r1 - r0, conv.outW(), pool, cout, block);
              if (vector) {
                rows.kernelRows(x, block, cout, r0, r1, partials, part * len, withBias);
                continue;
              }
              int at = 0;
              if (columns != null) {
                at = columns.offset() + r0 * rows.pixels * k1;
              } else {
                rows.im2col(x, r0, r1, cols, 0, k1);
              }
              ConvGemm.kernelProduct(
                  blas,
                  k1,
                  cout,
                  (r1 - r0) * rows.pixels,
                  cols,
                  at,
                  block,
                  0,
                  r0 == first,
                  partials,
                  part * len);
            }
          }
        });
    ConvGemm.sumParts(partials, parts, len, dKernel.array(), dKernel.offset());
    return dKernel;
  }

  /** {@code a[from ...] = max(a, 0)} over {@code n} floats, as {@code Unary.relu} computes it. */
  private static void reluRows(float[] a, int from, int n) {
    for (int i = from, end = from + n; i < end; i++) {
      a[i] = Math.max(a[i], 0f);
    }
  }

  /**
   * {@link #noTap} in {@code taps} wherever the ReLU's output in {@code a} is not above 0 (0 or
   * NaN), where its gradient is 0 as {@code Unary.reluGrad} decides. C2 does not vectorise this
   * loop (0.6 ms a pass over seed model 3's 460,800 pooled floats, one thread); one loop doing the
   * ReLU too measured no faster, and the ReLU's own loop is.
   */
  private static void markNoTaps(
      float[] a, int from, float[] taps, int tapsFrom, int n, ConvGeometry pool) {
    float none = noTap(pool);
    for (int i = 0; i < n; i++) {
      if (!(a[from + i] > 0f)) {
        taps[tapsFrom + i] = none;
      }
    }
  }

  /**
   * The tap a {@link #forward} with a ReLU records where the ReLU passes no gradient: one past the
   * window's last tap ({@code pool.kh() * pool.kw()}); a gradient from taps puts nothing there.
   *
   * @param pool the pooling geometry
   * @return the window's tap count, as a float
   */
  public static float noTap(ConvGeometry pool) {
    return pool.kh() * pool.kw();
  }

  private static void checkPool(String op, ConvGeometry conv, ConvGeometry pool, int cout) {
    if (pool.inH() != conv.outH() || pool.inW() != conv.outW() || pool.channels() != cout) {
      throw new IllegalArgumentException(
          op
              + ": pooling geometry "
              + pool
              + " does not fit the convolution's output ("
              + conv.outH()
              + ", "
              + conv.outW()
              + ", "
              + cout
              + ")");
    }
    if (!tiles(pool)) {
      throw new IllegalArgumentException(
          op + ": pooling " + pool + " does not tile its input (window = strides, valid)");
    }
  }

  private static void checkColumns(
      String op, Tensor columns, ConvGeometry conv, ConvGeometry pool, int n, boolean bias) {
    if (columns == null) {
      return;
    }
    Shape want = columnsShape(conv, pool, n, bias);
    if (want == null) {
      throw new IllegalArgumentException(
          op
              + ": im2col columns "
              + columns.shape()
              + " given, but this convolution builds none (see ConvPool.columnsShape)");
    }
    if (!columns.shape().equals(want)) {
      throw new IllegalArgumentException(
          op + ": im2col columns shape " + columns.shape() + " is not " + want);
    }
  }

  private static final ThreadLocal<Forward> FORWARDS = ThreadLocal.withInitial(Forward::new);

  /**
   * {@link #forward}'s loop body, one per calling thread and reused: a lambda capturing the
   * arguments, with its rows, was two objects a call, made by every prediction of a model with a
   * convolution. The workers read its fields after {@link Parallel#forRange} hands them out.
   */
  private static final class Forward implements Parallel.RangeBody {
    final Rows rows = new Rows();
    private Tensor x;
    private Tensor kernel;
    private Tensor bias;
    private ConvGeometry conv;
    private ConvGeometry pool;
    private int cout;
    private Tensor out;
    private Tensor taps;
    private Tensor columns;
    private boolean relu;
    private Blas blas;
    private boolean vector;
    private int k1;
    private float[] weights;
    private int weightsOff;

    void set(
        Tensor x,
        Tensor kernel,
        Tensor bias,
        ConvGeometry conv,
        ConvGeometry pool,
        int images,
        int cout,
        Tensor out,
        Tensor taps,
        Tensor columns,
        boolean relu,
        Blas blas) {
      rows.init(conv, pool, images);
      this.x = x;
      this.kernel = kernel;
      this.bias = bias;
      this.conv = conv;
      this.pool = pool;
      this.cout = cout;
      this.out = out;
      this.taps = taps;
      this.columns = columns;
      this.relu = relu;
      this.blas = blas;
      vector = ConvVector.suitsNow(conv, cout, blas);
      int k = conv.kh() * conv.kw() * conv.channels();
      k1 = bias == null ? k : k + 1;
      weights = vector ? null : ConvGemm.weights(kernel, bias, k, cout);
      weightsOff = bias == null ? kernel.offset() : 0;
    }

    /** Lets go of the call's tensors, so that a thread's task does not keep them alive. */
    void clear() {
      x = null;
      kernel = null;
      bias = null;
      out = null;
      taps = null;
      columns = null;
      weights = null;
      blas = null;
    }

    @Override
    public void run(int from, int to) {
      float[] cols = vector ? null : rows.columns(columns, k1);
      float[] block = ConvGemm.scratch(2, rows.perChunk * rows.pixels * cout);
      for (int r0 = from; r0 < to; r0 += rows.perChunk) {
        int r1 = Math.min(to, r0 + rows.perChunk);
        if (vector) {
          rows.convolve(x, kernel, bias, cout, r0, r1, block);
        } else {
          int at = columns != null ? columns.offset() + r0 * rows.pixels * k1 : 0;
          rows.im2col(x, r0, r1, cols, at, k1);
          ConvGemm.product(
              blas, (r1 - r0) * rows.pixels, cout, k1, cols, at, weights, weightsOff, block, 0);
        }
        PoolLoops.maxTiles(block, r1 - r0, conv.outW(), pool, cout, out, taps, r0);
        if (relu) {
          int rowSize = pool.outW() * cout;
          int at = r0 * rowSize;
          int n1 = (r1 - r0) * rowSize;
          reluRows(out.array(), out.offset() + at, n1);
          if (taps != null) {
            markNoTaps(out.array(), out.offset() + at, taps.array(), taps.offset() + at, n1, pool);
          }
        }
      }
    }
  }

  /**
   * Pooling rows: row r = (image, window row) covers the {@code pool.kh()} convolution rows under
   * one row of windows, {@code pixels} convolution pixels in all.
   */
  private static final class Rows {
    ConvGeometry conv;
    int windowRows;
    int perImage;
    int count;
    int pixels;
    int perChunk;
    int minPerWorker;

    Rows() {}

    Rows(ConvGeometry conv, ConvGeometry pool, int images) {
      init(conv, pool, images);
    }

    /** These rows for a call of the geometries over {@code images} images (a task reuses them). */
    void init(ConvGeometry conv, ConvGeometry pool, int images) {
      this.conv = conv;
      windowRows = pool.kh();
      perImage = pool.outH();
      count = images * perImage;
      pixels = windowRows * conv.outW();
      perChunk = Math.max(1, ConvGemm.CHUNK / pixels);
      minPerWorker = Math.max(1, ConvGemm.MIN_PART / pixels);
    }

    /** The kept im2col matrix's array, or this thread's scratch for one chunk of it. */
    float[] columns(Tensor kept, int k1) {
      return kept != null ? kept.array() : ConvGemm.scratch(1, perChunk * pixels * k1);
    }

    /** The convolution rows under pooling rows [r0, r1) into block, by the Vector API kernels. */
    void convolve(Tensor x, Tensor kernel, Tensor bias, int cout, int r0, int r1, float[] block) {
      for (int r = r0; r < r1; r++) {
        int image = r / perImage;
        ConvVector.rows(
            x,
            kernel,
            bias,
            conv,
            cout,
            image,
            (r - image * perImage) * windowRows,
            windowRows,
            block,
            (r - r0) * pixels * cout);
      }
    }

    /**
     * Adds to {@code d[dOff ...]} the kernel (and bias) gradient of pooling rows [r0, r1), whose
     * convolution output gradient is in block, by the Vector API kernels.
     */
    void kernelRows(
        Tensor x, float[] block, int cout, int r0, int r1, float[] d, int dOff, boolean withBias) {
      for (int r = r0; r < r1; r++) {
        int image = r / perImage;
        ConvVector.kernelRows(
            x,
            conv,
            block,
            (r - r0) * pixels * cout,
            cout,
            image,
            (r - image * perImage) * windowRows,
            windowRows,
            d,
            dOff,
            withBias);
      }
    }

    /** The im2col rows of pooling rows [r0, r1) into cols from {@code at}, in order. */
    void im2col(Tensor x, int r0, int r1, float[] cols, int at, int k1) {
      for (int r = r0; r < r1; r++) {
        int image = r / perImage;
        int p = (image * conv.outH() + (r - image * perImage) * windowRows) * conv.outW();
        ConvGemm.im2col(x, conv, p, p + pixels, cols, at + (r - r0) * pixels * k1, k1);
      }
    }
  }
}
