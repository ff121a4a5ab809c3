package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.reduce.Reduce;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class TensorTest {
  @Test
  void factories() {
    assertArrayEquals(new float[6], Tensor.zeros(2, 3).toArray());
    assertArrayEquals(new float[] {1, 1}, Tensor.ones(2).toArray());
    assertArrayEquals(new float[] {7, 7, 7}, Tensor.full(7f, 3).toArray());
    assertEquals(Shape.scalar(), Tensor.scalar(2f).shape());
    assertEquals(2f, Tensor.scalar(2f).item());
    assertArrayEquals(new float[] {0, 1, 2, 3}, Tensor.arange(4).toArray());
    assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f}, Tensor.arange(1, 3, 0.5f).toArray());
    assertEquals(0, Tensor.arange(3, 1, 1).size());
    assertArrayEquals(new float[] {3, 2}, Tensor.arange(3, 1, -1).toArray());
    var e = assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 1, 0));
    assertTrue(e.getMessage().startsWith("arange:"), e.getMessage());
  }

  @Test
  void ofNestedArrays() {
    Tensor m = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
    assertEquals(Shape.of(2, 3), m.shape());
    assertEquals(6f, m.get(1, 2));
    Tensor c = Tensor.of(new float[][][] {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}, {{9, 0}, {1, 2}}});
    assertEquals(Shape.of(3, 2, 2), c.shape());
    assertEquals(7f, c.get(1, 1, 0));
    Tensor h = Tensor.of(new float[][][][] {{{{1}, {2}}}, {{{3}, {4}}}});
    assertEquals(Shape.of(2, 1, 2, 1), h.shape());
    assertEquals(4f, h.get(1, 0, 1, 0));
    Tensor v = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
    assertEquals(5f, v.get(2, 0));
    var e =
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[][] {{1, 2}, {3}}));
    assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("length 1"));
    var e2 =
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[] {1, 2, 3}, 2, 2));
    assertTrue(e2.getMessage().contains("3 values") && e2.getMessage().contains("(2, 2)"));
    var e3 =
        assertThrows(
            IllegalArgumentException.class,
            () -> Tensor.of(new float[][][] {{{1, 2}}, {{1, 2}, {3, 4}}}));
    assertTrue(e3.getMessage().contains("(2, 2)") && e3.getMessage().contains("(1, 2)"));
  }

  @Test
  void ofCopiesButWrapShares() {
    float[] d = {1, 2, 3, 4};
    Tensor copied = Tensor.of(d, 2, 2);
    Tensor wrapped = Tensor.wrap(d, 2, 2);
    d[0] = 9;
    assertEquals(1f, copied.getFlat(0));
    assertEquals(9f, wrapped.getFlat(0));
    assertSame(d, wrapped.array());
    Tensor part = Tensor.wrap(d, 1, Shape.of(3));
    assertArrayEquals(new float[] {2, 3, 4}, part.toArray());
    var e = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(d, 2, Shape.of(3)));
    assertTrue(e.getMessage().contains("(3,)") && e.getMessage().contains("offset 2"));
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(Shape.batched(3)));
  }

  @Test
  void stack() {
    Tensor s = Tensor.stack(Tensor.of(1f, 2f), Tensor.of(3f, 4f), Tensor.of(5f, 6f));
    assertEquals(Shape.of(3, 2), s.shape());
    assertEquals(5f, s.get(2, 0));
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Tensor.stack(Tensor.of(1f), Tensor.of(1f, 2f)));
    assertTrue(e.getMessage().startsWith("stack:") && e.getMessage().contains("(2,)"));
    assertThrows(IllegalArgumentException.class, Tensor::stack);
  }

  @Test
  void randomFactoriesAreSeededAndInRange() {
    Tensor a = Tensor.rand(new Rng(1), 100);
    assertTrue(a.allClose(Tensor.rand(new Rng(1), 100), 0, 0));
    assertFalse(a.allClose(Tensor.rand(new Rng(2), 100), 0, 0));
    for (int i = 0; i < 100; i++) {
      assertTrue(a.getFlat(i) >= 0 && a.getFlat(i) < 1);
    }
    Tensor u = Tensor.uniform(new Rng(3), -2f, -1f, 50);
    Tensor r = Tensor.randint(new Rng(4), 3, 6, 200);
    boolean[] seen = new boolean[3];
    for (int i = 0; i < 200; i++) {
      float v = r.getFlat(i);
      assertEquals(Math.rint(v), v);
      assertTrue(v >= 3 && v < 6);
      seen[(int) v - 3] = true;
      if (i < 50) {
        assertTrue(u.getFlat(i) >= -2 && u.getFlat(i) < -1);
      }
    }
    assertArrayEquals(new boolean[] {true, true, true}, seen);
    Tensor n = Tensor.randn(new Rng(5), 10_000);
    assertEquals(0, Reduce.mean(n).item(), 0.05);
    var e = assertThrows(IllegalArgumentException.class, () -> Tensor.randint(3, 3, 2));
    assertTrue(e.getMessage().startsWith("randint"), e.getMessage());
  }

  @Test
  void reshapeIsAViewAndInfersMinusOne() {
    Tensor t = Tensor.arange(12);
    Tensor r = t.reshape(3, -1);
    assertEquals(Shape.of(3, 4), r.shape());
    assertEquals(Shape.of(2, 2, 3), t.reshape(-1, 2, 3).shape());
    assertEquals(Shape.of(12), r.reshape(-1).shape());
    assertEquals(Shape.of(0, 3), Tensor.zeros(0, 3).reshape(-1, 3).shape());
    r.set(100f, 1, 1);
    assertEquals(100f, t.getFlat(5));
    assertSame(t.array(), r.array());
    var e = assertThrows(IllegalArgumentException.class, () -> t.reshape(5, -1));
    assertTrue(e.getMessage().startsWith("reshape:") && e.getMessage().contains("(12,)"));
    var e2 = assertThrows(IllegalArgumentException.class, () -> t.reshape(-1, -1));
    assertTrue(e2.getMessage().contains("only one"), e2.getMessage());
    var e4 = assertThrows(IllegalArgumentException.class, () -> t.reshape(-2, -6));
    assertTrue(e4.getMessage().startsWith("reshape:") && e4.getMessage().contains("[-2, -6]"));
    var e3 = assertThrows(IllegalArgumentException.class, () -> t.reshape(5, 2));
    assertTrue(e3.getMessage().contains("(12,)") && e3.getMessage().contains("(5, 2)"));
  }

  @Test
  void sliceViewsShareMemory() {
    Tensor t = Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}, {7, 8}});
    Tensor s = t.slice(1, 3);
    assertEquals(Shape.of(2, 2), s.shape());
    assertEquals(2, s.offset());
    assertArrayEquals(new float[] {3, 4, 5, 6}, s.toArray());
    s.fill(0f);
    assertArrayEquals(new float[] {1, 2, 0, 0, 0, 0, 7, 8}, t.toArray());
    s.setFlat(3, 9f);
    assertEquals(9f, t.get(2, 1));
    Tensor inner = s.slice(1, 2);
    assertEquals(4, inner.offset());
    assertEquals(0, t.slice(2, 2).size());
    var e = assertThrows(IllegalArgumentException.class, () -> t.slice(3, 5));
    assertTrue(e.getMessage().contains("[3, 5)") && e.getMessage().contains("(4, 2)"));
    assertThrows(IllegalArgumentException.class, () -> t.slice(2, 1));
    assertThrows(IllegalArgumentException.class, () -> Tensor.scalar(1f).slice(0, 1));
  }

  @Test
  void takeCopiesRows() {
    Tensor t = Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}});
    Tensor k = t.take(new int[] {2, 0, 2});
    assertArrayEquals(new float[] {5, 6, 1, 2, 5, 6}, k.toArray());
    k.setFlat(0, 0f);
    assertEquals(5f, t.get(2, 0));
    var e = assertThrows(IllegalArgumentException.class, () -> t.take(new int[] {3}));
    assertTrue(e.getMessage().startsWith("take:") && e.getMessage().contains("(3, 2)"));
  }

  @Test
  void elementAccessAndErrors() {
    Tensor t = Tensor.zeros(2, 3);
    assertSame(t, t.set(5f, 1, 2));
    assertEquals(5f, t.get(1, 2));
    assertEquals(5f, t.getFlat(5));
    var e = assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0));
    assertTrue(e.getMessage().contains("[2, 0]") && e.getMessage().contains("(2, 3)"));
    var e2 = assertThrows(IllegalArgumentException.class, () -> t.get(1));
    assertTrue(e2.getMessage().contains("(2, 3)"), e2.getMessage());
    var flat = assertThrows(IndexOutOfBoundsException.class, () -> t.getFlat(6));
    assertTrue(flat.getMessage().contains("[0, 6)") && flat.getMessage().contains("(2, 3)"));
    assertThrows(IndexOutOfBoundsException.class, () -> t.getFlat(-1));
    assertThrows(IndexOutOfBoundsException.class, () -> t.slice(0, 1).setFlat(3, 1f));
    var e3 = assertThrows(IllegalStateException.class, t::item);
    assertTrue(e3.getMessage().contains("(2, 3)"), e3.getMessage());
    assertEquals(7f, Tensor.full(7f, 1, 1).item());
  }

  @Test
  void copiesAreDeep() {
    Tensor t = Tensor.arange(4).reshape(2, 2);
    Tensor c = t.copy();
    assertNotSame(t.array(), c.array());
    c.setFlat(0, 9f);
    assertEquals(0f, t.getFlat(0));
    Tensor dst = Tensor.zeros(4);
    assertSame(dst, dst.copyFrom(t));
    assertArrayEquals(new float[] {0, 1, 2, 3}, dst.toArray());
    float[] raw = new float[6];
    t.slice(1, 2).copyTo(raw, 3);
    assertArrayEquals(new float[] {0, 0, 0, 2, 3, 0}, raw);
    var e = assertThrows(IllegalArgumentException.class, () -> dst.copyFrom(Tensor.zeros(3)));
    assertTrue(e.getMessage().startsWith("copyFrom:") && e.getMessage().contains("(3,)"));
  }

  @Test
  void allClose() {
    Tensor a = Tensor.of(1f, 2f, 3f);
    assertTrue(a.allClose(Tensor.of(1f, 2f, 3.00001f)));
    assertFalse(a.allClose(Tensor.of(1f, 2f, 3.001f)));
    assertTrue(a.allClose(Tensor.of(1f, 2f, 3.001f), 1e-3, 0));
    assertTrue(a.allClose(Tensor.of(1.1f, 2f, 3f), 0, 0.11));
    assertFalse(a.allClose(a.reshape(3, 1)));
    Tensor n = Tensor.of(Float.NaN);
    assertFalse(n.allClose(n));
  }

  @Test
  void toStringIsNumpyLike() {
    assertEquals("[1., 2.5, -3.]", Tensor.of(1f, 2.5f, -3f).toString());
    assertEquals("[[1., 2.],\n [3., 4.]]", Tensor.of(new float[][] {{1, 2}, {3, 4}}).toString());
    assertEquals("[[[0., 1.]],\n\n [[2., 3.]]]", Tensor.arange(4).reshape(2, 1, 2).toString());
    assertEquals("7.", Tensor.scalar(7f).toString());
    assertEquals("[nan, inf, -inf]", Tensor.of(Float.NaN, 1 / 0f, -1 / 0f).toString());
    assertEquals("[0.3333, 1.5e-05]", Tensor.of(1 / 3f, 1.5e-5f).toString());
    assertEquals("[]", Tensor.zeros(0).toString());
    String big = Tensor.arange(2000).toString();
    assertTrue(big.startsWith("[0., 1., 2., ..., 1997., 1998., 1999.]"), big);
  }

  @Test
  void toStringIgnoresTheDefaultLocale() {
    Locale saved = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      assertEquals("[0.5, 0.25]", Tensor.of(0.5f, 0.25f).toString());
      assertEquals("[0.3333]", Tensor.of(1 / 3f).toString());
    } finally {
      Locale.setDefault(saved);
    }
  }
}
