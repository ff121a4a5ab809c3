package dev.graft.tensor.products;

import static dev.graft.tensor.TestTensors.assertBits;
import static dev.graft.tensor.TestTensors.random;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.tensor.support.JitWarmup;
import dev.graft.tensor.support.VectorSupport;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plain-Java twin of the products' {@code dots} ({@link DotsTwin}), which runs while the JIT
 * compiles the Vector API kernels ({@link JitWarmup}), gives their floats bit for bit.
 */
class ProductTwinsTest {
  @Test
  void dotsTwinGivesTheVectorKernelsBits() {
    ProductKernels vector = VectorSupport.load("VectorProducts", ProductKernels.class);
    assumeTrue(vector != null, "needs --add-modules jdk.incubator.vector");
    ProductKernels twin = new DotsTwin(vector);
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
}
