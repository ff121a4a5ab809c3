package dev.graft.tensor;

import static dev.graft.tensor.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.reduce.Reduce;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BroadcastTest {
  @Test
  void broadcastShapes() {
    assertEquals(Shape.of(3, 4), Broadcast.broadcastShape(Shape.of(3, 1), Shape.of(1, 4)));
    assertEquals(Shape.of(2, 3, 4), Broadcast.broadcastShape(Shape.of(4), Shape.of(2, 3, 4)));
    assertEquals(Shape.of(5, 5), Broadcast.broadcastShape(Shape.of(1), Shape.of(5, 5)));
    assertEquals(Shape.of(2, 3), Broadcast.broadcastShape(Shape.scalar(), Shape.of(2, 3)));
    assertEquals(Shape.scalar(), Broadcast.broadcastShape(Shape.scalar(), Shape.scalar()));
    assertEquals(Shape.of(0, 3), Broadcast.broadcastShape(Shape.of(0, 1), Shape.of(3)));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Broadcast.broadcastShape(Shape.of(2, 3), Shape.of(4)));
    assertTrue(e.getMessage().contains("(2, 3)") && e.getMessage().contains("(4,)"));
  }

  /** The reference: every gradient element added to the target element it broadcast from. */
  private static double[] naiveSumTo(Tensor g, int[] target) {
    double[] r = new double[Shape.of(target).size()];
    int[] gd = g.shape().toArray();
    for (int i = 0; i < g.size(); i++) {
      r[NaiveRef.broadcastIndex(NaiveRef.unravel(i, gd), target)] += g.getFlat(i);
    }
    return r;
  }

  private static void check(int[] gd, int[] target, long seed) {
    Tensor g = TestTensors.random(seed, gd);
    Tensor out = Tensor.full(7f, target);
    Reduce.sumToShape(g, Shape.of(target), out);
    String what = "sumToShape " + g.shape() + " -> " + out.shape();
    assertClose(naiveSumTo(g, target), out, 1e-5, 1e-5, what);
    assertClose(naiveSumTo(g, target), Reduce.sumToShape(g, Shape.of(target)), 1e-5, 1e-5, what);
  }

  @Test
  void sumToShapeUndoesBroadcasting() {
    check(new int[] {3, 4}, new int[] {3, 1}, 1);
    check(new int[] {3, 4}, new int[] {1, 4}, 2);
    check(new int[] {2, 3, 4}, new int[] {4}, 3);
    check(new int[] {5, 5}, new int[] {1}, 4);
    check(new int[] {2, 3}, new int[] {}, 5);
    check(new int[] {2, 3}, new int[] {2, 3}, 6);
    check(new int[] {4, 3, 5}, new int[] {4, 1, 5}, 7);
    check(new int[] {4, 3, 5}, new int[] {3, 1}, 8);
  }

  @Test
  void sumToShapeRandom() {
    Random r = new Random(9);
    for (int t = 0; t < 40; t++) {
      int[] g = NaiveRef.randomDims(r, 0, 4, 5);
      int drop = r.nextInt(g.length + 1);
      int[] target = java.util.Arrays.copyOfRange(g, drop, g.length);
      for (int i = 0; i < target.length; i++) {
        if (r.nextBoolean()) {
          target[i] = 1;
        }
      }
      check(g, target, t);
    }
  }

  @Test
  void sumToShapeErrors() {
    Tensor g = Tensor.zeros(2, 3);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Reduce.sumToShape(g, Shape.of(2), Tensor.zeros(2)));
    assertTrue(e.getMessage().startsWith("sumToShape:"), e.getMessage());
    assertTrue(e.getMessage().contains("(2,)") && e.getMessage().contains("(2, 3)"));
    var e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Reduce.sumToShape(g, Shape.of(3), Tensor.zeros(1, 3)));
    assertTrue(e2.getMessage().contains("(3,)") && e2.getMessage().contains("(1, 3)"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Reduce.sumToShape(g, Shape.of(1, 2, 3), Tensor.zeros(1, 2, 3)));
  }
}
