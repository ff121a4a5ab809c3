package dev.graft.tensor.reduce;

import static dev.graft.tensor.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.NaiveRef;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReduceTest {
  private static final int SUM = 0;
  private static final int MEAN = 1;
  private static final int MAX = 2;

  private static int[] reducedDims(int[] dims, boolean[] reduced, boolean keepDims) {
    int[] d = new int[dims.length];
    int j = 0;
    for (int i = 0; i < dims.length; i++) {
      if (!reduced[i] || keepDims) {
        d[j++] = reduced[i] ? 1 : dims[i];
      }
    }
    return Arrays.copyOf(d, j);
  }

  /** Which of {@code rank} axes {@code axes} names; {@code null} names all. */
  private static boolean[] reducedAxes(int rank, int[] axes) {
    boolean[] reduced = new boolean[rank];
    for (int i = 0; i < rank; i++) {
      reduced[i] = axes == null;
    }
    if (axes != null) {
      for (int a : axes) {
        reduced[a < 0 ? a + rank : a] = true;
      }
    }
    return reduced;
  }

  /** The naive reduction in double; {@code axes == null} reduces everything. */
  private static double[] naive(int kind, Tensor x, int[] axes) {
    int[] dims = x.shape().toArray();
    boolean[] reduced = reducedAxes(dims.length, axes);
    int[] kd = reducedDims(dims, reduced, true);
    double[] r = new double[Shape.of(kd).size()];
    int[] count = new int[r.length];
    Arrays.fill(r, kind == MAX ? Double.NEGATIVE_INFINITY : 0);
    for (int i = 0; i < x.size(); i++) {
      int j = NaiveRef.broadcastIndex(NaiveRef.unravel(i, dims), kd);
      double v = x.getFlat(i);
      r[j] = kind == MAX ? Math.max(r[j], v) : r[j] + v;
      count[j]++;
    }
    if (kind == MEAN) {
      for (int j = 0; j < r.length; j++) {
        r[j] /= count[j];
      }
    }
    return r;
  }

  private static void check(Tensor x, int[] axes, long seed) {
    int[] dims = x.shape().toArray();
    for (int kind = SUM; kind <= MAX; kind++) {
      for (boolean keep : new boolean[] {false, true}) {
        boolean[] reduced = reducedAxes(dims.length, axes);
        int[] want = reducedDims(dims, reduced, keep);
        String what =
            new String[] {"sum", "mean", "max"}[kind]
                + " of "
                + x.shape()
                + " over "
                + Arrays.toString(axes)
                + " keepDims="
                + keep;
        Tensor out = Tensor.full(123f, want);
        Tensor got =
            switch (kind) {
              case SUM -> Reduce.sum(x, axes, keep, out);
              case MEAN -> Reduce.mean(x, axes, keep, out);
              default -> Reduce.max(x, axes, keep, out);
            };
        assertSame(out, got);
        assertClose(naive(kind, x, axes), got, 1e-5, 1e-5, what);
        Tensor alloc =
            switch (kind) {
              case SUM -> Reduce.sum(x, axes, keep);
              case MEAN -> Reduce.mean(x, axes, keep);
              default -> Reduce.max(x, axes, keep);
            };
        assertEquals(Shape.of(want), alloc.shape(), what);
        assertClose(naive(kind, x, axes), alloc, 1e-5, 1e-5, what);
      }
    }
  }

  @Test
  void firstMiddleLastAndSeveralAxes() {
    Tensor x = TestTensors.random(1, 3, 4, 5);
    check(x, new int[] {0}, 1);
    check(x, new int[] {1}, 2);
    check(x, new int[] {2}, 3);
    check(x, new int[] {-1}, 4);
    check(x, new int[] {0, 2}, 5);
    check(x, new int[] {2, 0}, 6);
    check(x, new int[] {0, 1}, 7);
    check(x, new int[] {1, 2}, 8);
    check(x, new int[] {0, 1, 2}, 9);
    check(x, null, 10);
    check(x, new int[] {}, 11);
    check(TestTensors.random(2, 7), new int[] {0}, 12);
    check(TestTensors.random(3, 1, 6, 1), new int[] {1}, 13);
    check(TestTensors.random(4, 1, 6, 1), new int[] {0, 2}, 14);
  }

  @Test
  void randomShapesAndAxes() {
    Random r = new Random(77);
    for (int t = 0; t < 40; t++) {
      int[] dims = NaiveRef.randomDims(r, 1, 4, 5);
      List<Integer> axes = new ArrayList<>();
      for (int i = 0; i < dims.length; i++) {
        if (r.nextBoolean()) {
          axes.add(r.nextBoolean() ? i : i - dims.length);
        }
      }
      check(TestTensors.random(t, dims), axes.stream().mapToInt(Integer::intValue).toArray(), t);
    }
  }

  @Test
  void allElementsAsScalars() {
    Tensor x = Tensor.of(new float[] {1, -2, 3, 8, 5, 6}, 2, 3);
    assertEquals(Shape.scalar(), Reduce.sum(x).shape());
    assertEquals(21f, Reduce.sum(x).item());
    assertEquals(3.5f, Reduce.mean(x).item());
    assertEquals(8f, Reduce.max(x).item());
    assertEquals(3f, Reduce.argmax(x).item());
    assertEquals(5f, Reduce.sum(Tensor.scalar(5f)).item());
  }

  @Test
  void largeSumsStayAccurate() {
    Tensor x = Tensor.full(0.1f, 3, 100_000);
    Tensor s = Reduce.sum(x, new int[] {1}, false);
    assertClose(new double[] {10000.000149, 10000.000149, 10000.000149}, s, 1e-6, 0, "sum");
  }

  @Test
  void emptyAndNaN() {
    Tensor e = Tensor.zeros(0, 3);
    assertClose(new double[] {0, 0, 0}, Reduce.sum(e, new int[] {0}, false), 0, 0, "empty sum");
    assertTrue(Float.isNaN(Reduce.mean(e, new int[] {0}, false).getFlat(0)));
    assertEquals(0, Reduce.sum(e, new int[] {1}, false).size());
    Tensor n = Tensor.of(1f, Float.NaN, 3f);
    assertTrue(Float.isNaN(Reduce.max(n).item()));
    assertEquals(1f, Reduce.argmax(n).item());
  }

  private static double[] naiveArgmax(Tensor x, int axis) {
    int[] dims = x.shape().toArray();
    int a = axis < 0 ? axis + dims.length : axis;
    boolean[] reduced = new boolean[dims.length];
    reduced[a] = true;
    int[] kd = reducedDims(dims, reduced, true);
    double[] best = new double[Shape.of(kd).size()];
    double[] idx = new double[best.length];
    Arrays.fill(best, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < x.size(); i++) {
      int[] mi = NaiveRef.unravel(i, dims);
      int j = NaiveRef.broadcastIndex(mi, kd);
      if (x.getFlat(i) > best[j]) {
        best[j] = x.getFlat(i);
        idx[j] = mi[a];
      }
    }
    return idx;
  }

  @Test
  void argmaxEveryAxis() {
    Tensor x = TestTensors.random(21, 3, 4, 5, 2);
    for (int axis = -4; axis < 4; axis++) {
      for (boolean keep : new boolean[] {false, true}) {
        Tensor got = Reduce.argmax(x, axis, keep);
        Shape s = x.shape();
        int a = axis < 0 ? axis + 4 : axis;
        boolean[] red = new boolean[4];
        red[a] = true;
        assertEquals(Shape.of(reducedDims(s.toArray(), red, keep)), got.shape());
        assertClose(naiveArgmax(x, axis), got, 0, 0, "argmax axis " + axis);
      }
    }
  }

  @Test
  void argmaxTiesPickTheFirst() {
    Tensor x = Tensor.of(new float[] {2, 5, 5, 1, 7, 7, 7, 0}, 2, 4);
    assertClose(new double[] {1, 0}, Reduce.argmax(x, 1, false), 0, 0, "ties");
    Tensor out = Tensor.zeros(2, 1);
    assertSame(out, Reduce.argmax(x, -1, true, out));
    assertClose(new double[] {1, 0}, out, 0, 0, "ties into out");
  }

  @Test
  void errorsNameOpAndShapes() {
    Tensor x = Tensor.zeros(2, 3);
    var e = assertThrows(IllegalArgumentException.class, () -> Reduce.sum(x, new int[] {2}, false));
    assertTrue(e.getMessage().startsWith("sum:") && e.getMessage().contains("(2, 3)"));
    assertTrue(e.getMessage().contains("axis 2"), e.getMessage());
    var e2 =
        assertThrows(
            IllegalArgumentException.class, () -> Reduce.mean(x, new int[] {1, -1}, false));
    assertTrue(e2.getMessage().startsWith("mean:") && e2.getMessage().contains("repeated"));
    assertTrue(e2.getMessage().contains("(2, 3)"), e2.getMessage());
    var e3 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Reduce.max(x, new int[] {1}, true, Tensor.zeros(2)));
    String m = e3.getMessage();
    assertTrue(m.startsWith("max:") && m.contains("(2,)") && m.contains("(2, 3)"), m);
    assertTrue(m.contains("(2, 1)"), m);
    var e4 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Reduce.sum(x, new int[] {0}, false, Tensor.zeros(3, 1)));
    assertTrue(e4.getMessage().contains("(3,)"), e4.getMessage());
    var e5 = assertThrows(IllegalArgumentException.class, () -> Reduce.argmax(x, -3, false));
    assertTrue(e5.getMessage().startsWith("argmax:") && e5.getMessage().contains("(2, 3)"));
    var e6 =
        assertThrows(
            IllegalArgumentException.class, () -> Reduce.argmax(Tensor.zeros(0, 2), 0, false));
    assertTrue(e6.getMessage().startsWith("argmax:") && e6.getMessage().contains("(0, 2)"));
  }
}
