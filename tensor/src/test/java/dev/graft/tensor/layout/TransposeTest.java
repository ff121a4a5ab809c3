package dev.graft.tensor.layout;

import static dev.graft.tensor.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.tensor.NaiveRef;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import org.junit.jupiter.api.Test;

class TransposeTest {
  /** Every permutation of a rank-3 tensor and one of rank 4, against index arithmetic. */
  @Test
  void matchesNaiveIndexingForEveryPermutation() {
    int[][] perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    Tensor x = TestTensors.random(1, 2, 3, 4);
    for (int[] p : perms) {
      Tensor y = Transpose.permute(x, p);
      int[] dims = y.shape().toArray();
      double[] want = new double[y.size()];
      for (int i = 0; i < want.length; i++) {
        int[] oi = NaiveRef.unravel(i, dims);
        int[] xi = new int[3];
        for (int k = 0; k < 3; k++) {
          xi[p[k]] = oi[k];
        }
        want[i] = x.get(xi);
      }
      assertClose(want, y, 0, 0, "perm " + java.util.Arrays.toString(p));
      assertClose(x, Transpose.permute(y, Transpose.inverse(p)), 0, 0, "round trip");
    }
    Tensor z = TestTensors.random(2, 2, 3, 4, 5);
    Tensor t = Transpose.permute(z, new int[] {0, 3, 1, 2});
    assertEquals(Shape.of(2, 5, 3, 4), t.shape());
    assertEquals(z.get(1, 2, 3, 4), t.get(1, 4, 2, 3));
  }

  @Test
  void rejectsBadPermutationsAndOutputs() {
    Tensor x = TestTensors.random(3, 2, 2);
    assertThrows(IllegalArgumentException.class, () -> Transpose.permute(x, new int[] {0, 0}));
    assertThrows(IllegalArgumentException.class, () -> Transpose.permute(x, new int[] {0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> Transpose.permute(x, new int[] {0, 0}, Tensor.zeros(2, 2)));
    assertThrows(
        IllegalArgumentException.class,
        () -> Transpose.permute(TestTensors.random(4, 2, 3), new int[] {1, 0}, Tensor.zeros(2, 3)));
  }
}
