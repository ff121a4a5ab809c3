package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link BatchGemm} against a naive double-precision product per matrix. */
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
}
