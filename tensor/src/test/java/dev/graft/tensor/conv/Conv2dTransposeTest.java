package dev.graft.tensor.conv;

import static dev.graft.tensor.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import dev.graft.tensor.conv.ConvGeometry.Padding;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Conv2dTransposeTest {

  /** One case: N, H, W, Cin, F, kh, kw, sh, sw, dh, dw, padding, output padding (or null). */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(2, 3, 4, 2, 3, 3, 3, 2, 2, 1, 1, Padding.SAME, null),
        Arguments.of(2, 3, 4, 2, 3, 3, 3, 2, 2, 1, 1, Padding.VALID, null),
        Arguments.of(1, 4, 3, 3, 2, 2, 2, 3, 3, 1, 1, Padding.VALID, null), // stride > kernel
        Arguments.of(2, 3, 3, 2, 4, 3, 2, 1, 2, 2, 1, Padding.SAME, null), // dilation
        Arguments.of(1, 3, 4, 2, 3, 3, 3, 2, 2, 1, 1, Padding.SAME, new int[] {1, 0}),
        Arguments.of(1, 3, 4, 2, 3, 3, 3, 3, 2, 1, 1, Padding.VALID, new int[] {2, 1}),
        Arguments.of(2, 8, 8, 16, 8, 3, 3, 2, 2, 1, 1, Padding.SAME, null)); // the BLAS path
  }

  /** Output, dx, dKernel of sum(out * r) in double, by scattering each input value (the doc). */
  static double[][] reference(Tensor x, Tensor k, Tensor bias, Tensor r, ConvGeometry g) {
    int n = x.shape().dim(0);
    int cin = x.shape().dim(3);
    int f = g.channels();
    double[] out = new double[n * g.inH() * g.inW() * f];
    double[] dx = new double[x.size()];
    double[] dk = new double[k.size()];
    for (int p = 0; p < out.length; p++) {
      out[p] = bias.getFlat(p % f);
    }
    for (int b = 0; b < n; b++) {
      for (int ih = 0; ih < g.outH(); ih++) {
        for (int iw = 0; iw < g.outW(); iw++) {
          for (int c = 0; c < cin; c++) {
            int xi = ((b * g.outH() + ih) * g.outW() + iw) * cin + c;
            for (int i = 0; i < g.kh(); i++) {
              for (int j = 0; j < g.kw(); j++) {
                int oh = ih * g.strideH() - g.padTop() + i * g.dilationH();
                int ow = iw * g.strideW() - g.padLeft() + j * g.dilationW();
                if (oh < 0 || oh >= g.inH() || ow < 0 || ow >= g.inW()) {
                  continue;
                }
                for (int fi = 0; fi < f; fi++) {
                  int oi = ((b * g.inH() + oh) * g.inW() + ow) * f + fi;
                  int ki = ((i * g.kw() + j) * f + fi) * cin + c;
                  out[oi] += (double) x.getFlat(xi) * k.getFlat(ki);
                  dx[xi] += (double) r.getFlat(oi) * k.getFlat(ki);
                  dk[ki] += (double) r.getFlat(oi) * x.getFlat(xi);
                }
              }
            }
          }
        }
      }
    }
    return new double[][] {out, dx, dk};
  }

  @ParameterizedTest
  @MethodSource("cases")
  void forwardAndBackwardMatchTheDefinition(
      int n,
      int h,
      int w,
      int cin,
      int f,
      int kh,
      int kw,
      int sh,
      int sw,
      int dh,
      int dw,
      Padding padding,
      int[] outputPadding) {
    ConvGeometry g =
        Conv2dTranspose.geometry(h, w, f, kh, kw, sh, sw, dh, dw, padding, outputPadding);
    Tensor x = TestTensors.random(1, n, h, w, cin);
    Tensor k = TestTensors.random(2, kh, kw, f, cin);
    Tensor bias = TestTensors.random(3, f);
    Tensor r = TestTensors.random(4, n, g.inH(), g.inW(), f);
    double[][] want = reference(x, k, bias, r, g);
    assertClose(want[0], Conv2dTranspose.forward(x, k, bias, g), 1e-5, 1e-5, "out " + g);
    assertClose(want[1], Conv2dTranspose.backwardInput(r, k, g), 1e-5, 1e-5, "dx " + g);
    assertClose(want[2], Conv2dTranspose.backwardKernel(x, r, g), 1e-4, 1e-4, "dk " + g);
  }

  @Test
  void outputSizesFollowKeras() {
    // same: in * s; valid: in * s + max(k - s, 0); with output padding (in - 1) * s + k - 2 pad +
    // p.
    assertEquals(6, Conv2dTranspose.outputLength(3, 3, 2, 1, Padding.SAME, -1));
    assertEquals(7, Conv2dTranspose.outputLength(3, 3, 2, 1, Padding.VALID, -1));
    assertEquals(12, Conv2dTranspose.outputLength(4, 2, 3, 1, Padding.VALID, -1));
    assertEquals(9, Conv2dTranspose.outputLength(3, 3, 2, 2, Padding.VALID, -1));
    assertEquals(6, Conv2dTranspose.outputLength(3, 3, 2, 1, Padding.SAME, 1));
    assertEquals(8, Conv2dTranspose.outputLength(3, 3, 2, 1, Padding.VALID, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> Conv2dTranspose.geometry(3, 3, 2, 3, 3, 2, 2, 1, 1, Padding.SAME, new int[] {2, 0}));
  }
}
