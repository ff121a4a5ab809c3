package dev.graft.tensor.products;

import static dev.graft.tensor.TestTensors.assertBits;
import static dev.graft.tensor.TestTensors.random;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.tensor.support.JitWarmup;
import dev.graft.tensor.support.VectorSupport;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plain-Java twins of the products ({@link ProductsTwin}), which run while the JIT compiles the
 * Vector API kernels ({@link JitWarmup}), give their floats bit for bit.
 */
class ProductTwinsTest {
  @Test
  void dotsTwinGivesTheVectorKernelsBits() {
    ProductKernels vector = VectorSupport.load("VectorProducts", ProductKernels.class);
    assumeTrue(vector != null, "needs --add-modules jdk.incubator.vector");
    ProductKernels twin = new ProductsTwin(vector);
    Random r = new Random(14);
    for (int trial = 0; trial < 40; trial++) {
      int m = 1 + r.nextInt(5);
      int k = 1 + r.nextInt(9 * vector.lanes());
      float[] a = random(r, m * k);
      float[] v = random(r, k);
      float beta = r.nextBoolean() ? 0f : 0.5f;
      float[] c = random(r, m);
      float[] c2 = c.clone();
      vector.dots(m, k, a, 0, k, v, 0, beta, c, 0, 1);
      twin.dots(m, k, a, 0, k, v, 0, beta, c2, 0, 1);
      assertBits(c, c2, "dots " + m + "x" + k + " beta " + beta);
    }
  }

  @Test
  void productsTwinGivesTheVectorKernelsBits() {
    ProductKernels vector = VectorSupport.load("VectorProducts", ProductKernels.class);
    assumeTrue(vector != null, "needs --add-modules jdk.incubator.vector");
    ProductKernels twin = new ProductsTwin(vector);
    Random r = new Random(15);
    for (int trial = 0; trial < 40; trial++) {
      int m = 1 + r.nextInt(9);
      int n = 2 * vector.lanes() * (1 + r.nextInt(3));
      int k = r.nextInt(40);
      int lda = k + r.nextInt(3);
      int ldc = n + r.nextInt(3);
      float[] a = random(r, m * lda + 1);
      float[] b = random(r, k * n + 2);
      float[] c = random(r, m * ldc);
      float[] c2 = c.clone();
      boolean accumulate = r.nextBoolean();
      vector.product(m, n, k, a, 1, lda, b, 2, n, c, 0, ldc, accumulate);
      twin.product(m, n, k, a, 1, lda, b, 2, n, c2, 0, ldc, accumulate);
      assertBits(c, c2, "product " + m + "x" + n + "x" + k + " accumulate " + accumulate);
      // Up to five vectors of rows and a few more: the column tails run down the rows in blocks
      // of four vectors, one vector and four rows.
      int mt = 4 * (1 + r.nextInt(5 * vector.lanes() / 4 + 2));
      int nt = 1 + r.nextInt(3 * vector.lanes());
      float[] at = random(r, k * mt);
      float[] bt = random(r, k * nt);
      float[] ct = new float[mt * nt];
      float[] ct2 = new float[mt * nt];
      vector.productTransA(mt, nt, k, at, bt, ct);
      twin.productTransA(mt, nt, k, at, bt, ct2);
      assertBits(ct, ct2, "productTransA " + mt + "x" + nt + "x" + k);
      float[] cs = random(r, m * ldc);
      float[] cs2 = cs.clone();
      vector.productTransA(m, n, k, a, 1, m, b, 2, n, cs, 0, ldc, accumulate);
      twin.productTransA(m, n, k, a, 1, m, b, 2, n, cs2, 0, ldc, accumulate);
      assertBits(cs, cs2, "strided productTransA " + m + "x" + n + "x" + k);
    }
  }

  @Test
  void productsTwinIsOneChainPerOutputAtAnyShape() {
    // The twin's blocks of sixteen chains, its column and row edges included, against the
    // definition: each output one chain of fused multiply-adds over k in order.
    ProductKernels twin = new ProductsTwin(16);
    Random r = new Random(16);
    for (int trial = 0; trial < 60; trial++) {
      int m = 1 + r.nextInt(11);
      int n = 1 + r.nextInt(11);
      int k = r.nextInt(20);
      boolean transA = r.nextBoolean();
      boolean accumulate = r.nextBoolean();
      int lda = (transA ? m : k) + r.nextInt(3);
      int ldb = n + r.nextInt(3);
      int ldc = n + r.nextInt(3);
      float[] a = random(r, (transA ? k : m) * lda + 1);
      float[] b = random(r, k * ldb + 2);
      float[] c = random(r, m * ldc);
      float[] expected = c.clone();
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          float s = accumulate ? expected[i * ldc + j] : 0f;
          for (int q = 0; q < k; q++) {
            float x = transA ? a[1 + q * lda + i] : a[1 + i * lda + q];
            s = Math.fma(x, b[2 + q * ldb + j], s);
          }
          expected[i * ldc + j] = s;
        }
      }
      if (transA) {
        twin.productTransA(m, n, k, a, 1, lda, b, 2, ldb, c, 0, ldc, accumulate);
      } else {
        twin.product(m, n, k, a, 1, lda, b, 2, ldb, c, 0, ldc, accumulate);
      }
      assertBits(expected, c, (transA ? "Aᵀ·B " : "A·B ") + m + "x" + n + "x" + k);
    }
  }
}
