package dev.graft.tensor.recurrent;

import static java.lang.Math.fma;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;
import dev.graft.tensor.blas.OpenBlas;
import dev.graft.tensor.products.ProductKernels;
import dev.graft.tensor.products.ProductVector;

/**
 * Pieces shared by the fused recurrent kernels ({@link Lstm}, {@link Gru}): shape checks, the
 * activations, the per-step recurrent product (native BLAS on gathered rows, or a small pure-Java
 * GEMM), time reversal and the weight-gradient GEMMs over a whole sequence.
 *
 * <p>Layout used by both kernels: sequences are batch-major {@code (N, T, w)}, so the rows of step
 * {@code s} are {@code n * T + s} and a step's slice is a strided matrix with leading dimension
 * {@code T * w}. The sequence-wide GEMMs walk such slices through leading dimensions; only the
 * per-step product gathers its few rows (JNI would copy a strided slice's whole span).
 */
final class RecurrentSupport {
  private RecurrentSupport() {}

  /**
   * {@code x}, or zero when its magnitude is below {@link RecurrentKernels#FLUSH_BELOW} (see there
   * why). The vector kernel flushes lane by lane with the same comparison, so both give the same
   * bits.
   */
  static float flushed(float x) {
    return Math.abs(x) < RecurrentKernels.FLUSH_BELOW ? 0f : x;
  }

  /** Logistic sigmoid, through the identity {@code σ(x) = (1 + tanh(x / 2)) / 2}. */
  static float sigmoid(float x) {
    return 0.5f + 0.5f * tanh(0.5f * x);
  }

  /**
   * tanh in float arithmetic only: an odd rational minimax approximation (numerator degree 13,
   * denominator 6, the coefficients Eigen uses) on [-7.9053, 7.9053], outside which tanh rounds to
   * ±1 in float. A few ulp of error, and several times faster than {@code Math.tanh} or a double
   * {@code Math.exp}: the gate math runs it five times per unit and step.
   */
  static float tanh(float x) {
    float c = Math.max(-7.90531110763549805f, Math.min(7.90531110763549805f, x));
    float x2 = c * c;
    float p = -2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 - 8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    float q = 1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    return c * p / q;
  }

  /**
   * {@code a[i] = σ(a[i])} for {@code i} in {@code [from, to)}. In place on purpose: JDK 17's C2
   * vectorises a loop only when it can rule out aliasing between what it loads and stores, which
   * with two array parameters it cannot; in place, it does (measured ~7x faster).
   */
  static void sigmoidInPlace(float[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      a[i] = sigmoid(a[i]);
    }
  }

  /** {@code a[i] = tanh(a[i])} for {@code i} in {@code [from, to)}; in place, see above. */
  static void tanhInPlace(float[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      a[i] = tanh(a[i]);
    }
  }

  /** Throws unless {@code x} is a batch-major sequence {@code (N, T >= 1, in)}. */
  static void requireSequence(String op, Tensor x) {
    requireNonNull(op, "x", x);
    if (x.rank() != 3 || x.shape().dim(1) < 1) {
      throw new IllegalArgumentException(
          op + ": input x must have shape (batch, time >= 1, features); got " + x.shape());
    }
  }

  /**
   * Throws unless {@code t} has shape {@code want}; the message names the op, the tensor, its
   * shape, the expected shape and the input shape it was derived from.
   */
  static void requireShape(String op, String name, Tensor t, Shape want, Tensor input) {
    requireNonNull(op, name, t);
    if (!t.shape().equals(want)) {
      throw new IllegalArgumentException(
          op
              + ": "
              + name
              + " has shape "
              + t.shape()
              + ", expected "
              + want
              + " for input "
              + input.shape());
    }
  }

  /** {@link #requireShape} against {@code (d0)}, allocating nothing when it fits. */
  static void requireDims(String op, String name, Tensor t, Tensor input, int d0) {
    requireNonNull(op, name, t);
    if (t.rank() != 1 || t.shape().dim(0) != d0) {
      requireShape(op, name, t, Shape.of(d0), input);
    }
  }

  /** {@link #requireShape} against {@code (d0, d1)}, allocating nothing when it fits. */
  static void requireDims(String op, String name, Tensor t, Tensor input, int d0, int d1) {
    requireNonNull(op, name, t);
    Shape s = t.shape();
    if (s.rank() != 2 || s.dim(0) != d0 || s.dim(1) != d1) {
      requireShape(op, name, t, Shape.of(d0, d1), input);
    }
  }

  /** {@link #requireShape} against {@code (d0, d1, d2)}, allocating nothing when it fits. */
  static void requireDims(String op, String name, Tensor t, Tensor input, int d0, int d1, int d2) {
    requireNonNull(op, name, t);
    Shape s = t.shape();
    if (s.rank() != 3 || s.dim(0) != d0 || s.dim(1) != d1 || s.dim(2) != d2) {
      requireShape(op, name, t, Shape.of(d0, d1, d2), input);
    }
  }

  /** {@link #requireDims(String, String, Tensor, Tensor, int)} where {@code null} passes. */
  static void optionalDims(String op, String name, Tensor t, Tensor input, int d0) {
    if (t != null) {
      requireDims(op, name, t, input, d0);
    }
  }

  /** {@link #requireDims(String, String, Tensor, Tensor, int, int)} where {@code null} passes. */
  static void optionalDims(String op, String name, Tensor t, Tensor input, int d0, int d1) {
    if (t != null) {
      requireDims(op, name, t, input, d0, d1);
    }
  }

  /** {@link #requireShape} for an optional tensor: {@code null} passes. */
  static void optionalShape(String op, String name, Tensor t, Shape want, Tensor input) {
    if (t != null) {
      requireShape(op, name, t, want, input);
    }
  }

  /** Throws unless {@code mask} is null or {@code (n, t)}; allocates nothing when it fits. */
  static void optionalMask(String op, Tensor mask, int n, int t, Tensor input) {
    if (mask != null
        && (mask.rank() != 2 || mask.shape().dim(0) != n || mask.shape().dim(1) != t)) {
      requireShape(op, "mask", mask, Shape.of(n, t), input);
    }
  }

  static void requireNonNull(String op, String name, Tensor t) {
    if (t == null) {
      throw new IllegalArgumentException(op + ": " + name + " must not be null");
    }
  }

  /** The units of a recurrent kernel {@code (u, gates * u)}, checked. */
  static int units(String op, Tensor recurrentKernel, int gates) {
    requireNonNull(op, "recurrentKernel", recurrentKernel);
    Shape s = recurrentKernel.shape();
    if (s.rank() != 2 || s.dim(0) < 1 || s.dim(1) != gates * s.dim(0)) {
      throw new IllegalArgumentException(
          op + ": recurrentKernel must have shape (units, " + gates + " * units); got " + s);
    }
    return s.dim(0);
  }

  /**
   * The extra workspace floats a training pass with recurrent dropout masks needs: the masked
   * states {@code N T G u} and initial states {@code N G u} ({@code G} gates), and {@code N u} of
   * scratch.
   */
  static int droppedSize(int batch, int time, int units, int gates) {
    long need = ((long) batch * time + batch) * gates * units + (long) batch * units;
    if (need > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "recurrent dropout: workspace for batch " + batch + ", time " + time + " > 2^31");
    }
    return (int) need;
  }

  /** Throws unless the workspace holds at least {@code need} floats. */
  static void requireWorkspace(String op, Tensor ws, int need, Tensor input) {
    requireNonNull(op, "workspace", ws);
    if (ws.size() < need) {
      throw new IllegalArgumentException(
          op
              + ": workspace of shape "
              + ws.shape()
              + " holds "
              + ws.size()
              + " floats, input "
              + input.shape()
              + " needs "
              + need);
    }
  }

  /**
   * {@code C += A * B} for one time step's product (rows of A and C may lie far apart in a sequence
   * workspace). When the Vector API kernels apply ({@link ProductVector#suitsProduct}), they run it
   * in place, with no copies (LSTM(64) training step at one thread: 29 → 20–25 ms). With OpenBLAS,
   * A's rows, and C's when they are not contiguous, are gathered into this thread's scratch and the
   * product runs there single-threaded: measured on the seed's LSTM(64) at 32 rows, 17 us a step
   * against 33 us (forward, 32x64x256) and 40 us (backward, 32x256x64) for {@link #gemmAcc}; passed
   * strided, JNI would copy the rows' whole span. Other back-ends take {@link #gemmAcc}: the
   * pure-Java one (bit-reproducible results), and jblas, whose JNI copies the whole output array
   * back after each call and so would overwrite what other threads write meanwhile to the shared
   * sequence workspace (seen as a flaky LSTM gradient test).
   */
  static void stepProduct(
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int cOff,
      int ldc) {
    if (ProductVector.suitsProduct(n)) {
      // BLAS until the vector kernels are compiled in an unseeded run (the twin in a seeded one):
      // run uncompiled from the first call, they made a fresh JVM's first step of an LSTM(64)
      // (seed model 2) 1.4-2.5 s instead of 0.55-0.7.
      ProductKernels now = ProductVector.productsNow();
      if (now != null) {
        now.product(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, true);
        return;
      }
    }
    Blas blas = Blas.current().singleThreaded();
    if (!(blas instanceof OpenBlas)) {
      gemmAcc(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
      return;
    }
    StepScratch s = STEP_SCRATCH.get();
    float[] ga = a;
    int gaOff = aOff;
    if (lda != k && m > 1) {
      ga = s.a(m * k);
      gaOff = 0;
      for (int r = 0; r < m; r++) {
        System.arraycopy(a, aOff + r * lda, ga, r * k, k);
      }
    }
    int gLda = ga == a ? lda : k;
    if (ldc == n || m == 1) {
      blas.sgemm(false, false, m, n, k, 1f, ga, gaOff, gLda, b, bOff, ldb, 1f, c, cOff, ldc);
      return;
    }
    float[] gc = s.c(m * n);
    for (int r = 0; r < m; r++) {
      System.arraycopy(c, cOff + r * ldc, gc, r * n, n);
    }
    blas.sgemm(false, false, m, n, k, 1f, ga, gaOff, gLda, b, bOff, ldb, 1f, gc, 0, n);
    for (int r = 0; r < m; r++) {
      System.arraycopy(gc, r * n, c, cOff + r * ldc, n);
    }
  }

  /** One thread's gathered rows of A and C for {@link #stepProduct}; they only grow. */
  private static final class StepScratch {
    private float[] a = new float[0];
    private float[] c = new float[0];

    float[] a(int len) {
      if (a.length < len) {
        a = new float[len];
      }
      return a;
    }

    float[] c(int len) {
      if (c.length < len) {
        c = new float[len];
      }
      return c;
    }
  }

  private static final ThreadLocal<StepScratch> STEP_SCRATCH =
      ThreadLocal.withInitial(StepScratch::new);

  /** One thread's zero-offset copies of B's rows and of the C row being accumulated. */
  private static final class GemmScratch {
    float[][] rows = new float[0][];
    float[] c = new float[0];

    void fit(int k, int n) {
      if (rows.length < k || c.length < n) {
        rows = new float[Math.max(k, rows.length)][Math.max(n, c.length)];
        c = new float[Math.max(n, c.length)];
      }
    }
  }

  private static final ThreadLocal<GemmScratch> GEMM_SCRATCH =
      ThreadLocal.withInitial(GemmScratch::new);

  /**
   * {@code C += A * B} for small row-major matrices ({@code A} m x k, {@code B} k x n), in pure
   * Java: the per-step recurrent product is too small for a native call to pay off, and the strided
   * slices it touches would be copied whole through JNI. A, B and C usually share one workspace
   * array, and JDK 17's C2 vectorises a loop only when it can prove its loads and stores
   * independent, i.e. same-array accesses at the bare loop index: so B's rows and the C rows are
   * copied into per-thread zero-offset arrays first (B once per call, ~1/m of the work). One C row
   * times four k at a time: a loop storing to two arrays does not vectorise (measured 12 vs 40
   * GFLOP/s), and four FMAs per C load/store keep it compute bound.
   */
  static void gemmAcc(
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int cOff,
      int ldc) {
    GemmScratch s = GEMM_SCRATCH.get();
    s.fit(k, n);
    float[][] rows = s.rows;
    for (int p = 0; p < k; p++) {
      System.arraycopy(b, bOff + p * ldb, rows[p], 0, n);
    }
    float[] cr = s.c;
    for (int r = 0; r < m; r++) {
      int a0 = aOff + r * lda;
      int c0 = cOff + r * ldc;
      System.arraycopy(c, c0, cr, 0, n);
      int p = 0;
      for (; p + 3 < k; p += 4) {
        float x0 = a[a0 + p], x1 = a[a0 + p + 1], x2 = a[a0 + p + 2], x3 = a[a0 + p + 3];
        float[] u0 = rows[p], u1 = rows[p + 1], u2 = rows[p + 2], u3 = rows[p + 3];
        for (int j = 0; j < n; j++) {
          cr[j] = fma(x3, u3[j], fma(x2, u2[j], fma(x1, u1[j], fma(x0, u0[j], cr[j]))));
        }
      }
      for (; p < k; p++) {
        float x0 = a[a0 + p];
        float[] u0 = rows[p];
        for (int j = 0; j < n; j++) {
          cr[j] = fma(x0, u0[j], cr[j]);
        }
      }
      System.arraycopy(cr, 0, c, c0, n);
    }
  }

  /** {@code dst (cols x rows) = src (rows x cols)ᵀ}, both dense row-major. */
  static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        dst[dstOff + j * rows + i] = src[srcOff + i * cols + j];
      }
    }
  }

  /**
   * Reverses the time axis of a batch-major {@code (N, T, width)} block in place (for {@code
   * go_backwards}: step {@code s} reads input time {@code T - 1 - s}).
   */
  static void reverseTime(float[] a, int off, int n, int t, int width) {
    for (int b = 0; b < n; b++) {
      int base = off + b * t * width;
      for (int s = 0, e = t - 1; s < e; s++, e--) {
        int p = base + s * width;
        int q = base + e * width;
        for (int j = 0; j < width; j++) {
          float tmp = a[p + j];
          a[p + j] = a[q + j];
          a[q + j] = tmp;
        }
      }
    }
  }

  /**
   * {@code out[j] = sum over rows of m[row, j]} for {@code j < cols}; rows are {@code ld} apart.
   */
  static void columnSums(float[] m, int off, int rows, int cols, int ld, float[] out, int outOff) {
    java.util.Arrays.fill(out, outOff, outOff + cols, 0f);
    for (int r = 0; r < rows; r++) {
      int p = off + r * ld;
      for (int j = 0; j < cols; j++) {
        out[outOff + j] += m[p + j];
      }
    }
  }

  /**
   * {@code dU = sum over n, s of hPrev(n, s)ᵀ dZ(n, s)} for the {@code cols} columns of {@code dZ}
   * (rows {@code n * T + s}, leading dimension {@code ldz}), where {@code hPrev(n, s)} is {@code
   * hSeq(n, s - 1)}, or {@code h0(n)} (zero when {@code h0} is null) at {@code s = 0}.
   *
   * <p>One GEMM pairs every row {@code r} of {@code hSeq} with row {@code r + 1} of {@code dZ};
   * that is right except across batch boundaries ({@code hSeq(n, T-1)} with {@code dZ(n+1, 0)}),
   * which a second small GEMM subtracts; a third adds the {@code h0} terms. No copy of the shifted
   * states.
   */
  static void recurrentWeightGrad(
      int n,
      int t,
      int u,
      int cols,
      float[] h,
      int hOff,
      float[] h0,
      int h0Off,
      float[] dz,
      int dzOff,
      int ldz,
      float[] du,
      int duOff,
      int ldu) {
    recurrentWeightGrad(n, t, u, cols, h, hOff, u, h0, h0Off, dz, dzOff, ldz, du, duOff, ldu);
  }

  /**
   * {@link #recurrentWeightGrad(int, int, int, int, float[], int, float[], int, float[], int, int,
   * float[], int, int)} with the states' rows {@code ldh} apart (in {@code h} and in {@code h0}):
   * the per-gate masked states of recurrent dropout lie side by side.
   */
  static void recurrentWeightGrad(
      int n,
      int t,
      int u,
      int cols,
      float[] h,
      int hOff,
      int ldh,
      float[] h0,
      int h0Off,
      float[] dz,
      int dzOff,
      int ldz,
      float[] du,
      int duOff,
      int ldu) {
    Blas blas = Blas.current();
    int nt = n * t;
    float beta = 0f;
    if (t > 1) {
      blas.sgemm(
          true, false, u, cols, nt - 1, 1f, h, hOff, ldh, dz, dzOff + ldz, ldz, 0f, du, duOff, ldu);
      if (n > 1) {
        blas.sgemm(
            true,
            false,
            u,
            cols,
            n - 1,
            -1f,
            h,
            hOff + (t - 1) * ldh,
            t * ldh,
            dz,
            dzOff + t * ldz,
            t * ldz,
            1f,
            du,
            duOff,
            ldu);
      }
      beta = 1f;
    }
    if (h0 != null) {
      blas.sgemm(
          true, false, u, cols, n, 1f, h0, h0Off, ldh, dz, dzOff, t * ldz, beta, du, duOff, ldu);
    } else if (beta == 0f) {
      for (int i = 0; i < u; i++) {
        java.util.Arrays.fill(du, duOff + i * ldu, duOff + i * ldu + cols, 0f);
      }
    }
  }

  /**
   * The gradients that are plain GEMMs once the per-step gate gradients {@code dZ} (rows {@code n *
   * T + s}, in input-time order, {@code g} columns) are known: {@code dW = Xᵀ dZ}, {@code dX = dZ
   * Wᵀ}.
   */
  static void inputGrads(
      int nt, int in, int g, Tensor x, Tensor kernel, float[] dz, int dzOff, Tensor dx, Tensor dw) {
    Blas blas = Blas.current();
    blas.sgemm(
        true,
        false,
        in,
        g,
        nt,
        1f,
        x.array(),
        x.offset(),
        in,
        dz,
        dzOff,
        g,
        0f,
        dw.array(),
        dw.offset(),
        g);
    blas.sgemm(
        false,
        true,
        nt,
        in,
        g,
        1f,
        dz,
        dzOff,
        g,
        kernel.array(),
        kernel.offset(),
        g,
        0f,
        dx.array(),
        dx.offset(),
        in);
  }

  /**
   * {@code Z = X W + bias} for all steps at once ({@code (N*T) x in} times {@code in x g}); the
   * bias ({@code g} floats from {@code biasOffset}, or none when {@code bias} is null) is copied
   * into every row first and the GEMM accumulates onto it.
   */
  static void inputProjection(
      int nt, int in, int g, Tensor x, Tensor kernel, Tensor bias, float[] z, int zOff) {
    if (bias != null) {
      for (int r = 0; r < nt; r++) {
        System.arraycopy(bias.array(), bias.offset(), z, zOff + r * g, g);
      }
    }
    Blas.current()
        .sgemm(
            false,
            false,
            nt,
            g,
            in,
            1f,
            x.array(),
            x.offset(),
            in,
            kernel.array(),
            kernel.offset(),
            g,
            bias == null ? 0f : 1f,
            z,
            zOff,
            g);
  }
}
