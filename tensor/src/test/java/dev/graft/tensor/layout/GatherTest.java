package dev.graft.tensor.layout;

import static dev.graft.tensor.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import org.junit.jupiter.api.Test;

class GatherTest {
  @Test
  void gatherMatchesReference() {
    Tensor table = TestTensors.random(1, 7, 4);
    Tensor idx = Tensor.randint(new Rng(2), 0, 7, 3, 5);
    Tensor got = Gather.gather(table, idx);
    assertEquals(Shape.of(3, 5, 4), got.shape());
    double[] want = new double[3 * 5 * 4];
    for (int i = 0; i < 15; i++) {
      for (int d = 0; d < 4; d++) {
        want[i * 4 + d] = table.get((int) idx.getFlat(i), d);
      }
    }
    assertClose(want, got, 0, 0, "gather");
    Tensor out = Tensor.full(5f, 3, 5, 4);
    assertSame(out, Gather.gather(table, idx, out));
    assertClose(want, out, 0, 0, "gather into out");
  }

  @Test
  void gatherScalarIndexAndRank3Table() {
    Tensor table = TestTensors.random(3, 4, 2, 3);
    Tensor got = Gather.gather(table, Tensor.scalar(2f));
    assertEquals(Shape.of(2, 3), got.shape());
    assertClose(table.slice(2, 3).reshape(2, 3), got, 0, 0, "scalar index");
  }

  @Test
  void scatterAddAccumulatesRepeats() {
    Tensor idx = Tensor.of(new float[] {1, 3, 1, 1, 0, 3}, 2, 3);
    Tensor grad = TestTensors.random(4, 2, 3, 2);
    Tensor tg = Tensor.full(0.5f, 5, 2);
    assertSame(tg, Gather.scatterAdd(idx, grad, tg));
    double[] want = new double[10];
    java.util.Arrays.fill(want, 0.5);
    for (int i = 0; i < 6; i++) {
      for (int d = 0; d < 2; d++) {
        want[(int) idx.getFlat(i) * 2 + d] += grad.getFlat(i * 2 + d);
      }
    }
    assertClose(want, tg, 1e-6, 1e-6, "scatterAdd adds into the table");
    want = new double[10];
    for (int i = 0; i < 6; i++) {
      for (int d = 0; d < 2; d++) {
        want[(int) idx.getFlat(i) * 2 + d] += grad.getFlat(i * 2 + d);
      }
    }
    assertClose(want, Gather.scatterAdd(idx, grad, Shape.of(5, 2)), 1e-6, 1e-6, "fresh");
  }

  /** scatterAdd is gather's adjoint: <gather(T, i), G> == <T, scatterAdd(i, G)>. */
  @Test
  void scatterAddIsTheAdjointOfGather() {
    Tensor table = TestTensors.random(5, 6, 3);
    Tensor idx = Tensor.randint(new Rng(6), 0, 6, 10);
    Tensor g = TestTensors.random(7, 10, 3);
    double lhs = 0;
    Tensor gathered = Gather.gather(table, idx);
    for (int i = 0; i < g.size(); i++) {
      lhs += (double) gathered.getFlat(i) * g.getFlat(i);
    }
    Tensor tg = Gather.scatterAdd(idx, g, Shape.of(6, 3));
    double rhs = 0;
    for (int i = 0; i < table.size(); i++) {
      rhs += (double) table.getFlat(i) * tg.getFlat(i);
    }
    assertEquals(lhs, rhs, 1e-5);
  }

  private static String gatherError(float bad) {
    Tensor table = Tensor.zeros(5, 3);
    Tensor idx = Tensor.of(new float[] {0, 1, 2, 3, bad, 4}, 2, 3);
    return assertThrows(IllegalArgumentException.class, () -> Gather.gather(table, idx))
        .getMessage();
  }

  @Test
  void badIndicesNameValuePositionAndRange() {
    for (float bad : new float[] {5f, -1f, 1.5f, Float.NaN, 1e10f, Float.POSITIVE_INFINITY}) {
      String m = gatherError(bad);
      assertTrue(m.startsWith("gather:"), m);
      assertTrue(m.contains("index " + bad), m);
      assertTrue(m.contains("[1, 1]") && m.contains("[0, 5)"), m);
      assertTrue(m.contains("(5, 3)") && m.contains("(2, 3)"), m);
    }
    assertTrue(gatherError(1.5f).contains("not an integer"));
    assertTrue(gatherError(Float.NaN).contains("not an integer"));
    assertTrue(gatherError(7f).contains("out of range"));
    assertTrue(gatherError(1e10f).contains("out of range"));
    assertTrue(gatherError(-1f).contains("out of range"));
  }

  @Test
  void scatterAddWritesNothingOnABadIndex() {
    Tensor tg = Tensor.zeros(3, 2);
    Tensor idx = Tensor.of(0f, 1f, 3f);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Gather.scatterAdd(idx, Tensor.ones(3, 2), tg));
    String m = e.getMessage();
    assertTrue(m.startsWith("scatterAdd:") && m.contains("index 3.0") && m.contains("[2]"), m);
    assertTrue(m.contains("[0, 3)"), m);
    assertClose(new double[6], tg, 0, 0, "untouched");
  }

  @Test
  void shapeErrorsNameOpAndShapes() {
    Tensor table = Tensor.zeros(5, 3);
    Tensor idx = Tensor.zeros(2, 4);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Gather.gather(table, idx, Tensor.zeros(2, 3)));
    String m = e.getMessage();
    assertTrue(m.startsWith("gather:") && m.contains("(5, 3)") && m.contains("(2, 4)"), m);
    assertTrue(m.contains("(2, 3)"), m);
    var e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Gather.scatterAdd(idx, Tensor.zeros(2, 4, 2), table));
    m = e2.getMessage();
    assertTrue(m.startsWith("scatterAdd:") && m.contains("(2, 4, 2)"), m);
    var e3 =
        assertThrows(IllegalArgumentException.class, () -> Gather.gather(Tensor.scalar(1f), idx));
    assertTrue(e3.getMessage().startsWith("gather:") && e3.getMessage().contains("()"));
  }
}
