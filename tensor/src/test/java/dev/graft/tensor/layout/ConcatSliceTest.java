package dev.graft.tensor.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import org.junit.jupiter.api.Test;

class ConcatSliceTest {
  @Test
  void sliceThenUnsliceRestoresTheWindowOnEveryAxis() {
    Tensor x = TestTensors.random(3, 2, 5, 4, 3);
    for (int axis = 0; axis < 4; axis++) {
      int d = x.shape().dim(axis);
      int start = d > 2 ? 1 : 0;
      int n = d - start - (d > 3 ? 1 : 0);
      Tensor part = Concat.slice(x, axis, start, Tensor.zeros(x.shape().withDim(axis, n)));
      for (int i = 0; i < part.size(); i++) {
        int[] idx = unravel(i, part.shape());
        idx[axis] += start;
        assertTrue(part.getFlat(i) == x.get(idx), "axis " + axis + " element " + i);
      }
      Tensor whole = Tensor.zeros(x.shape());
      Concat.unslice(part, axis, start, whole);
      for (int i = 0; i < whole.size(); i++) {
        int[] idx = unravel(i, whole.shape());
        boolean inside = idx[axis] >= start && idx[axis] < start + n;
        assertTrue(whole.getFlat(i) == (inside ? x.getFlat(i) : 0f), "unslice axis " + axis);
      }
    }
  }

  @Test
  void sliceOutOfRangeNamesShapes() {
    Tensor x = Tensor.zeros(2, 3);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Concat.slice(x, 1, 2, Tensor.zeros(2, 2)));
    assertTrue(
        e.getMessage().contains("(2, 2)") && e.getMessage().contains("(2, 3)"), e.getMessage());
  }

  @Test
  void slicesOfAConcatAreItsParts() {
    Tensor a = TestTensors.random(1, 2, 3);
    Tensor b = TestTensors.random(2, 2, 4);
    Tensor c = Concat.concat(1, a, b);
    assertArrayEquals(a.toArray(), Concat.slice(c, 1, 0, Tensor.zeros(2, 3)).toArray());
    assertArrayEquals(b.toArray(), Concat.slice(c, -1, 3, Tensor.zeros(2, 4)).toArray());
  }

  private static int[] unravel(int flat, Shape s) {
    int[] idx = new int[s.rank()];
    for (int i = s.rank() - 1; i >= 0; i--) {
      idx[i] = flat % s.dim(i);
      flat /= s.dim(i);
    }
    return idx;
  }
}
