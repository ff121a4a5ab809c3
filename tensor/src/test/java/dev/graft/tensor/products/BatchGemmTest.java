package dev.graft.tensor.products;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import dev.graft.tensor.elementwise.MaskFill;
import dev.graft.tensor.layout.Transpose;
import org.junit.jupiter.api.Test;

/** {@link BatchGemm} against a naive double-precision product per matrix; {@link MaskFill}. */
class BatchGemmTest {
  private static double[] naive(Tensor a, boolean ta, Tensor b, boolean tb, int batch) {
    int ra = a.shape().dim(-2);
    int ca = a.shape().dim(-1);
    int rb = b.shape().dim(-2);
    int cb = b.shape().dim(-1);
    int m = ta ? ca : ra;
    int k = ta ? ra : ca;
    int n = tb ? rb : cb;
    double[] out = new double[batch * m * n];
    for (int i = 0; i < batch; i++) {
      for (int r = 0; r < m; r++) {
        for (int c = 0; c < n; c++) {
          double s = 0;
          for (int j = 0; j < k; j++) {
            float x = a.array()[i * ra * ca + (ta ? j * ca + r : r * ca + j)];
            float y = b.array()[i * rb * cb + (tb ? c * cb + j : j * cb + c)];
            s += (double) x * y;
          }
          out[(i * m + r) * n + c] = s;
        }
      }
    }
    return out;
  }

  @Test
  void everyTransposeMatchesTheNaiveProduct() {
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        // 2 x 9 matrices: more than one parallel chunk.
        Tensor a = TestTensors.random(1, ta ? new int[] {2, 9, 5, 3} : new int[] {2, 9, 3, 5});
        Tensor b = TestTensors.random(2, tb ? new int[] {2, 9, 4, 5} : new int[] {2, 9, 5, 4});
        Tensor out = BatchGemm.matmul(a, ta, b, tb);
        TestTensors.assertClose(naive(a, ta, b, tb, 18), out, 1e-5, 1e-5, "ta=" + ta + " tb=" + tb);
      }
    }
  }

  @Test
  void accumulatesWhenAsked() {
    Tensor a = TestTensors.random(3, 4, 2, 3);
    Tensor b = TestTensors.random(4, 4, 3, 2);
    Tensor out = BatchGemm.matmul(a, false, b, false);
    BatchGemm.matmul(a, false, b, false, out, true);
    double[] want = naive(a, false, b, false, 4);
    for (int i = 0; i < want.length; i++) {
      want[i] *= 2;
    }
    TestTensors.assertClose(want, out, 1e-5, 1e-5, "accumulate");
  }

  /**
   * The heads layout (batch, rows, heads, cols) of any operand or of the output gives the product
   * of the transposed stacks (batch, heads, rows, cols), scaled by alpha.
   */
  @Test
  void headsLayoutReadsAndWritesTheTransposedStack() {
    int[] swap = {0, 2, 1, 3};
    for (int mask = 0; mask < 8; mask++) {
      boolean ha = (mask & 1) != 0;
      boolean hb = (mask & 2) != 0;
      boolean ho = (mask & 4) != 0;
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          // Stacks (3, 2, ., .): 6 matrices, more than one parallel chunk.
          Tensor a = TestTensors.random(7, ta ? new int[] {3, 2, 5, 4} : new int[] {3, 2, 4, 5});
          Tensor b = TestTensors.random(8, tb ? new int[] {3, 2, 6, 5} : new int[] {3, 2, 5, 6});
          double[] want = naive(a, ta, b, tb, 6);
          for (int i = 0; i < want.length; i++) {
            want[i] *= 0.25;
          }
          Tensor out = Tensor.zeros(ho ? new int[] {3, 4, 2, 6} : new int[] {3, 2, 4, 6});
          BatchGemm.matmul(
              ha ? Transpose.permute(a, swap) : a,
              ta,
              ha,
              hb ? Transpose.permute(b, swap) : b,
              tb,
              hb,
              0.25f,
              out,
              ho,
              false);
          TestTensors.assertClose(
              want,
              ho ? Transpose.permute(out, swap) : out,
              1e-5,
              1e-5,
              "heads " + ha + hb + ho + " ta=" + ta + " tb=" + tb);
        }
      }
    }
    // A heads layout needs rank 4 and the same head count everywhere.
    assertThrows(
        IllegalArgumentException.class,
        () ->
            BatchGemm.matmul(
                Tensor.zeros(2, 3, 4),
                false,
                true,
                Tensor.zeros(2, 4, 3),
                false,
                false,
                1f,
                Tensor.zeros(2, 3, 3),
                false,
                false));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            BatchGemm.matmul(
                Tensor.zeros(2, 4, 3, 5),
                false,
                true,
                Tensor.zeros(3, 2, 5, 4),
                false,
                false,
                1f,
                Tensor.zeros(2, 3, 4, 4),
                false,
                false));
  }

  /**
   * Attention-sized stacks (n a multiple of two vectors) take {@link SmallProducts}: every layout,
   * transpose, alpha and accumulate against the naive product, rows beyond the kernel's blocks of
   * four included; a second call gives the same bits (the path is chosen from the shape alone).
   */
  @Test
  void smallProductsOnTheVectorKernelsMatchTheNaiveProduct() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        SmallProducts.suits(6, 32, 7), "the Vector API kernels are not loaded");
    int[] swap = {0, 2, 1, 3};
    for (int mask = 0; mask < 8; mask++) {
      boolean ha = (mask & 1) != 0;
      boolean hb = (mask & 2) != 0;
      boolean ho = (mask & 4) != 0;
      for (int flags = 0; flags < 8; flags++) {
        boolean ta = (flags & 1) != 0;
        boolean tb = (flags & 2) != 0;
        boolean accumulate = (flags & 4) != 0;
        float alpha = ta ? 0.25f : 1f;
        Tensor a = TestTensors.random(9, ta ? new int[] {3, 2, 7, 6} : new int[] {3, 2, 6, 7});
        Tensor b = TestTensors.random(10, tb ? new int[] {3, 2, 32, 7} : new int[] {3, 2, 7, 32});
        Tensor start = TestTensors.random(11, 3, 2, 6, 32);
        double[] want = naive(a, ta, b, tb, 6);
        for (int i = 0; i < want.length; i++) {
          want[i] = alpha * want[i] + (accumulate ? start.array()[i] : 0);
        }
        Tensor first = null;
        for (int call = 0; call < 2; call++) {
          Tensor out = ho ? Transpose.permute(start, swap) : start.copy();
          BatchGemm.matmul(
              ha ? Transpose.permute(a, swap) : a,
              ta,
              ha,
              hb ? Transpose.permute(b, swap) : b,
              tb,
              hb,
              alpha,
              out,
              ho,
              accumulate);
          Tensor stack = ho ? Transpose.permute(out, swap) : out;
          String what = "heads " + ha + hb + ho + " ta=" + ta + " tb=" + tb + " acc=" + accumulate;
          TestTensors.assertClose(want, stack, 1e-5, 1e-5, what);
          if (first == null) {
            first = stack;
          } else {
            org.junit.jupiter.api.Assertions.assertArrayEquals(first.array(), stack.array(), what);
          }
        }
      }
    }
  }

  @Test
  void mismatchedShapesAreRejected() {
    Tensor a = Tensor.zeros(2, 3, 4);
    assertThrows(
        IllegalArgumentException.class,
        () -> BatchGemm.matmul(a, false, Tensor.zeros(2, 5, 2), false));
    assertThrows(
        IllegalArgumentException.class,
        () -> BatchGemm.matmul(a, false, Tensor.zeros(3, 4, 2), false));
    assertThrows(
        IllegalArgumentException.class,
        () -> BatchGemm.matmul(Tensor.zeros(3, 4), false, a, false));
  }

  @Test
  void maskFillBroadcastsTheMaskOverSizeOneAxes() {
    Tensor x = TestTensors.random(5, 2, 3, 2, 4);
    Tensor mask = TestTensors.random(6, 2, 1, 2, 4);
    for (int i = 0; i < mask.size(); i += 3) {
      mask.setFlat(i, 0f);
    }
    Tensor out = MaskFill.fill(x, mask, -7f);
    double[] want = new double[x.size()];
    for (int b = 0; b < 2; b++) {
      for (int h = 0; h < 3; h++) {
        for (int i = 0; i < 8; i++) {
          int at = (b * 3 + h) * 8 + i;
          want[at] = mask.getFlat(b * 8 + i) != 0f ? x.getFlat(at) : -7;
        }
      }
    }
    TestTensors.assertClose(want, out, 0, 0, "mask_fill");
    assertThrows(
        IllegalArgumentException.class, () -> MaskFill.fill(x, Tensor.zeros(2, 3, 1, 3), 0f));
  }
}
