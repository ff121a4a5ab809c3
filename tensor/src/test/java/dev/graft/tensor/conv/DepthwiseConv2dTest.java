package dev.graft.tensor.conv;

import static dev.graft.tensor.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import dev.graft.tensor.conv.ConvGeometry.Padding;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DepthwiseConv2dTest {

  /** One case: N, H, W, C, M, kh, kw, sh, sw, dh, dw, padding. */
  static Stream<Arguments> cases() {
    return Stream.of(
        // Unit horizontal stride, multiplier 1: whole rows per tap.
        Arguments.of(2, 7, 8, 5, 1, 3, 3, 1, 1, 1, 1, Padding.SAME),
        Arguments.of(2, 7, 8, 5, 1, 3, 3, 1, 1, 1, 1, Padding.VALID),
        Arguments.of(2, 9, 10, 16, 1, 3, 2, 2, 1, 1, 2, Padding.SAME), // row stride, dilation
        Arguments.of(1, 4, 3, 3, 1, 4, 4, 1, 1, 1, 1, Padding.SAME), // window over both edges
        Arguments.of(3, 6, 5, 64, 1, 3, 3, 1, 1, 1, 1, Padding.SAME), // MobileNet-like
        // Rows wide enough for register tiles of six pixels, their remainders and both edges;
        // channels past the last whole vector; dilated and one-row-high windows.
        Arguments.of(2, 5, 20, 21, 1, 3, 3, 1, 1, 1, 1, Padding.SAME),
        Arguments.of(1, 4, 13, 48, 1, 3, 3, 1, 1, 1, 1, Padding.VALID),
        Arguments.of(1, 7, 23, 32, 1, 5, 5, 2, 1, 1, 2, Padding.SAME),
        Arguments.of(2, 3, 30, 16, 1, 1, 7, 1, 1, 1, 1, Padding.SAME),
        // Per-pixel loops: stride 2, multipliers.
        Arguments.of(2, 7, 6, 3, 2, 3, 3, 2, 2, 1, 1, Padding.SAME),
        Arguments.of(2, 7, 6, 3, 1, 3, 3, 2, 2, 1, 1, Padding.VALID),
        Arguments.of(1, 8, 9, 2, 3, 3, 3, 1, 1, 1, 1, Padding.SAME), // multiplier, stride 1
        Arguments.of(2, 9, 9, 4, 2, 2, 3, 1, 2, 2, 1, Padding.VALID),
        Arguments.of(1, 5, 5, 1, 1, 5, 5, 3, 3, 1, 1, Padding.SAME));
  }

  private static ConvGeometry geometry(Object[] a) {
    return ConvGeometry.of(
        (int) a[1],
        (int) a[2],
        (int) a[3],
        (int) a[5],
        (int) a[6],
        (int) a[7],
        (int) a[8],
        (int) a[9],
        (int) a[10],
        (Padding) a[11]);
  }

  /** Output, and the gradients of sum(out * r) w.r.t. x, kernel, bias, in double. */
  static double[][] reference(Tensor x, Tensor k, Tensor bias, Tensor r, ConvGeometry g) {
    int n = x.shape().dim(0);
    int c = g.channels();
    int m = k.shape().dim(3);
    int q = c * m;
    double[] out = new double[n * g.outH() * g.outW() * q];
    double[] dx = new double[x.size()];
    double[] dk = new double[k.size()];
    double[] db = new double[q];
    int p = 0;
    for (int b = 0; b < n; b++) {
      for (int oh = 0; oh < g.outH(); oh++) {
        for (int ow = 0; ow < g.outW(); ow++) {
          for (int ci = 0; ci < c; ci++) {
            for (int mi = 0; mi < m; mi++, p++) {
              double s = bias.getFlat(ci * m + mi);
              double d = r.getFlat(p);
              db[ci * m + mi] += d;
              for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                  int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
                  int iw = ow * g.strideW() - g.padLeft() + j * g.dilationW();
                  if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) {
                    continue;
                  }
                  int xi = ((b * g.inH() + ih) * g.inW() + iw) * c + ci;
                  int ki = ((i * g.kw() + j) * c + ci) * m + mi;
                  s += (double) x.getFlat(xi) * k.getFlat(ki);
                  dx[xi] += d * k.getFlat(ki);
                  dk[ki] += d * x.getFlat(xi);
                }
              }
              out[p] = s;
            }
          }
        }
      }
    }
    return new double[][] {out, dx, dk, db};
  }

  @ParameterizedTest
  @MethodSource("cases")
  void forwardAndBackwardMatchTheDefinition(
      int n,
      int h,
      int w,
      int c,
      int m,
      int kh,
      int kw,
      int sh,
      int sw,
      int dh,
      int dw,
      Padding padding) {
    ConvGeometry g = geometry(new Object[] {n, h, w, c, m, kh, kw, sh, sw, dh, dw, padding});
    Tensor x = TestTensors.random(1, n, h, w, c);
    Tensor k = TestTensors.random(2, kh, kw, c, m);
    Tensor bias = TestTensors.random(3, c * m);
    Tensor r = TestTensors.random(4, n, g.outH(), g.outW(), c * m);
    double[][] want = reference(x, k, bias, r, g);
    String what = g.toString() + " M=" + m;
    for (int threads : new int[] {1, 2}) {
      int before = Parallel.threads();
      boolean vectorBefore = DepthwiseConv2d.vectorEnabled();
      Parallel.setThreads(threads);
      // Both loops: the Vector API one (when the JVM has the module) and the plain one.
      DepthwiseConv2d.enableVector(vectorBefore && threads == 1);
      try {
        assertClose(want[0], DepthwiseConv2d.forward(x, k, bias, g), 1e-5, 1e-5, "out " + what);
        assertClose(want[1], DepthwiseConv2d.backwardInput(r, k, g), 1e-5, 1e-5, "dx " + what);
        assertClose(want[2], DepthwiseConv2d.backwardKernel(x, r, g), 1e-4, 1e-4, "dk " + what);
        Tensor packed = Tensor.zeros(k.size() + c * m);
        DepthwiseConv2d.backwardKernelAndBias(x, r, g, packed);
        double[] both = new double[k.size() + c * m];
        System.arraycopy(want[2], 0, both, 0, k.size());
        System.arraycopy(want[3], 0, both, k.size(), c * m);
        assertClose(both, packed, 1e-4, 1e-4, "dk+db " + what);
      } finally {
        Parallel.setThreads(before);
        DepthwiseConv2d.enableVector(vectorBefore);
      }
    }
  }

  @Test
  void wrongShapesAreNamed() {
    ConvGeometry g = ConvGeometry.of(5, 5, 3, 3, 3, 1, Padding.SAME);
    Tensor x = Tensor.zeros(1, 5, 5, 3);
    assertThrows(
        IllegalArgumentException.class,
        () -> DepthwiseConv2d.forward(x, Tensor.zeros(3, 3, 4, 1), null, g));
    assertThrows(
        IllegalArgumentException.class,
        () -> DepthwiseConv2d.forward(x, Tensor.zeros(3, 3, 3, 2), Tensor.zeros(3), g));
    assertThrows(
        IllegalArgumentException.class,
        () -> DepthwiseConv2d.backwardInput(Tensor.zeros(1, 5, 5, 4), Tensor.zeros(3, 3, 3, 1), g));
  }
}
