package dev.graft.tensor.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import dev.graft.tensor.conv.ConvGeometry.Padding;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plain-Java twin of the depthwise row kernels ({@link ScalarDepthwise}), which runs while the
 * JIT compiles {@code VectorDepthwise}, gives its floats bit for bit: forward, input gradient,
 * kernel and bias gradients, through {@link DepthwiseConv2d} at any geometry of the row path.
 */
class DepthwiseTwinsTest {
  @Test
  void twinGivesTheVectorKernelsBits() {
    DepthwiseRowKernel vector = DepthwiseConv2d.vectorRowKernels();
    assumeTrue(vector != null && DepthwiseConv2d.vectorEnabled(), "needs the Vector API module");
    DepthwiseRowKernel twin = new ScalarDepthwise();
    Random r = new Random(5);
    int before = Parallel.threads();
    try {
      for (int trial = 0; trial < 40; trial++) {
        int kh = 1 + r.nextInt(5);
        int kw = 1 + r.nextInt(5);
        int sh = 1 + r.nextInt(2);
        int dh = 1 + r.nextInt(2);
        int dw = 1 + r.nextInt(2);
        Padding p = r.nextBoolean() ? Padding.SAME : Padding.VALID;
        int h = dh * (kh - 1) + 1 + r.nextInt(5);
        // Wide enough for several pixel tiles, their remainder and the borders.
        int w = dw * (kw - 1) + 1 + r.nextInt(30);
        int c = 1 + r.nextInt(40);
        ConvGeometry g = ConvGeometry.of(h, w, c, kh, kw, sh, 1, dh, dw, p);
        Tensor x = TestTensors.random(trial, 2, h, w, c);
        Tensor k = TestTensors.random(trial + 100, kh, kw, c, 1);
        Tensor bias = r.nextBoolean() ? TestTensors.random(trial + 200, c) : null;
        Tensor dy = TestTensors.random(trial + 300, 2, g.outH(), g.outW(), c);
        Parallel.setThreads(1 + r.nextInt(2));
        Tensor[] a = run(vector, x, k, bias, dy, g);
        Tensor[] b = run(twin, x, k, bias, dy, g);
        String what = g + " C=" + c;
        for (int i = 0; i < a.length; i++) {
          for (int e = 0; e < a[i].size(); e++) {
            assertEquals(
                Float.floatToRawIntBits(a[i].getFlat(e)),
                Float.floatToRawIntBits(b[i].getFlat(e)),
                new String[] {"forward", "dx", "dk+db"}[i] + " element " + e + " of " + what);
          }
        }
      }
    } finally {
      Parallel.setThreads(before);
      DepthwiseConv2d.forceRowKernels(null);
    }
  }

  private static Tensor[] run(
      DepthwiseRowKernel kernels, Tensor x, Tensor k, Tensor bias, Tensor dy, ConvGeometry g) {
    DepthwiseConv2d.forceRowKernels(kernels);
    int c = g.channels();
    Tensor packed = Tensor.zeros(k.size() + c);
    DepthwiseConv2d.backwardKernelAndBias(x, dy, g, packed);
    return new Tensor[] {
      DepthwiseConv2d.forward(x, k, bias, g), DepthwiseConv2d.backwardInput(dy, k, g), packed
    };
  }
}
