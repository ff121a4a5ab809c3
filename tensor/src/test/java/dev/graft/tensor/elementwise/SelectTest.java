package dev.graft.tensor.elementwise;

import static dev.graft.tensor.TestTensors.assertClose;

import dev.graft.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SelectTest {
  @Test
  void gradientGoesToTheWinnerAndTiesToTheFirstInput() {
    Tensor a = Tensor.of(1f, 5f, 2f, -1f);
    Tensor b = Tensor.of(3f, 4f, 2f, -2f);
    Tensor dy = Tensor.of(10f, 20f, 30f, 40f);
    assertClose(
        new double[] {0, 20, 30, 40}, Select.winnerGrad(a, b, true, true, dy), 0, 0, "max a");
    assertClose(
        new double[] {10, 0, 0, 0}, Select.winnerGrad(a, b, true, false, dy), 0, 0, "max b");
    assertClose(
        new double[] {10, 0, 30, 0}, Select.winnerGrad(a, b, false, true, dy), 0, 0, "min a");
    assertClose(
        new double[] {0, 20, 0, 40}, Select.winnerGrad(a, b, false, false, dy), 0, 0, "min b");
  }
}
