package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapeTest {
  @Test
  void basics() {
    Shape s = Shape.of(2, 3, 4);
    assertEquals(3, s.rank());
    assertEquals(2, s.dim(0));
    assertEquals(4, s.dim(-1));
    assertEquals(3, s.dim(-2));
    assertEquals(24, s.size());
    assertEquals(12, s.sizeFrom(1));
    assertEquals(1, s.sizeFrom(3));
    assertEquals(6, s.sizeTo(2));
    assertEquals(1, s.sizeTo(0));
    assertArrayEquals(new int[] {12, 4, 1}, s.strides());
    assertArrayEquals(new int[] {2, 3, 4}, s.toArray());
  }

  @Test
  void immutable() {
    int[] d = {2, 3};
    Shape s = Shape.of(d);
    d[0] = 9;
    assertEquals(2, s.dim(0));
    s.toArray()[1] = 9;
    assertEquals(3, s.dim(1));
    Shape t = s.withDim(1, 5);
    assertEquals(Shape.of(2, 3), s);
    assertEquals(Shape.of(2, 5), t);
  }

  @Test
  void scalarAndUnknown() {
    assertEquals(0, Shape.scalar().rank());
    assertEquals(1, Shape.scalar().size());
    assertEquals(Shape.scalar(), Shape.of());
    Shape b = Shape.batched(64);
    assertEquals(Shape.of(Shape.UNKNOWN, 64), b);
    assertFalse(b.isFullyDefined());
    assertTrue(Shape.of(1, 64).isFullyDefined());
    var e = assertThrows(IllegalStateException.class, b::size);
    assertTrue(e.getMessage().contains("(None, 64)"), e.getMessage());
    assertEquals(Shape.of(32, 64), b.withBatch(32));
  }

  @Test
  void derivedShapes() {
    Shape s = Shape.of(2, 3, 4);
    assertEquals(Shape.of(3, 4), s.dropFirst());
    assertEquals(Shape.of(2, 3), s.dropLast());
    assertEquals(Shape.of(7, 2, 3, 4), s.prepend(7));
    assertEquals(Shape.of(2, 3, 4, 7), s.append(7));
    assertEquals(Shape.of(2, 3, 9), s.withDim(-1, 9));
    assertEquals(Shape.of(5), Shape.scalar().append(5));
    assertThrows(IllegalStateException.class, () -> Shape.scalar().dropFirst());
    assertThrows(IllegalStateException.class, () -> Shape.scalar().dropLast());
  }

  @Test
  void normalizeAxis() {
    Shape s = Shape.of(2, 3);
    assertEquals(0, s.normalizeAxis(0));
    assertEquals(1, s.normalizeAxis(-1));
    assertEquals(0, s.normalizeAxis(-2));
    var e = assertThrows(IllegalArgumentException.class, () -> s.normalizeAxis(2));
    assertTrue(e.getMessage().contains("Axis 2") && e.getMessage().contains("(2, 3)"));
    assertThrows(IllegalArgumentException.class, () -> s.normalizeAxis(-3));
    assertThrows(IllegalArgumentException.class, () -> s.dim(5));
    assertThrows(IllegalArgumentException.class, () -> Shape.scalar().dim(0));
  }

  @Test
  void compatibility() {
    assertTrue(Shape.batched(3).isCompatibleWith(Shape.of(10, 3)));
    assertTrue(Shape.of(10, 3).isCompatibleWith(Shape.batched(3)));
    assertFalse(Shape.batched(3).isCompatibleWith(Shape.of(10, 4)));
    assertFalse(Shape.of(3).isCompatibleWith(Shape.of(1, 3)));
  }

  @Test
  void equalsAndHashCode() {
    assertEquals(Shape.of(2, 3), Shape.of(2, 3));
    assertEquals(Shape.of(2, 3).hashCode(), Shape.of(2, 3).hashCode());
    assertNotEquals(Shape.of(2, 3), Shape.of(3, 2));
    assertNotEquals(Shape.of(2, 3), Shape.of(2, 3, 1));
    assertNotEquals(Shape.of(2), "(2,)");
  }

  @Test
  void printsLikeKeras() {
    assertEquals("(None, 64)", Shape.batched(64).toString());
    assertEquals("(3,)", Shape.of(3).toString());
    assertEquals("()", Shape.scalar().toString());
    assertEquals("(2, 3, 4)", Shape.of(2, 3, 4).toString());
  }

  @Test
  void invalidDimensionsAreRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -3));
    assertTrue(e.getMessage().contains("[2, -3]") && e.getMessage().contains("dimension 1"));
    assertEquals(0, Shape.of(0, 5).size());
  }

  @Test
  void sizeOverflowIsReported() {
    var e = assertThrows(IllegalStateException.class, () -> Shape.of(1 << 16, 1 << 16).size());
    assertTrue(e.getMessage().contains("(65536, 65536)"), e.getMessage());
  }
}
