package dev.graft.tensor.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.layout.Affine2d.Fill;
import org.junit.jupiter.api.Test;

/** Affine resampling: hand-computed cases, the fill modes, and the adjoint identity. */
class Affine2dTest {
  private static final float[] GRID = {1, 2, 3, 4, 5, 6, 7, 8, 9};

  private static float[] run(float[] image, int h, int w, float[] m, Fill fill) {
    Tensor x = Tensor.of(image, 1, h, w, 1);
    Tensor out = Tensor.zeros(1, h, w, 1);
    Affine2d.apply(x, Tensor.of(m, 1, 6), fill, 0f, out);
    return out.toArray();
  }

  @Test
  void identityCopiesExactly() {
    Tensor x = Tensor.uniform(new Rng(1), -1f, 1f, 2, 3, 4, 2);
    Tensor m = Tensor.zeros(2, 6);
    Affine2d.identity(m.array(), 0);
    Affine2d.identity(m.array(), 6);
    Tensor out = Tensor.zeros(2, 3, 4, 2);
    Affine2d.apply(x, m, Fill.REFLECT, 0f, out);
    assertArrayEquals(x.toArray(), out.toArray(), 0f);
  }

  @Test
  void quarterTurnMovesPixelsByHand() {
    // x' = 2 - y, y' = x: Keras's rotation matrix for angle π/2 on a 3x3 image.
    float[] m = {0, -1, 2, 1, 0, 0};
    assertArrayEquals(
        new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, run(GRID, 3, 3, m, Fill.REFLECT), 0f);
  }

  @Test
  void fillModesAtTheEdge() {
    float[] row = {1, 2, 3};
    float[] shift = {1, 0, -1, 0, 1, 0};
    assertArrayEquals(new float[] {1, 1, 2}, run(row, 1, 3, shift, Fill.REFLECT), 0f);
    assertArrayEquals(new float[] {0, 1, 2}, run(row, 1, 3, shift, Fill.CONSTANT), 0f);
    float[] half = {1, 0, -0.5f, 0, 1, 0};
    assertArrayEquals(new float[] {1, 1.5f, 2.5f}, run(row, 1, 3, half, Fill.REFLECT), 1e-6f);
    assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f}, run(row, 1, 3, half, Fill.CONSTANT), 1e-6f);
    // Far outside: reflected twice, back in order ((d c b a | a b c d | d c b a) repeats).
    assertEquals(Affine2d.reflect(1f, 3), Affine2d.reflect(1f + 6f, 3), 0f);
    assertEquals(1f, Affine2d.reflect(-2f, 3), 0f);
    assertEquals(2f, Affine2d.reflect(3f, 3), 0f);
  }

  @Test
  void transposeIsTheAdjoint() {
    Rng rng = new Rng(2);
    Tensor x = Tensor.uniform(rng, -1f, 1f, 2, 5, 4, 3);
    Tensor g = Tensor.uniform(rng, -1f, 1f, 2, 5, 4, 3);
    Tensor m =
        Tensor.of(
            new float[] {0.9f, -0.3f, 0.7f, 0.2f, 1.1f, -0.6f, 1.3f, 0, -1.2f, 0, 0.8f, 2.1f},
            2,
            6);
    for (Fill fill : Fill.values()) {
      Tensor y = Tensor.zeros(2, 5, 4, 3);
      Affine2d.apply(x, m, fill, 0f, y);
      Tensor dx = Tensor.zeros(2, 5, 4, 3);
      Affine2d.transpose(g, m, fill, dx);
      double lhs = 0;
      double rhs = 0;
      for (int i = 0; i < x.size(); i++) {
        lhs += (double) y.getFlat(i) * g.getFlat(i);
        rhs += (double) x.getFlat(i) * dx.getFlat(i);
      }
      assertEquals(lhs, rhs, 1e-4, fill.name());
    }
  }

  @Test
  void shapesAreChecked() {
    Tensor x = Tensor.zeros(2, 3, 3, 1);
    Exception e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Affine2d.apply(x, Tensor.zeros(1, 6), Fill.REFLECT, 0f, Tensor.zeros(2, 3, 3, 1)));
    assertEquals(true, e.getMessage().contains("(1, 6)"), e.getMessage());
  }
}
