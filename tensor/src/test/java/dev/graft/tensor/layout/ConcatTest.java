package dev.graft.tensor.layout;

import static dev.graft.tensor.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.NaiveRef;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import org.junit.jupiter.api.Test;

class ConcatTest {
  /** Naive concat: each output element found by walking the parts along the axis. */
  private static double[] naive(Tensor[] parts, int axis) {
    int[] dims = parts[0].shape().toArray();
    int total = 0;
    for (Tensor p : parts) {
      total += p.shape().dim(axis);
    }
    dims[axis] = total;
    double[] r = new double[Shape.of(dims).size()];
    for (int i = 0; i < r.length; i++) {
      int[] idx = NaiveRef.unravel(i, dims);
      int k = idx[axis];
      int p = 0;
      while (k >= parts[p].shape().dim(axis)) {
        k -= parts[p].shape().dim(axis);
        p++;
      }
      idx[axis] = k;
      r[i] = parts[p].get(idx);
    }
    return r;
  }

  private static Tensor[] parts(int axis, long seed, int... sizes) {
    Tensor[] p = new Tensor[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      int[] dims = {2, 3, 4, 5};
      dims[axis] = sizes[i];
      p[i] = TestTensors.random(seed + i, dims);
    }
    return p;
  }

  @Test
  void everyAxisOfARank4TensorAndRoundTrip() {
    for (int axis = 0; axis < 4; axis++) {
      Tensor[] p = parts(axis, 10L * axis, 1, 3, 2);
      Tensor c = Concat.concat(axis, p);
      int[] want = {2, 3, 4, 5};
      want[axis] = 6;
      assertEquals(Shape.of(want), c.shape());
      assertClose(naive(p, axis), c, 0, 0, "concat axis " + axis);
      Tensor[] back = Concat.split(c, axis - 4, 1, 3, 2);
      for (int i = 0; i < p.length; i++) {
        assertClose(p[i], back[i], 0, 0, "split axis " + axis + " part " + i);
      }
      Tensor out = Tensor.full(9f, want);
      assertSame(out, Concat.concat(p, axis - 4, out));
      assertClose(naive(p, axis), out, 0, 0, "concat into out, axis " + axis);
    }
  }

  @Test
  void splitIntoGivenOutputsAndEmptyParts() {
    Tensor x = TestTensors.random(3, 4, 6);
    Tensor[] outs = {Tensor.zeros(4, 2), Tensor.zeros(4, 0), Tensor.zeros(4, 4)};
    assertSame(outs, Concat.split(x, 1, outs));
    assertClose(x, Concat.concat(1, outs), 0, 0, "round trip with an empty part");
    Tensor one = TestTensors.random(4, 3, 2);
    assertClose(one, Concat.concat(0, one), 0, 0, "concat of one");
  }

  @Test
  void viewsWithOffsets() {
    Tensor big = TestTensors.random(5, 6, 2, 3);
    Tensor a = big.slice(0, 2);
    Tensor b = big.slice(3, 6);
    Tensor outBig = Tensor.zeros(3, 2, 5);
    Tensor out = outBig.slice(1, 3).reshape(2, 2, 5).slice(0, 2);
    Tensor[] ps = {a.reshape(2, 2, 3), b.slice(0, 2).reshape(2, 2, 3).slice(0, 2)};
    Tensor[] narrow = {ps[0], Concat.split(ps[1], 2, 2, 1)[0]};
    Concat.concat(narrow, 2, out);
    assertClose(naive(narrow, 2), out, 0, 0, "concat of views into a view");
    assertEquals(0f, outBig.getFlat(0));
  }

  @Test
  void errorsNameOpAndShapes() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Concat.concat(1, Tensor.zeros(2, 3), Tensor.zeros(3, 3)));
    String m = e.getMessage();
    assertTrue(m.startsWith("concat:") && m.contains("(2, 3)") && m.contains("(3, 3)"), m);
    var e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Concat.concat(new Tensor[] {Tensor.zeros(2, 3)}, 1, Tensor.zeros(2, 4)));
    assertTrue(e2.getMessage().contains("(2, 4)") && e2.getMessage().contains("(2, 3)"));
    var e3 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Concat.concat(0, Tensor.zeros(2, 3), Tensor.zeros(3)));
    assertTrue(e3.getMessage().startsWith("concat:") && e3.getMessage().contains("(3,)"));
    var e4 = assertThrows(IllegalArgumentException.class, () -> Concat.concat(2, Tensor.zeros(2)));
    assertTrue(e4.getMessage().startsWith("concat:") && e4.getMessage().contains("(2,)"));
    var e5 =
        assertThrows(
            IllegalArgumentException.class, () -> Concat.split(Tensor.zeros(2, 5), 1, 2, 2));
    m = e5.getMessage();
    assertTrue(m.startsWith("split:") && m.contains("(2, 5)") && m.contains("(2, 2)"), m);
    var e6 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Concat.split(Tensor.zeros(2, 5), 0, new Tensor[0]));
    assertTrue(e6.getMessage().startsWith("split:"), e6.getMessage());
    var e7 =
        assertThrows(IllegalArgumentException.class, () -> Concat.split(Tensor.zeros(2), 0, -1, 3));
    assertTrue(e7.getMessage().startsWith("split:") && e7.getMessage().contains("(2,)"));
  }
}
