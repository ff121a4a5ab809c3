package dev.graft.tensor.products;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.tensor.NativeBlas;
import dev.graft.tensor.Parallel;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import dev.graft.tensor.blas.AutoBlas;
import dev.graft.tensor.blas.Blas;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every back-end against a naive double-precision GEMM, plus {@link Gemm#matmul}'s contract. */
class GemmTest {
  private static Blas backend(String name) {
    return NativeBlas.load(name);
  }

  /** One random GEMM on submatrices of larger arrays, checked element by element. */
  private static void check(
      Blas blas, Random r, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta) {
    int aRows = ta ? k : m;
    int aCols = ta ? m : k;
    int bRows = tb ? n : k;
    int bCols = tb ? k : n;
    int lda = Math.max(1, aCols) + r.nextInt(3);
    int ldb = Math.max(1, bCols) + r.nextInt(3);
    int ldc = Math.max(1, n) + r.nextInt(3);
    int aOff = r.nextInt(4);
    int bOff = r.nextInt(4);
    int cOff = r.nextInt(4);
    float[] a = randomArray(r, aOff + Math.max(0, aRows - 1) * lda + aCols + r.nextInt(3));
    float[] b = randomArray(r, bOff + Math.max(0, bRows - 1) * ldb + bCols + r.nextInt(3));
    float[] c = randomArray(r, cOff + Math.max(0, m - 1) * ldc + n + r.nextInt(3));
    float[] before = c.clone();
    if (beta == 0f) {
      // Garbage in C must not leak into the result when beta is 0.
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          c[cOff + i * ldc + j] = Float.NaN;
        }
      }
    }
    blas.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    String what =
        String.format(
            "%s %s%s m=%d n=%d k=%d alpha=%s beta=%s lda=%d ldb=%d ldc=%d",
            blas.name(), ta ? "Aᵀ" : "A", tb ? "Bᵀ" : "B", m, n, k, alpha, beta, lda, ldb, ldc);
    boolean[] inside = new boolean[c.length];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          double av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          double bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
          s += av * bv;
        }
        int ci = cOff + i * ldc + j;
        inside[ci] = true;
        double want = alpha * s + (beta == 0f ? 0 : beta * (double) before[ci]);
        double tol = 1e-5 * (k + 2) * (Math.abs(alpha) + Math.abs(beta) + 1);
        if (!(Math.abs(c[ci] - want) <= tol)) {
          fail(what + ": C[" + i + "," + j + "] = " + c[ci] + ", expected " + want);
        }
      }
    }
    for (int x = 0; x < c.length; x++) {
      if (!inside[x] && Float.floatToIntBits(c[x]) != Float.floatToIntBits(before[x])) {
        fail(what + ": wrote outside C at array index " + x);
      }
    }
  }

  private static float[] randomArray(Random r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextFloat() * 2 - 1;
    }
    return x;
  }

  private static final float[] ALPHAS = {1f, -0.5f, 2f};
  private static final float[] BETAS = {0f, 1f, 0.5f};

  @ParameterizedTest
  @ValueSource(strings = {"java", "java-1t", "openblas", "openblas-1t", "jblas", "auto"})
  void randomShapesAllTransposes(String name) {
    Blas blas = backend(name);
    Random r = new Random(42);
    for (int trial = 0; trial < 120; trial++) {
      int m = r.nextInt(4) == 0 ? 1 : 1 + r.nextInt(40);
      int n = r.nextInt(4) == 0 ? 1 : 1 + r.nextInt(40);
      int k = r.nextInt(4) == 0 ? 1 : 1 + r.nextInt(40);
      check(
          blas,
          r,
          (trial & 1) != 0,
          (trial & 2) != 0,
          m,
          n,
          k,
          ALPHAS[trial % 3],
          BETAS[(trial / 3) % 3]);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "java-1t", "openblas", "openblas-1t", "jblas", "auto"})
  void tinyAndDegenerateShapes(String name) {
    Blas blas = backend(name);
    Random r = new Random(7);
    int[][] shapes = {
      {1, 1, 1}, {1, 5, 1}, {5, 1, 1}, {1, 1, 7}, {3, 4, 1}, {1, 9, 8}, {0, 3, 2}, {3, 0, 2},
      {3, 2, 0}
    };
    for (int[] s : shapes) {
      for (int t = 0; t < 4; t++) {
        for (float beta : BETAS) {
          check(blas, r, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1.5f, beta);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "java-1t", "openblas", "openblas-1t", "jblas", "auto"})
  void blockedAndParallelShapes(String name) {
    Blas blas = backend(name);
    Random r = new Random(3);
    // Past the pure-Java block sizes and parallel threshold, by rows and by columns.
    int[][] shapes = {{20, 300, 300}, {3, 700, 500}, {33, 129, 257}, {130, 20, 10}};
    for (int[] s : shapes) {
      for (int t = 0; t < 4; t++) {
        check(blas, r, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1f, t == 3 ? 0.5f : 0f);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"openblas", "auto"})
  void largeThinProductsSplitOverTheWorkers(String name) {
    // Past OpenBLAS's multi-threading threshold with one small dimension: shared out along k
    // (partial sums), m or n over two workers (see SplitGemm), with both transposes and betas.
    Blas blas = backend(name);
    Random r = new Random(11);
    int before = Parallel.threads();
    Parallel.setThreads(2);
    try {
      int[][] shapes = {{8, 40, 14000}, {9000, 8, 70}, {8, 9000, 70}};
      for (int[] s : shapes) {
        for (int t = 0; t < 4; t++) {
          check(blas, r, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1.5f, t == 2 ? 0.5f : 0f);
        }
      }
    } finally {
      Parallel.setThreads(before);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "java-1t", "openblas", "openblas-1t", "jblas", "auto"})
  void badArgumentsAreRejected(String name) {
    Blas blas = backend(name);
    float[] x = new float[12];
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> blas.sgemm(false, false, 3, 4, 4, 1f, x, 0, 2, x, 0, 4, 0f, x, 0, 4));
    assertTrue(e.getMessage().contains("leading dimension"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> blas.sgemm(false, false, 3, 4, 4, 1f, x, 0, 4, x, 0, 4, 0f, x, 1, 4));
    assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "java-1t", "openblas", "openblas-1t", "jblas", "auto"})
  void matmulOverwritesOrAccumulates(String name) {
    Blas blas = backend(name);
    Blas old = Blas.current();
    Blas.use(blas);
    try {
      Tensor a = TestTensors.random(1, 2, 3, 5);
      Tensor b = TestTensors.random(2, 4, 5);
      Tensor out = Tensor.full(Float.NaN, 2, 3, 4);
      Gemm.matmul(a, false, b, true, out, false);
      double[] want = new double[24];
      for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 4; j++) {
          for (int p = 0; p < 5; p++) {
            want[i * 4 + j] += (double) a.getFlat(i * 5 + p) * b.getFlat(j * 5 + p);
          }
        }
      }
      TestTensors.assertClose(want, out, 1e-5, 1e-5, name + " matmul");
      Gemm.matmul(a, false, b, true, out, true);
      for (int i = 0; i < want.length; i++) {
        want[i] *= 2;
      }
      TestTensors.assertClose(want, out, 1e-5, 1e-5, name + " matmul accumulate");
      Tensor at = TestTensors.random(3, 5, 6);
      Tensor prod = Gemm.matmul(at, true, TestTensors.random(4, 5, 2), false);
      assertEquals(Shape.of(6, 2), prod.shape());
    } finally {
      Blas.use(old);
    }
  }

  @Test
  void skinnyProductsMatchTheDefinition() {
    // Few rows, a long inner dimension, whole vector blocks of columns: the Vector API path of
    // matmul when the JVM has the module (more than one depth block; tails of rows and of depth).
    Tensor a = TestTensors.random(5, 7, 1100);
    Tensor b = TestTensors.random(6, 1100, 96);
    Tensor out = Tensor.full(Float.NaN, 7, 96);
    Gemm.matmul(a, false, b, false, out, false);
    double[] want = new double[7 * 96];
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 96; j++) {
        for (int p = 0; p < 1100; p++) {
          want[i * 96 + j] += (double) a.getFlat(i * 1100 + p) * b.getFlat(p * 96 + j);
        }
      }
    }
    TestTensors.assertClose(want, out, 1e-4, 1e-4, "skinny matmul");
    Gemm.matmul(a, false, b, false, out, true);
    for (int i = 0; i < want.length; i++) {
      want[i] *= 2;
    }
    TestTensors.assertClose(want, out, 2e-4, 1e-4, "skinny matmul accumulate");
  }

  /**
   * A Dense layer's backward products over a long input: {@code xᵀ·dy} (many rows of C, rows beyond
   * the kernel's blocks of four) and {@code dy·Wᵀ} (many columns, a last partial panel), on the
   * Vector API kernels when the JVM has the module; overwrite and accumulate.
   */
  @Test
  void shallowProductsWithALargeOperandMatchTheDefinition() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        ShallowProducts.suitsTall(8195, 128, 5) && ShallowProducts.suitsWide(3, 8224, 128),
        "the Vector API kernels are not loaded");
    Tensor x = TestTensors.random(9, 5, 8195);
    Tensor dy = TestTensors.random(10, 5, 128);
    double[] tall = new double[8195 * 128];
    for (int i = 0; i < 8195; i++) {
      for (int j = 0; j < 128; j++) {
        for (int p = 0; p < 5; p++) {
          tall[i * 128 + j] += (double) x.getFlat(p * 8195 + i) * dy.getFlat(p * 128 + j);
        }
      }
    }
    Tensor a = TestTensors.random(11, 3, 128);
    Tensor w = TestTensors.random(12, 8224, 128);
    double[] wide = new double[3 * 8224];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 8224; j++) {
        for (int p = 0; p < 128; p++) {
          wide[i * 8224 + j] += (double) a.getFlat(i * 128 + p) * w.getFlat(j * 128 + p);
        }
      }
    }
    Tensor tallOut = Tensor.full(Float.NaN, 8195, 128);
    Tensor wideOut = Tensor.full(Float.NaN, 3, 8224);
    Gemm.matmul(x, true, dy, false, tallOut, false);
    Gemm.matmul(a, false, w, true, wideOut, false);
    TestTensors.assertClose(tall, tallOut, 1e-5, 1e-5, "xᵀ·dy");
    TestTensors.assertClose(wide, wideOut, 1e-4, 1e-5, "dy·Wᵀ");
    Gemm.matmul(x, true, dy, false, tallOut, true);
    Gemm.matmul(a, false, w, true, wideOut, true);
    for (double[] want : new double[][] {tall, wide}) {
      for (int i = 0; i < want.length; i++) {
        want[i] *= 2;
      }
    }
    TestTensors.assertClose(tall, tallOut, 1e-5, 1e-5, "xᵀ·dy accumulated");
    TestTensors.assertClose(wide, wideOut, 2e-4, 1e-5, "dy·Wᵀ accumulated");
  }

  /**
   * {@code dy·Wᵀ} over a long W for batches of one and two vector blocks of rows (computed as
   * {@code W·dyᵀ}, W read in place) and for one that is not (W packed): every output the chain of
   * fused multiply-adds over k in order, bit for bit, overwritten and then accumulated, with
   * columns beyond whole panels. The chain is the packed path's, so both paths give the same
   * floats.
   */
  @Test
  void wideProductsGiveTheChainOfTheDefinitionForEveryBatch() {
    int n = 4128;
    int k = 256;
    for (int m : new int[] {32, 64, 5}) {
      org.junit.jupiter.api.Assumptions.assumeTrue(
          ShallowProducts.suitsWide(m, n, k), "the Vector API kernels are not loaded");
      Tensor a = TestTensors.random(31 + m, m, k);
      Tensor w = TestTensors.random(32, n, k);
      Tensor out = Tensor.full(Float.NaN, m, n);
      Gemm.matmul(a, false, w, true, out, false);
      float[] first = out.toArray();
      Gemm.matmul(a, false, w, true, out, true);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          float sum = 0f;
          for (int round = 0; round < 2; round++) {
            for (int p = 0; p < k; p++) {
              sum = Math.fma(a.getFlat(i * k + p), w.getFlat(j * k + p), sum);
            }
            float got = round == 0 ? first[i * n + j] : out.getFlat(i * n + j);
            if (Float.floatToIntBits(got) != Float.floatToIntBits(sum)) {
              throw new AssertionError(
                  String.format(
                      "m=%d round %d (%d, %d): %s, the chain gives %s", m, round, i, j, got, sum));
            }
          }
        }
      }
    }
  }

  /**
   * Large products in cache-sized blocks ({@link BlockedProducts}): every transpose, overwrite and
   * accumulate, against the same chain of fused multiply-adds bit for bit (each block of k
   * continues every output's chain; the split over workers and the kernel's block widths change
   * nothing), with columns beyond one packed panel and rows beyond the kernel's blocks of four.
   */
  @Test
  void blockedProductsGiveTheChainOfTheDefinition() {
    int m = 203;
    int n = 320;
    int k = 700;
    org.junit.jupiter.api.Assumptions.assumeTrue(
        BlockedProducts.suits(m, n, k), "the Vector API kernels are not loaded");
    for (boolean transA : new boolean[] {false, true}) {
      for (boolean transB : new boolean[] {false, true}) {
        Tensor a = TestTensors.random(21, transA ? new int[] {k, m} : new int[] {m, k});
        Tensor b = TestTensors.random(22, transB ? new int[] {n, k} : new int[] {k, n});
        Tensor out = Tensor.full(Float.NaN, m, n);
        Gemm.matmul(a, transA, b, transB, out, false);
        float[] first = out.toArray();
        Gemm.matmul(a, transA, b, transB, out, true);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            float sum = 0f;
            for (int round = 0; round < 2; round++) {
              for (int p = 0; p < k; p++) {
                float av = transA ? a.getFlat(p * m + i) : a.getFlat(i * k + p);
                float bv = transB ? b.getFlat(j * k + p) : b.getFlat(p * n + j);
                sum = Math.fma(av, bv, sum);
              }
              float got = round == 0 ? first[i * n + j] : out.getFlat(i * n + j);
              if (Float.floatToIntBits(got) != Float.floatToIntBits(sum)) {
                throw new AssertionError(
                    String.format(
                        "transA=%b transB=%b round %d (%d, %d): %s, the chain gives %s",
                        transA, transB, round, i, j, got, sum));
              }
            }
          }
        }
      }
    }
  }

  /**
   * Attention's projections: many rows times a small B, plain and transposed ({@link RowProducts}),
   * and the kernel gradient of such a projection, a small C over a long k in blocks ({@link
   * ShallowProducts#tall}); rows beyond the kernel's blocks of four; overwrite and accumulate.
   */
  @Test
  void rowProductsAndDeepKernelGradientsMatchTheDefinition() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        RowProducts.suits(1030, 64, 130) && ShallowProducts.suitsTall(37, 64, 2000),
        "the Vector API kernels are not loaded");
    Tensor x = TestTensors.random(13, 1030, 130);
    for (boolean transB : new boolean[] {false, true}) {
      Tensor w = TestTensors.random(14, transB ? new int[] {64, 130} : new int[] {130, 64});
      double[] want = new double[1030 * 64];
      for (int i = 0; i < 1030; i++) {
        for (int j = 0; j < 64; j++) {
          for (int p = 0; p < 130; p++) {
            float wv = transB ? w.getFlat(j * 130 + p) : w.getFlat(p * 64 + j);
            want[i * 64 + j] += (double) x.getFlat(i * 130 + p) * wv;
          }
        }
      }
      Tensor out = Tensor.full(Float.NaN, 1030, 64);
      Gemm.matmul(x, false, w, transB, out, false);
      TestTensors.assertClose(want, out, 1e-5, 1e-5, "rows, transB=" + transB);
      Gemm.matmul(x, false, w, transB, out, true);
      for (int i = 0; i < want.length; i++) {
        want[i] *= 2;
      }
      TestTensors.assertClose(want, out, 1e-5, 1e-5, "rows accumulated, transB=" + transB);
    }
    // Over 2000 terms a float chain strays from the double sum by more than the usual tolerance
    // where terms cancel: compare with the same chain of fused multiply-adds, bit for bit (which
    // also shows each block of k continues the chain where the last stopped).
    Tensor a = TestTensors.random(15, 2000, 37);
    Tensor dy = TestTensors.random(16, 2000, 64);
    float[] chain = new float[37 * 64];
    Tensor deep = Tensor.full(Float.NaN, 37, 64);
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 37; i++) {
        for (int j = 0; j < 64; j++) {
          float sum = round == 0 ? 0f : chain[i * 64 + j];
          for (int p = 0; p < 2000; p++) {
            sum = Math.fma(a.getFlat(p * 37 + i), dy.getFlat(p * 64 + j), sum);
          }
          chain[i * 64 + j] = sum;
        }
      }
      Gemm.matmul(a, true, dy, false, deep, round == 1);
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          chain, deep.array(), "deep xᵀ·dy" + (round == 0 ? "" : " accumulated"));
    }
  }

  @Test
  void matrixTimesVectorMatchesTheDefinition() {
    // One column, a long row: the Vector API dot products of matmul when the JVM has the module.
    Tensor a = TestTensors.random(7, 3, 5, 301);
    Tensor v = TestTensors.random(8, 301, 1);
    Tensor out = Tensor.full(Float.NaN, 3, 5, 1);
    Gemm.matmul(a, false, v, false, out, false);
    double[] want = new double[15];
    for (int i = 0; i < 15; i++) {
      for (int p = 0; p < 301; p++) {
        want[i] += (double) a.getFlat(i * 301 + p) * v.getFlat(p);
      }
    }
    TestTensors.assertClose(want, out, 1e-5, 1e-5, "matrix times vector");
    Gemm.matmul(a, false, v, false, out, true);
    for (int i = 0; i < want.length; i++) {
      want[i] *= 2;
    }
    TestTensors.assertClose(want, out, 1e-5, 1e-5, "matrix times vector, accumulated");
  }

  @Test
  void wrongShapesNameBothOperands() {
    Tensor a = Tensor.zeros(2, 3);
    Tensor b = Tensor.zeros(4, 5);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Gemm.matmul(a, b));
    assertTrue(
        e.getMessage().contains("(2, 3)") && e.getMessage().contains("(4, 5)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Gemm.matmul(a, false, Tensor.zeros(3, 5), false, Tensor.zeros(2, 4), false));
    assertTrue(
        e.getMessage().contains("(2, 4)") && e.getMessage().contains("(2, 3)"), e.getMessage());
  }

  @Test
  void unknownBackendIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Blas.named("mkl"));
    assertTrue(e.getMessage().contains("mkl"), e.getMessage());
  }

  @Test
  void autoSettlesOnABackendAndStaysCorrect() {
    Blas java = Blas.named("java");
    int[] slowCalls = {0};
    Blas slowButRight =
        new Blas() {
          @Override
          public String name() {
            return "slow";
          }

          @Override
          public void sgemm(
              boolean ta,
              boolean tb,
              int m,
              int n,
              int k,
              float alpha,
              float[] a,
              int ao,
              int lda,
              float[] b,
              int bo,
              int ldb,
              float beta,
              float[] c,
              int co,
              int ldc) {
            slowCalls[0]++;
            for (int rep = 0; rep < 20; rep++) {
              java.sgemm(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
            }
          }
        };
    AutoBlas auto = new AutoBlas(slowButRight, java);
    Random r = new Random(5);
    for (int call = 1; call < AutoBlas.EXPLORE_AFTER; call++) {
      check(auto, r, false, true, 16, 24, 32, 1f, 0f);
    }
    // A fresh JVM's first calls go to the shape's pick, untimed: no trial of the slow candidate.
    assertEquals(0, slowCalls[0]);
    assertEquals("java", auto.choice(false, true, 16, 24, 32).name());
    for (int call = 0; call <= 3 * AutoBlas.TRIALS + 2; call++) {
      check(auto, r, false, true, 16, 24, 32, 1f, 0f);
    }
    assertTrue(slowCalls[0] > 0, "the candidates are timed after the untimed calls");
    Blas chosen = auto.choice(false, true, 16, 24, 32);
    assertNotNull(chosen, "auto should have decided after its trials");
    assertEquals("java", chosen.name());
    assertEquals(null, auto.choice(true, true, 16, 24, 32));
    // Matrix-vector products (a single request's layers) are never timed: Java's loops, always.
    int before = slowCalls[0];
    for (int call = 0; call < 4 * AutoBlas.EXPLORE_AFTER; call++) {
      check(auto, r, false, false, 1, 24, 32, 1f, 0f);
      check(auto, r, true, false, 24, 1, 32, 1f, 0f);
    }
    assertEquals(before, slowCalls[0], "no trial of a matrix-vector product");
    assertEquals("java", auto.choice(false, false, 1, 24, 32).name());
    assertEquals("java", auto.choice(true, false, 24, 1, 32).name());
  }

  /** The multi-threaded OpenBLAS back-end (see {@link NativeBlas} for when it may be missing). */
  private static Blas openBlasOrSkip() {
    return NativeBlas.load("openblas");
  }

  @Test
  void largeProductsStagedByTwoThreadsAreRight() {
    Blas openblas = openBlasOrSkip();
    int threads = Parallel.threads();
    Parallel.setThreads(2);
    try {
      Random r = new Random(8);
      // 4M multiply-adds, over 1M staged floats: A, B and C are copied in and out by two threads.
      check(openblas, r, false, false, 1024, 1024, 4, 1f, 0f);
      check(openblas, r, true, true, 1024, 1024, 4, 0.5f, 2f);
    } finally {
      Parallel.setThreads(threads);
    }
  }

  @Test
  void autoSendsLargeProductsStraightToMultiThreadedOpenBlas() {
    Blas openblas = openBlasOrSkip();
    AutoBlas auto = new AutoBlas(Blas.named("java"), openblas, Blas.named("openblas-1t"));
    assertEquals("openblas", auto.choice(false, false, 1024, 1024, 16).name());
    assertEquals(null, auto.choice(false, false, 32, 256, 128));
    check(auto, new Random(6), false, true, 256, 512, 128, 1f, 0f); // 2^24 MACs, right answer
    assertEquals("openblas-1t", auto.singleThreaded().name());
  }
}
