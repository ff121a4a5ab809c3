package dev.graft.tensor.conv;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;
import dev.graft.tensor.blas.JavaBlas;
import dev.graft.tensor.products.ProductKernels;
import dev.graft.tensor.products.ProductVector;

/**
 * The im2col + GEMM path of {@link Conv2d}, taken when a native BLAS runs the products.
 *
 * <p>Channels-last tensors are already the matrices a convolution multiplies: the output is (pixels
 * x Cout) row-major, the kernel is (K x Cout) with K = kh*kw*Cin in (i, j, ci) order, so with the
 * pixel-major im2col matrix {@code cols} (pixels x K) the three passes are {@code out = cols *
 * kernel}, {@code dcols = dy * kernelᵀ} (then scattered back by col2im) and {@code dKernel = colsᵀ
 * * dy}, and no layout transposes are needed. A last column of ones in {@code cols} carries the
 * bias: the forward product adds it and the kernel-gradient product yields its gradient as one more
 * row, with no extra pass over the large {@code dy}.
 *
 * <p>Output pixels go in chunks of at most {@link #CHUNK}: a chunk's im2col rows stay in cache
 * between being written and being multiplied, and memory use does not grow with the batch. Each
 * worker of {@link Parallel} multiplies its own chunks with the single-threaded variant of the
 * back-end; BLAS's own threads would fight the workers for the cores.
 */
final class ConvGemm {
  private ConvGemm() {}

  /** Output pixels per product (measured: 2048 to 8192 are within 5% on the seed's layers). */
  static final int CHUNK = 4096;

  /** Fewest output pixels worth handing to a second worker. */
  static final int MIN_PART = 1024;

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[3][0]);

  /**
   * Whether {@code blas} (a single-threaded variant) is worth this path: any native back-end. The
   * pure-Java GEMM runs these thin products at half the speed of Conv2d's direct loops.
   */
  static boolean suits(Blas blas) {
    return !(blas instanceof JavaBlas);
  }

  /**
   * {@code out = conv(x, kernel) + bias}; shapes already checked by the caller. When {@code saved}
   * is not null (pixels x K(+1), see {@link Conv2d#columnsShape}), the im2col matrix is built there
   * and stays for {@link #backwardKernel}; otherwise each chunk reuses a cache-sized scratch.
   */
  static void forward(
      Tensor x,
      Tensor kernel,
      Tensor bias,
      ConvGeometry g,
      Tensor out,
      int cout,
      Blas blas,
      Tensor saved) {
    int k = g.kh() * g.kw() * g.channels();
    int k1 = bias == null ? k : k + 1;
    float[] weights = weights(kernel, bias, k, cout);
    int weightsOff = bias == null ? kernel.offset() : 0;
    int pixels = out.size() / cout;
    int parts = parts(pixels);
    Parallel.forRange(
        parts,
        1,
        (from, to) -> {
          float[] cols = saved != null ? saved.array() : scratch(1, Math.min(CHUNK, pixels) * k1);
          for (int p0 = start(pixels, from, parts), end = start(pixels, to, parts);
              p0 < end;
              p0 += CHUNK) {
            int m = Math.min(CHUNK, end - p0);
            int at = saved != null ? saved.offset() + p0 * k1 : 0;
            im2col(x, g, p0, p0 + m, cols, at, k1);
            product(
                blas,
                m,
                cout,
                k1,
                cols,
                at,
                weights,
                weightsOff,
                out.array(),
                out.offset() + p0 * cout);
          }
        });
  }

  /**
   * {@code dx} from {@code dy}: overwritten; images are split over workers so none share dx. The
   * taps' gradients {@code dy·Wᵀ} of a chunk of pixels go through the Vector API product kernels
   * when they run now ({@link ProductVector#productsNow}) and Wᵀ is small, reading dy in place with
   * Wᵀ packed once (rows padded to whole vector blocks), otherwise through {@code b}: OpenBLAS
   * copied dy's chunk and the result across JNI on every call, most of this pass's time for a first
   * layer's thin product (K = 27 over RGB).
   */
  static void backwardInput(Tensor dy, Tensor kernel, ConvGeometry g, Tensor dx, int cout, Blas b) {
    int k = g.kh() * g.kw() * g.channels();
    ProductKernels products = thinProducts(k, cout);
    int stride = products == null ? k : paddedTaps(k, products);
    // Written by the caller before the hand-off, only read by the workers.
    float[] wt = products == null ? null : transposedKernel(kernel, k, cout, stride);
    int perImage = g.outH() * g.outW();
    int images = dx.shape().dim(0);
    int imageSize = g.inH() * g.inW() * g.channels();
    Parallel.forRange(
        images,
        Math.max(1, MIN_PART / perImage),
        (from, to) -> {
          java.util.Arrays.fill(
              dx.array(), dx.offset() + from * imageSize, dx.offset() + to * imageSize, 0f);
          float[] dcols = scratch(1, Math.min(CHUNK, (to - from) * perImage) * stride);
          for (int p0 = from * perImage, end = to * perImage; p0 < end; p0 += CHUNK) {
            int m = Math.min(CHUNK, end - p0);
            if (products != null) {
              products.product(
                  m,
                  stride,
                  cout,
                  dy.array(),
                  dy.offset() + p0 * cout,
                  cout,
                  wt,
                  0,
                  stride,
                  dcols,
                  0,
                  stride,
                  false);
            } else {
              b.sgemm(
                  false,
                  true,
                  m,
                  k,
                  cout,
                  1f,
                  dy.array(),
                  dy.offset() + p0 * cout,
                  cout,
                  kernel.array(),
                  kernel.offset(),
                  cout,
                  0f,
                  dcols,
                  0,
                  k);
            }
            col2imAdd(dcols, stride, g, p0, p0 + m, dx);
          }
        });
  }

  /**
   * The largest packed Wᵀ (floats) for which {@link #backwardInput} takes the vector products: it
   * stays in the core's first-level cache while every row of dy reads it. Larger (64→128 channels,
   * K = 576: 9.7 ms against 12–16 at 16x16, batch 32) OpenBLAS's blocking wins.
   */
  private static final int MAX_PACKED_KERNEL = 8192;

  /** The vector product kernels for a chunk's {@code dy·Wᵀ} now, or null for BLAS. */
  private static ProductKernels thinProducts(int k, int cout) {
    ProductKernels products = ProductVector.productsNow();
    if (products == null) {
      return null;
    }
    int kp = paddedTaps(k, products);
    return ProductVector.suitsProduct(kp) && cout * kp <= MAX_PACKED_KERNEL ? products : null;
  }

  /** K rounded up to whole blocks of the product kernels (two vectors). */
  private static int paddedTaps(int k, ProductKernels products) {
    int block = 2 * products.lanes();
    return (k + block - 1) / block * block;
  }

  /**
   * The kernel (K x Cout) transposed into this thread's scratch as (Cout x kp), each row's columns
   * from K on zero.
   */
  private static float[] transposedKernel(Tensor kernel, int k, int cout, int kp) {
    float[] wt = scratch(0, cout * kp);
    float[] w = kernel.array();
    int off = kernel.offset();
    for (int co = 0; co < cout; co++) {
      int row = co * kp;
      for (int t = 0; t < k; t++) {
        wt[row + t] = w[off + t * cout + co];
      }
      java.util.Arrays.fill(wt, row + k, row + kp, 0f);
    }
    return wt;
  }

  /**
   * The kernel gradient into {@code d[dOff ...]} as (K x Cout), followed by the bias gradient
   * (Cout) when {@code withBias}: both overwritten. {@code saved}, when not null, holds the im2col
   * matrix {@link #forward} built from this {@code x}: read instead of built again (measured on the
   * seed's 3→32 layer at one thread: 5.5 ms against 6.9 ms).
   */
  static void backwardKernel(
      Tensor x,
      Tensor dy,
      ConvGeometry g,
      float[] d,
      int dOff,
      boolean withBias,
      Blas blas,
      Tensor saved) {
    int cout = dy.shape().dim(3);
    int k = g.kh() * g.kw() * g.channels();
    int k1 = withBias ? k + 1 : k;
    int len = k1 * cout;
    int pixels = dy.size() / cout;
    int parts = parts(pixels);
    // One private partial sum per worker, added up at the end: no two threads write one float.
    float[] partials = scratch(0, parts * len);
    Parallel.forRange(
        parts,
        1,
        (from, to) -> {
          float[] cols = saved != null ? saved.array() : scratch(1, Math.min(CHUNK, pixels) * k1);
          for (int part = from; part < to; part++) {
            int first = start(pixels, part, parts);
            for (int p0 = first, end = start(pixels, part + 1, parts); p0 < end; p0 += CHUNK) {
              int m = Math.min(CHUNK, end - p0);
              int at = 0;
              if (saved != null) {
                at = saved.offset() + p0 * k1;
              } else {
                im2col(x, g, p0, p0 + m, cols, 0, k1);
              }
              kernelProduct(
                  blas,
                  k1,
                  cout,
                  m,
                  cols,
                  at,
                  dy.array(),
                  dy.offset() + p0 * cout,
                  p0 == first,
                  partials,
                  part * len);
            }
          }
        });
    sumParts(partials, parts, len, d, dOff);
  }

  /**
   * The (K(+1) x Cout) matrix the forward product multiplies: the kernel's own array (from its
   * offset) without a bias, else this thread's scratch (from 0) holding the kernel, then the bias.
   */
  static float[] weights(Tensor kernel, Tensor bias, int k, int cout) {
    if (bias == null) {
      return kernel.array();
    }
    float[] w = scratch(0, (k + 1) * cout);
    System.arraycopy(kernel.array(), kernel.offset(), w, 0, k * cout);
    System.arraycopy(bias.array(), bias.offset(), w, k * cout, cout);
    return w;
  }

  /** {@code out = cols * weights} for m rows of im2col (k1 wide) and cout filters. */
  static void product(
      Blas blas,
      int m,
      int cout,
      int k1,
      float[] cols,
      int colsOff,
      float[] weights,
      int weightsOff,
      float[] out,
      int outOff) {
    blas.sgemm(
        false,
        false,
        m,
        cout,
        k1,
        1f,
        cols,
        colsOff,
        k1,
        weights,
        weightsOff,
        cout,
        0f,
        out,
        outOff,
        cout);
  }

  /**
   * {@code partial (k1 x cout) (=|+=) colsᵀ * dy} for m rows of im2col and of the output gradient:
   * overwritten when {@code first}, else accumulated.
   */
  static void kernelProduct(
      Blas blas,
      int k1,
      int cout,
      int m,
      float[] cols,
      int colsOff,
      float[] dy,
      int dyOff,
      boolean first,
      float[] partial,
      int partialOff) {
    blas.sgemm(
        true,
        false,
        k1,
        cout,
        m,
        1f,
        cols,
        colsOff,
        k1,
        dy,
        dyOff,
        cout,
        first ? 0f : 1f,
        partial,
        partialOff,
        cout);
  }

  /** {@code d[dOff + q] = sum over parts of partials[part * len + q]}. */
  static void sumParts(float[] partials, int parts, int len, float[] d, int dOff) {
    for (int q = 0; q < len; q++) {
      float sum = 0f;
      for (int part = 0; part < parts; part++) {
        sum += partials[part * len + q];
      }
      d[dOff + q] = sum;
    }
  }

  private static int parts(int pixels) {
    return Math.max(1, Math.min(Parallel.threads(), pixels / MIN_PART));
  }

  /** The first of {@code items} in part {@code part} of {@code parts} equal parts. */
  static int start(int items, int part, int parts) {
    return (int) ((long) items * part / parts);
  }

  /**
   * This thread's scratch array {@code slot}, at least {@code len} floats: 0 for the caller's
   * weights or partial sums, 1 for a worker's im2col rows, 2 for a worker's product rows.
   */
  static float[] scratch(int slot, int len) {
    float[][] s = SCRATCH.get();
    if (s[slot].length < len) {
      s[slot] = new float[len];
    }
    return s[slot];
  }

  /**
   * Rows {@code [p0, p1)} of the pixel-major im2col matrix into {@code cols} from {@code at} (row
   * length {@code k1}): row p, for output pixel p = (n*OH + oh)*OW + ow, holds the input values
   * under the K window taps in (i, j, ci) order, zero in the padding, then a 1 when {@code k1 > K}.
   */
  static void im2col(Tensor x, ConvGeometry g, int p0, int p1, float[] cols, int at, int k1) {
    if (!RgbWindowRows.suits(g) || g.kh() != 3) {
      im2colPixels(x, g, p0, p1, cols, at, k1);
      return;
    }
    int ow = g.outW();
    int perImage = g.outH() * ow;
    // Output columns [lo, hi) have their whole window inside the image's width.
    int lo = Math.min(ow, g.padLeft());
    int hi = Math.max(lo, Math.min(ow, g.inW() - 2 + g.padLeft()));
    int imageSize = g.inH() * g.inW() * 3;
    int rowSize = g.inW() * 3;
    for (int p = p0; p < p1; ) {
      int n = p / perImage;
      int oh = (p - n * perImage) / ow;
      int c0 = p - n * perImage - oh * ow;
      int c1 = Math.min(ow, c0 + (p1 - p));
      int h0 = oh * g.strideH() - g.padTop();
      int h2 = h0 + 2 * g.dilationH();
      int from = Math.max(c0, lo);
      int to = Math.min(c1, hi);
      if (h0 < 0 || h2 >= g.inH() || from >= to) {
        im2colPixels(x, g, p, p + c1 - c0, cols, at + (p - p0) * k1, k1);
      } else {
        int start = p - c0;
        im2colPixels(x, g, p, start + from, cols, at + (p - p0) * k1, k1);
        int r0 = x.offset() + n * imageSize + h0 * rowSize + (from - g.padLeft()) * 3;
        int rows = g.dilationH() * rowSize;
        RgbWindowRows.im2col(
            x.array(), r0, rows, to - from, cols, at + (start + from - p0) * k1, k1);
        im2colPixels(x, g, start + to, start + c1, cols, at + (start + to - p0) * k1, k1);
      }
      p += c1 - c0;
    }
  }

  /** {@link #im2col} pixel by pixel, for any geometry. */
  private static void im2colPixels(
      Tensor x, ConvGeometry g, int p0, int p1, float[] cols, int at, int k1) {
    if (p0 >= p1) {
      return;
    }
    Taps t = new Taps(g, p0);
    float[] a = x.array();
    int k = g.kh() * t.rowLen;
    for (int p = p0, dst = at; p < p1; p++, dst += k1) {
      int img = x.offset() + t.n * t.imageSize;
      for (int i = 0; i < g.kh(); i++) {
        int d = dst + i * t.rowLen;
        int ih = t.h0 + i * g.dilationH();
        if (ih < 0 || ih >= g.inH()) {
          java.util.Arrays.fill(cols, d, d + t.rowLen, 0f);
        } else if (t.wholeRow && t.rowLen == 9) {
          // The usual first layer (3x3 window over RGB): nine moves beat a call to arraycopy.
          int from = img + (ih * g.inW() + t.w0) * 3;
          cols[d] = a[from];
          cols[d + 1] = a[from + 1];
          cols[d + 2] = a[from + 2];
          cols[d + 3] = a[from + 3];
          cols[d + 4] = a[from + 4];
          cols[d + 5] = a[from + 5];
          cols[d + 6] = a[from + 6];
          cols[d + 7] = a[from + 7];
          cols[d + 8] = a[from + 8];
        } else if (t.wholeRow) {
          System.arraycopy(a, img + (ih * g.inW() + t.w0) * t.cin, cols, d, t.rowLen);
        } else {
          for (int j = 0; j < g.kw(); j++) {
            int iw = t.w0 + j * g.dilationW();
            int dj = d + j * t.cin;
            if (iw < 0 || iw >= g.inW()) {
              java.util.Arrays.fill(cols, dj, dj + t.cin, 0f);
            } else {
              System.arraycopy(a, img + (ih * g.inW() + iw) * t.cin, cols, dj, t.cin);
            }
          }
        }
      }
      if (k1 > k) {
        cols[dst + k] = 1f;
      }
      t.next();
    }
  }

  /**
   * The inverse of {@link #im2col} for rows {@code [p0, p1)}, k floats apart (the taps first,
   * anything after them ignored): adds them into dx. Along each output row the pixels go in {@code
   * ceil(kw / sw)} interleaved passes, so that two pixels added one after the other never share an
   * input value: pixel by pixel, each add would wait for the previous pixel's store of the same
   * value (measured 1.4x slower).
   */
  static void col2imAdd(float[] dcols, int k, ConvGeometry g, int p0, int p1, Tensor dx) {
    float[] a = dx.array();
    int ow = g.outW();
    int perImage = g.outH() * ow;
    int cin = g.channels();
    int rowLen = g.kw() * cin;
    int imageSize = g.inH() * g.inW() * cin;
    int span = (g.kw() - 1) * g.dilationW() + 1;
    int passes = Math.max(1, (span + g.strideW() - 1) / g.strideW());
    for (int p = p0; p < p1; ) {
      int n = p / perImage;
      int oh = (p - n * perImage) / ow;
      int c0 = p - n * perImage - oh * ow;
      int c1 = Math.min(ow, c0 + (p1 - p));
      int img = dx.offset() + n * imageSize;
      int h0 = oh * g.strideH() - g.padTop();
      if (c0 == 0 && c1 == ow && RgbWindowRows.suits(g)) {
        RgbWindowRows.col2imAdd(dcols, (p - p0) * k, k, g, img, h0, a);
        p += ow;
        continue;
      }
      for (int pass = 0; pass < passes; pass++) {
        for (int c = c0 + pass; c < c1; c += passes) {
          int src = (p - p0 + c - c0) * k;
          int w0 = c * g.strideW() - g.padLeft();
          boolean wholeRow = g.dilationW() == 1 && w0 >= 0 && w0 + g.kw() <= g.inW();
          for (int i = 0; i < g.kh(); i++) {
            int ih = h0 + i * g.dilationH();
            if (ih < 0 || ih >= g.inH()) {
              continue;
            }
            int s = src + i * rowLen;
            if (wholeRow && rowLen == 9) {
              int at = img + (ih * g.inW() + w0) * 3;
              a[at] += dcols[s];
              a[at + 1] += dcols[s + 1];
              a[at + 2] += dcols[s + 2];
              a[at + 3] += dcols[s + 3];
              a[at + 4] += dcols[s + 4];
              a[at + 5] += dcols[s + 5];
              a[at + 6] += dcols[s + 6];
              a[at + 7] += dcols[s + 7];
              a[at + 8] += dcols[s + 8];
              continue;
            }
            if (wholeRow) {
              int at = img + (ih * g.inW() + w0) * cin;
              for (int q = 0; q < rowLen; q++) {
                a[at + q] += dcols[s + q];
              }
              continue;
            }
            for (int j = 0; j < g.kw(); j++) {
              int iw = w0 + j * g.dilationW();
              if (iw >= 0 && iw < g.inW()) {
                int at = img + (ih * g.inW() + iw) * cin;
                for (int q = 0, sj = s + j * cin; q < cin; q++) {
                  a[at + q] += dcols[sj + q];
                }
              }
            }
          }
        }
      }
      p += c1 - c0;
    }
  }

  /**
   * Walks output pixels in order, keeping the image, the window's top-left input position and
   * whether a window row lies wholly inside the image as one contiguous run of input values.
   */
  private static final class Taps {
    final ConvGeometry g;
    final int cin;
    final int rowLen;
    final int imageSize;
    int n;
    int oh;
    int ow;
    int h0;
    int w0;
    boolean wholeRow;

    Taps(ConvGeometry g, int p) {
      this.g = g;
      cin = g.channels();
      rowLen = g.kw() * cin;
      imageSize = g.inH() * g.inW() * cin;
      int perImage = g.outH() * g.outW();
      n = p / perImage;
      int rem = p - n * perImage;
      oh = rem / g.outW();
      ow = rem - oh * g.outW();
      place();
    }

    void next() {
      if (++ow == g.outW()) {
        ow = 0;
        if (++oh == g.outH()) {
          oh = 0;
          n++;
        }
      }
      place();
    }

    private void place() {
      h0 = oh * g.strideH() - g.padTop();
      w0 = ow * g.strideW() - g.padLeft();
      wholeRow = g.dilationW() == 1 && w0 >= 0 && w0 + g.kw() <= g.inW();
    }
  }
}
