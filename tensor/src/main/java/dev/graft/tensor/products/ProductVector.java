package dev.graft.tensor.products;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Rng;
import dev.graft.tensor.support.Exercise;
import dev.graft.tensor.support.GemmCall;
import dev.graft.tensor.support.JitWarmup;
import dev.graft.tensor.support.VectorSupport;

/**
 * When products run on the Vector API kernels of {@link ProductKernels} instead of BLAS: when the
 * kernels load (see {@link VectorSupport}) and the shape suits them. Three uses: a recurrent step's
 * {@code C += A·B} ({@code RecurrentSupport.stepProduct} of {@code dev.graft.tensor.recurrent}),
 * the LSTM inference kernel's gates, and {@link Gemm#matmul}'s products with few rows and a long
 * inner dimension, as a Dense layer on a flattened image makes (seed model 1: 32 x 30752 times
 * 30752 x 128), where OpenBLAS's JNI call copies the 15.7 MB weight matrix off the heap every time.
 */
public final class ProductVector {
  private ProductVector() {}

  /** The kernels, or null without the module. */
  public static final ProductKernels KERNELS =
      VectorSupport.load("VectorProducts", ProductKernels.class);

  private static final JitWarmup<ProductKernels> DOTS =
      KERNELS == null
          ? null
          : new JitWarmup<>(
              "VectorProducts.dots",
              KERNELS,
              new ProductsTwin(KERNELS),
              ProductVector::exerciseDots,
              JitWarmup.RANK_DOTS);

  private static final JitWarmup<ProductKernels> PRODUCTS =
      KERNELS == null
          ? null
          : new JitWarmup<>(
              "VectorProducts.product",
              KERNELS,
              new ProductsTwin(KERNELS),
              ProductVector::exerciseProducts,
              JitWarmup.RANK_PRODUCTS);

  /**
   * The product kernels to call now: the vector ones once compiled, else {@link ProductsTwin}, the
   * same floats bit for bit (see {@link JitWarmup}); the first call starts the warm-up.
   *
   * @return the kernels, or null without the module
   */
  public static ProductKernels forProducts() {
    if (PRODUCTS == null) {
      return null;
    }
    ProductKernels k = PRODUCTS.get();
    if (k != KERNELS) {
      startDots();
    }
    return k;
  }

  /**
   * The dots of the same class warm up next, cheaply (about 0.2 s of the warm-up thread): a model
   * reaching them later (a Dense(1) head on a flattened image) then finds them compiled rather than
   * compiling them during its first requests (seen as 4-8 ms stalls, p99).
   */
  private static void startDots() {
    DOTS.warmOrStart();
  }

  /**
   * The kernels a product chosen by shape for the vector path takes now, or null for BLAS: until
   * the JIT has compiled the vector kernels an unseeded run takes BLAS (the fastest then; the
   * switch may change the last bit, as the {@code auto} back-end's timing may), a seeded run the
   * bit-identical twin.
   *
   * @return the kernels to run the product on now, or null for BLAS
   */
  public static ProductKernels productsNow() {
    if (PRODUCTS == null) {
      return null;
    }
    if (Rng.seeded()) {
      return forProducts();
    }
    if (PRODUCTS.warmOrStart()) {
      return KERNELS;
    }
    startDots();
    return null;
  }

  /**
   * The kernels for {@code dots}: the vector ones once compiled, else {@link ProductsTwin} (see
   * {@link JitWarmup}).
   */
  static ProductKernels forDots() {
    return DOTS.get();
  }

  private static volatile boolean enabled = KERNELS != null && VectorSupport.WANTED;

  /** Inner-dimension block of {@link #skinny}: 256 rows of B stay in cache for every row of A. */
  static final int DEPTH_BLOCK = 256;

  /**
   * Whether a per-step product {@code C += A·B} with {@code n} columns takes the vector kernel.
   *
   * @param n the columns of B and C
   * @return whether {@link ProductKernels#product} of {@link #KERNELS} should run it
   */
  public static boolean suitsProduct(int n) {
    return enabled && n % (2 * KERNELS.lanes()) == 0;
  }

  /**
   * Whether the inference kernel's gates product (m gates) takes the vector kernel: whatever the
   * batch rows, so that predictions do not depend on how the rows were shared out over workers.
   *
   * @param m the gate rows (four per unit)
   * @return whether {@link ProductKernels#productTransA} of {@link #KERNELS} should run it
   */
  public static boolean suitsGates(int m) {
    return enabled && m % 4 == 0;
  }

  /**
   * Whether {@code A·B} (no transposes) is skinny enough for {@link #skinny}, and takes it now: a
   * batch of several rows takes BLAS until the vector kernels are compiled, unless seeded (see
   * {@link #productsNow}); a single row (a request's Dense layer over a flattened image) takes the
   * twin meanwhile, as fast there as BLAS's Java loops for one row.
   */
  static boolean suitsSkinny(int m, int n, int k) {
    return enabled
        && m <= 64
        && k >= 1024
        && n % (2 * KERNELS.lanes()) == 0
        && (m == 1 || productsNow() != null);
  }

  /**
   * {@code C = A·B + beta·C} for row-major operands: columns of C shared out over the workers, each
   * walking k in blocks of {@link #DEPTH_BLOCK} so that its block of B is read from memory once.
   */
  static void skinny(
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float beta,
      float[] c,
      int cOff,
      int ldc) {
    // The twin until the vector kernels are compiled: called twice a step, this product would
    // otherwise run its first calls uncompiled (about 0.8 s of a fresh JVM's first step of seed
    // model 1; 25-30 ms single requests at batch 1, where the twin takes about 1 ms).
    Skinny task = SKINNY.get();
    try {
      task.set(false, false, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      task.kernels = forProducts();
      task.block = 2 * KERNELS.lanes();
      Parallel.forRange(n / task.block, 1, task);
    } finally {
      task.clear();
    }
  }

  private static final ThreadLocal<Skinny> SKINNY = ThreadLocal.withInitial(Skinny::new);

  /**
   * {@link #skinny}'s loop body, one per calling thread and reused: as a lambda capturing the
   * operands it was an object per call, a single request's Dense layer's only allocation. The
   * workers read its fields after {@link Parallel#forRange} hands them out.
   */
  private static final class Skinny extends GemmCall implements Parallel.RangeBody {
    private ProductKernels kernels;
    private int block;

    @Override
    public void clear() {
      super.clear();
      kernels = null;
    }

    @Override
    public void run(int from, int to) {
      int j0 = from * block;
      int cols = (to - from) * block;
      for (int i = 0; beta != 1f && i < m; i++) {
        int row = cOffset + i * ldc + j0;
        for (int j = 0; j < cols; j++) {
          c[row + j] = beta == 0f ? 0f : beta * c[row + j];
        }
      }
      for (int q = 0; q < k; q += DEPTH_BLOCK) {
        kernels.product(
            m,
            cols,
            Math.min(DEPTH_BLOCK, k - q),
            a,
            aOffset + q,
            lda,
            b,
            bOffset + q * ldb + j0,
            ldb,
            c,
            cOffset + j0,
            ldc,
            true);
      }
    }
  }

  /**
   * Whether {@code A·v} (no transposes, one column) of inner dimension k takes the vector dots:
   * only long rows, as {@link #suitsSkinny}. Vector API code allocates every vector until the JIT
   * has compiled it, and a short product called once per step stays uncompiled for long (seen as 44
   * KB per training step of a small MLP with a {@code Dense(1)} head).
   */
  static boolean suitsDots(int n, int k) {
    return enabled && n == 1 && k >= 1024;
  }

  /** Turns the kernels on or off (tests compare both paths); on needs the module. */
  static void enable(boolean on) {
    enabled = on && KERNELS != null;
  }

  /** Dot products with and without a tail and {@code beta}, on small operands. */
  private static void exerciseDots(ProductKernels k) {
    int l = k.lanes();
    float[] x = Exercise.X;
    k.dots(2, 2 * l + 3, x, 0, 2 * l + 3, x, 5, 0f, DotsOut.C, 0, 1);
    k.dots(1, 4 * l, x, 0, 4 * l, x, 5, 1f, DotsOut.C, 0, 1);
  }

  /** Products with and without accumulation, through both blocks of rows. */
  private static void exerciseProducts(ProductKernels k) {
    int n = 2 * k.lanes();
    float[] x = Exercise.X;
    float[] c = ProductsOut.C;
    k.product(5, n, 3, x, 0, 3, x, 7, n, c, 0, n, false);
    k.product(5, n, 3, x, 1, 3, x, 9, n, c, 0, n, true);
    // Four vectors wide (the kernel's wider block, where the CPU has the registers), accumulating
    // and overwriting, deeper than the rest: this block does most of the work of real products.
    k.product(5, 2 * n, 15, x, 2, 15, x, 5, 2 * n, c, 0, 2 * n, true);
    k.product(4, 2 * n, 15, x, 3, 15, x, 7, 2 * n, c, 0, 2 * n, false);
    // The strided Aᵀ·B of a Dense layer's kernel gradient, and the LSTM inference gates (with
    // column tails of one vector and of single columns).
    k.productTransA(5, n, 3, x, 2, 5, x, 11, n, c, 0, n, false);
    k.productTransA(5, n, 3, x, 3, 5, x, 13, n, c, 0, n, true);
    k.productTransA(4, n + k.lanes() + 1, 3, x, x, c);
    // No column tail (a batch that is a multiple of the vector length). Without this call the JIT
    // compiled the gates kernel as if every batch had a tail, and a model's first predictions at
    // batch 32 sent it back to the interpreter (JFR: unstable_if, seed model 1).
    k.productTransA(4, n, 3, x, x, c);
    // Columns down the rows (a single one at batch 1, with a stride below a vector of them): four
    // vectors, one vector and four rows.
    k.productTransA(5 * k.lanes() + 4, 1, 3, x, x, c);
    k.productTransA(5 * k.lanes() + 4, 3, 3, x, x, c);
  }

  /** The products exercise's output (only the warm-up thread uses it). */
  private static final class ProductsOut {
    static final float[] C = new float[5 * 128];
  }

  /** The exercise's output (only the warm-up thread uses it). */
  private static final class DotsOut {
    static final float[] C = new float[2];
  }
}
