package dev.graft.tensor.elementwise;

import static dev.graft.tensor.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.NaiveRef;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

class BinaryTest {
  /** One op under test: our kernel (allocating and out forms) and its double reference. */
  private record Op(
      String name,
      java.util.function.BinaryOperator<Tensor> alloc,
      TriOp into,
      DoubleBinaryOperator ref) {}

  @FunctionalInterface
  private interface TriOp {
    Tensor apply(Tensor a, Tensor b, Tensor out);
  }

  private static final List<Op> OPS =
      List.of(
          new Op("add", Binary::add, Binary::add, (u, v) -> u + v),
          new Op("sub", Binary::sub, Binary::sub, (u, v) -> u - v),
          new Op("mul", Binary::mul, Binary::mul, (u, v) -> u * v),
          new Op("div", Binary::div, Binary::div, (u, v) -> u / v),
          new Op("maximum", Binary::maximum, Binary::maximum, Math::max),
          new Op("minimum", Binary::minimum, Binary::minimum, Math::min),
          new Op("pow", Binary::pow, Binary::pow, Math::pow));

  /** Positive values away from 0 so div and pow stay finite and well conditioned. */
  private static Tensor positive(long seed, int... dims) {
    return Tensor.uniform(new Rng(seed), 0.5f, 2f, dims);
  }

  private static void check(int[] ad, int[] bd, int[] want, long seed) {
    Tensor a = positive(seed, ad);
    Tensor b = positive(seed + 1, bd);
    for (Op op : OPS) {
      String what = op.name + " " + a.shape() + " " + b.shape();
      Tensor got = op.alloc.apply(a, b);
      assertEquals(Shape.of(want), got.shape(), what);
      assertClose(NaiveRef.binary(a, b, want, op.ref), got, 1e-5, 1e-6, what);
      Tensor out = Tensor.full(Float.NaN, want);
      assertSame(out, op.into.apply(a, b, out));
      assertClose(NaiveRef.binary(a, b, want, op.ref), out, 1e-5, 1e-6, what + " into out");
    }
  }

  @Test
  void broadcastsBothWays() {
    check(new int[] {3, 1}, new int[] {1, 4}, new int[] {3, 4}, 1);
    check(new int[] {1, 4}, new int[] {3, 1}, new int[] {3, 4}, 2);
    check(new int[] {2, 3, 4}, new int[] {4}, new int[] {2, 3, 4}, 3);
    check(new int[] {4}, new int[] {2, 3, 4}, new int[] {2, 3, 4}, 4);
    check(new int[] {1}, new int[] {5, 5}, new int[] {5, 5}, 5);
    check(new int[] {5, 5}, new int[] {1}, new int[] {5, 5}, 6);
    check(new int[] {2, 1, 4}, new int[] {3, 1}, new int[] {2, 3, 4}, 7);
    check(new int[] {4, 1, 1}, new int[] {1, 3, 5}, new int[] {4, 3, 5}, 8);
    check(new int[] {2, 3}, new int[] {2, 3}, new int[] {2, 3}, 9);
    check(new int[] {6, 7}, new int[] {7}, new int[] {6, 7}, 10);
    check(new int[] {1, 1}, new int[] {1}, new int[] {1, 1}, 11);
    check(new int[] {0, 3}, new int[] {3}, new int[] {0, 3}, 12);
    // Rank 10 is above the walker's initial capacity, so its buffers must grow.
    check(
        new int[] {2, 1, 2, 1, 2, 1, 2, 1, 2, 1},
        new int[] {2, 1, 2, 1, 2, 1, 2, 1, 2},
        new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2},
        13);
  }

  @Test
  void scalarsBroadcastEverywhere() {
    check(new int[] {}, new int[] {2, 3}, new int[] {2, 3}, 20);
    check(new int[] {2, 3}, new int[] {}, new int[] {2, 3}, 21);
    check(new int[] {}, new int[] {}, new int[] {}, 22);
  }

  @Test
  void randomShapesMatchReference() {
    Random r = new Random(42);
    for (int t = 0; t < 60; t++) {
      int[] full = NaiveRef.randomDims(r, 0, 5, 4);
      int[] a = full.clone();
      int drop = full.length == 0 ? 0 : r.nextInt(full.length + 1);
      int[] b = Arrays.copyOfRange(full, drop, full.length);
      for (int i = 0; i < a.length; i++) {
        if (r.nextInt(3) == 0) {
          a[i] = 1;
        } else if (i >= drop && r.nextInt(3) == 0) {
          b[i - drop] = 1;
        }
      }
      int[] want = new int[full.length];
      for (int i = 0; i < full.length; i++) {
        want[i] = Math.max(a[i], i >= drop ? b[i - drop] : 1);
      }
      if (r.nextBoolean()) {
        check(a, b, want, t);
      } else {
        check(b, a, want, t);
      }
    }
  }

  @Test
  void inPlaceWithEqualShapes() {
    for (Op op : OPS) {
      Tensor a = positive(30, 3, 5);
      Tensor b = positive(31, 3, 5);
      double[] want = NaiveRef.binary(a, b, new int[] {3, 5}, op.ref);
      assertSame(a, op.into.apply(a, b, a));
      assertClose(want, a, 1e-5, 1e-6, op.name + " into a");
      Tensor c = positive(32, 3, 5);
      Tensor d = positive(33, 3, 5);
      want = NaiveRef.binary(c, d, new int[] {3, 5}, op.ref);
      op.into.apply(c, d, d);
      assertClose(want, d, 1e-5, 1e-6, op.name + " into b");
      Tensor e = positive(34, 4);
      want = NaiveRef.binary(e, e, new int[] {4}, op.ref);
      op.into.apply(e, e, e);
      assertClose(want, e, 1e-5, 1e-6, op.name + " x op x into x");
    }
  }

  @Test
  void inPlaceBiasAddIntoTheFullOperand() {
    Tensor x = TestTensors.random(40, 4, 3);
    Tensor bias = TestTensors.random(41, 3);
    double[] want = NaiveRef.binary(x, bias, new int[] {4, 3}, Double::sum);
    Binary.add(x, bias, x);
    assertClose(want, x, 1e-6, 1e-6, "bias add in place");
  }

  @Test
  void viewsWithOffsets() {
    Tensor big = TestTensors.random(50, 5, 2, 3);
    Tensor a = big.slice(2, 4);
    Tensor b = big.slice(4, 5).reshape(1, 2, 3);
    Tensor outBig = Tensor.zeros(3, 2, 3);
    Tensor out = outBig.slice(1, 3);
    Binary.mul(a, b, out);
    assertClose(NaiveRef.binary(a, b, new int[] {2, 2, 3}, (u, v) -> u * v), out, 1e-6, 0, "mul");
    assertEquals(0f, outBig.getFlat(0));
  }

  @Test
  void specialValuesFollowIeee() {
    Tensor a = Tensor.of(1f, -1f, 0f, Float.NaN);
    Tensor z = Tensor.zeros(4);
    Tensor q = Binary.div(a, z);
    assertEquals(Float.POSITIVE_INFINITY, q.getFlat(0));
    assertEquals(Float.NEGATIVE_INFINITY, q.getFlat(1));
    assertTrue(Float.isNaN(q.getFlat(2)));
    assertTrue(Float.isNaN(Binary.maximum(a, z).getFlat(3)));
    assertTrue(Float.isNaN(Binary.minimum(z, a).getFlat(3)));
  }

  @Test
  void scalarForms() {
    Tensor x = TestTensors.random(60, 3, 4);
    double[] xs = NaiveRef.toDouble(x);
    double[] plus = xs.clone();
    double[] times = xs.clone();
    for (int i = 0; i < xs.length; i++) {
      plus[i] += 2.5;
      times[i] *= -3;
    }
    assertClose(plus, Binary.addScalar(x, 2.5f), 1e-6, 1e-6, "addScalar");
    assertClose(times, Binary.mulScalar(x, -3f), 1e-6, 1e-6, "mulScalar");
    Binary.mulScalar(x, -3f, x);
    assertClose(times, x, 1e-6, 1e-6, "mulScalar in place");
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Binary.addScalar(x, 1f, Tensor.zeros(4, 3)));
    assertTrue(e.getMessage().contains("addScalar") && e.getMessage().contains("(4, 3)"));
    assertTrue(e.getMessage().contains("(3, 4)"), e.getMessage());
  }

  @Test
  void incompatibleShapesNameOpAndShapes() {
    for (Op op : OPS) {
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> op.alloc.apply(Tensor.zeros(2, 3), Tensor.zeros(4)));
      String m = e.getMessage();
      assertTrue(m.startsWith(op.name + ":"), m);
      assertTrue(m.contains("(2, 3)") && m.contains("(4,)") && m.contains("cannot broadcast"), m);
    }
  }

  @Test
  void wrongOutShapeNamesOpAndShapes() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Binary.add(Tensor.zeros(3, 1), Tensor.zeros(1, 4), Tensor.zeros(3, 1)));
    String m = e.getMessage();
    assertTrue(m.startsWith("add:"), m);
    assertTrue(m.contains("(3, 1)") && m.contains("(1, 4)") && m.contains("(3, 4)"), m);
    var e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Binary.sub(Tensor.zeros(3), Tensor.zeros(3), Tensor.zeros(1, 3)));
    assertTrue(e2.getMessage().startsWith("sub:") && e2.getMessage().contains("(1, 3)"));
  }
}
