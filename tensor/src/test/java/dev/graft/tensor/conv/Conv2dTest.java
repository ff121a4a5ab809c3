package dev.graft.tensor.conv;

import static dev.graft.tensor.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import dev.graft.tensor.conv.ConvGeometry.Padding;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Conv2dTest {

  /** One case: N, H, W, Cin, Cout, kh, kw, sh, sw, dh, dw, padding. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(2, 8, 9, 3, 4, 3, 3, 1, 1, 1, 1, Padding.VALID),
        Arguments.of(2, 8, 9, 3, 4, 3, 3, 1, 1, 1, 1, Padding.SAME),
        Arguments.of(2, 7, 6, 2, 3, 3, 2, 1, 1, 1, 1, Padding.SAME), // non-square kernel
        Arguments.of(1, 7, 6, 2, 3, 3, 2, 2, 1, 1, 1, Padding.VALID),
        Arguments.of(2, 8, 8, 2, 3, 4, 4, 1, 1, 1, 1, Padding.SAME), // even kernel: pads 1 + 2
        Arguments.of(2, 6, 7, 3, 5, 3, 3, 2, 2, 1, 1, Padding.VALID), // stride 2, odd sizes
        Arguments.of(2, 6, 7, 3, 5, 3, 3, 2, 2, 1, 1, Padding.SAME),
        Arguments.of(1, 9, 10, 2, 2, 3, 3, 1, 1, 2, 2, Padding.VALID), // dilation 2
        Arguments.of(2, 9, 10, 2, 2, 3, 2, 1, 2, 2, 1, Padding.SAME),
        Arguments.of(1, 5, 5, 1, 1, 3, 3, 1, 1, 1, 1, Padding.SAME), // Cin = Cout = 1
        Arguments.of(3, 4, 5, 2, 6, 4, 5, 1, 1, 1, 1, Padding.VALID), // kernel = input size
        Arguments.of(1, 5, 6, 7, 9, 1, 1, 1, 1, 1, 1, Padding.VALID), // 1x1
        Arguments.of(2, 5, 130, 2, 3, 3, 3, 1, 1, 1, 1, Padding.SAME), // many row blocks
        Arguments.of(2, 12, 11, 3, 32, 3, 3, 1, 1, 1, 1, Padding.VALID), // the seed's layer
        Arguments.of(2, 7, 2, 3, 4, 3, 3, 2, 1, 1, 1, Padding.SAME), // RGB rows narrower than 3
        Arguments.of(1, 5, 3, 3, 2, 3, 3, 1, 1, 1, 1, Padding.VALID), // RGB, one output column
        Arguments.of(2, 6, 9, 3, 2, 3, 3, 1, 1, 2, 1, Padding.SAME), // RGB, dilated rows only
        // Enough filters for the Vector API kernels (when the JVM has them), over their edge cases.
        Arguments.of(2, 7, 6, 3, 32, 3, 3, 1, 1, 1, 1, Padding.SAME),
        Arguments.of(2, 9, 8, 1, 32, 3, 3, 2, 2, 1, 1, Padding.SAME), // one channel, stride 2
        Arguments.of(1, 9, 10, 2, 64, 3, 3, 1, 1, 2, 2, Padding.VALID), // dilation 2
        Arguments.of(2, 6, 7, 4, 32, 5, 3, 2, 1, 1, 1, Padding.SAME), // 4 channels: 3 + 1 taps
        Arguments.of(1, 4, 3, 3, 32, 4, 4, 1, 1, 1, 1, Padding.SAME), // window over the edges
        Arguments.of(2, 40, 41, 3, 32, 3, 3, 1, 1, 1, 1, Padding.SAME), // rows over two workers
        // More output pixels than one im2col chunk: chunks and workers split mid-row, mid-image.
        Arguments.of(3, 40, 41, 2, 3, 3, 3, 1, 1, 1, 1, Padding.SAME),
        Arguments.of(2, 90, 47, 2, 2, 3, 2, 1, 1, 1, 1, Padding.VALID),
        Arguments.of(4, 64, 64, 3, 4, 3, 3, 1, 1, 1, 1, Padding.VALID)); // chunks per worker
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

  /** out[n, oh, ow, co] in double, straight from the definition. */
  static double[] reference(Tensor x, Tensor k, Tensor bias, ConvGeometry g) {
    int n = x.shape().dim(0);
    int cin = g.channels();
    int cout = k.shape().dim(3);
    double[] out = new double[n * g.outH() * g.outW() * cout];
    int p = 0;
    for (int b = 0; b < n; b++) {
      for (int oh = 0; oh < g.outH(); oh++) {
        for (int ow = 0; ow < g.outW(); ow++) {
          for (int co = 0; co < cout; co++) {
            double s = bias == null ? 0 : bias.getFlat(co);
            for (int i = 0; i < g.kh(); i++) {
              for (int j = 0; j < g.kw(); j++) {
                int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
                int iw = ow * g.strideW() - g.padLeft() + j * g.dilationW();
                if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) {
                  continue;
                }
                for (int ci = 0; ci < cin; ci++) {
                  s += (double) x.get(b, ih, iw, ci) * k.get(i, j, ci, co);
                }
              }
            }
            out[p++] = s;
          }
        }
      }
    }
    return out;
  }

  /** Gradients of sum(out * r) with respect to x and kernel, in double, from the definition. */
  static double[][] referenceGrads(Tensor x, Tensor k, Tensor r, ConvGeometry g) {
    int n = x.shape().dim(0);
    int cin = g.channels();
    int cout = k.shape().dim(3);
    double[] dx = new double[x.size()];
    double[] dk = new double[k.size()];
    for (int b = 0; b < n; b++) {
      for (int oh = 0; oh < g.outH(); oh++) {
        for (int ow = 0; ow < g.outW(); ow++) {
          for (int co = 0; co < cout; co++) {
            double d = r.get(b, oh, ow, co);
            for (int i = 0; i < g.kh(); i++) {
              for (int j = 0; j < g.kw(); j++) {
                int ih = oh * g.strideH() - g.padTop() + i * g.dilationH();
                int iw = ow * g.strideW() - g.padLeft() + j * g.dilationW();
                if (ih < 0 || ih >= g.inH() || iw < 0 || iw >= g.inW()) {
                  continue;
                }
                for (int ci = 0; ci < cin; ci++) {
                  int xi = ((b * g.inH() + ih) * g.inW() + iw) * cin + ci;
                  int ki = ((i * g.kw() + j) * cin + ci) * cout + co;
                  dx[xi] += d * k.getFlat(ki);
                  dk[ki] += d * x.getFlat(xi);
                }
              }
            }
          }
        }
      }
    }
    return new double[][] {dx, dk};
  }

  @ParameterizedTest
  @MethodSource("cases")
  void forwardAndBackwardMatchTheDefinition(
      int n,
      int h,
      int w,
      int cin,
      int cout,
      int kh,
      int kw,
      int sh,
      int sw,
      int dh,
      int dw,
      Padding pad) {
    ConvGeometry g = geometry(new Object[] {n, h, w, cin, cout, kh, kw, sh, sw, dh, dw, pad});
    long seed = 31L * h + 7L * w + kh + 13L * cout + pad.ordinal();
    Tensor x = TestTensors.random(seed, n, h, w, cin);
    Tensor k = TestTensors.random(seed + 1, kh, kw, cin, cout);
    Tensor bias = TestTensors.random(seed + 2, cout);
    Tensor out = Conv2d.forward(x, k, bias, g);
    assertEquals(g.outputShape(n, cout), out.shape());
    assertClose(reference(x, k, bias, g), out, 1e-4, 1e-5, "conv2d forward " + g);
    assertClose(reference(x, k, null, g), Conv2d.forward(x, k, null, g), 1e-4, 1e-5, "no bias");

    Tensor r = TestTensors.random(seed + 3, n, g.outH(), g.outW(), cout);
    double[][] want = referenceGrads(x, k, r, g);
    // Garbage in the outputs must be overwritten, not accumulated into.
    Tensor dx = Conv2d.backwardInput(r, k, g, Tensor.full(7f, n, h, w, cin));
    Tensor dk = Conv2d.backwardKernel(x, r, g, Tensor.full(7f, kh, kw, cin, cout));
    assertClose(want[0], dx, 1e-4, 1e-5, "conv2d dx " + g);
    assertClose(want[1], dk, 1e-4, 1e-4, "conv2d dkernel " + g);

    double[] db = new double[cout];
    for (int i = 0; i < r.size(); i++) {
      db[i % cout] += r.getFlat(i);
    }
    assertClose(db, Conv2d.backwardBias(r, Tensor.full(7f, cout)), 1e-4, 1e-4, "conv2d dbias");
    int kk = kh * kw * cin;
    Tensor packed = Conv2d.backwardKernelAndBias(x, r, g, Tensor.full(7f, kk + 1, cout));
    assertClose(want[1], packed.slice(0, kk), 1e-4, 1e-4, "packed dkernel " + g);
    assertClose(db, packed.slice(kk, kk + 1), 1e-4, 1e-4, "packed dbias " + g);

    checkByFiniteDifferences(x, k, bias, r, g, dx, dk);
    checkKeptColumns(x, k, bias, r, g, out, dk, packed);
  }

  /**
   * A forward pass that keeps its im2col matrix gives the same output, and kernel gradients read
   * from those columns equal the ones built from x (bit for bit: the same products run).
   */
  private static void checkKeptColumns(
      Tensor x, Tensor k, Tensor bias, Tensor r, ConvGeometry g, Tensor out, Tensor dk, Tensor pk) {
    int n = x.shape().dim(0);
    int cout = k.shape().dim(3);
    Shape withBias = Conv2d.columnsShape(g, n, cout, true);
    if (withBias == null) {
      assertEquals(null, Conv2d.columnsShape(g, n, cout, false), "no columns: none kept");
      return;
    }
    int kk = g.kh() * g.kw() * g.channels();
    assertEquals(Shape.of(n * g.outH() * g.outW(), kk + 1), withBias);
    // Garbage-filled, and a view at an offset into a larger array.
    float[] backing = new float[withBias.size() + 5];
    java.util.Arrays.fill(backing, 7f);
    Tensor cols = Tensor.wrap(backing, 5, withBias);
    Tensor kept = Conv2d.forward(x, k, bias, g, Tensor.full(7f, out.shape().toArray()), cols);
    assertArrayEquals(out.toArray(), kept.toArray(), "forward keeping columns");
    Tensor packed = Conv2d.backwardKernelAndBias(x, r, g, Tensor.full(7f, kk + 1, cout), cols);
    assertArrayEquals(pk.toArray(), packed.toArray(), "packed gradient from kept columns");

    Tensor bare = Tensor.full(7f, Conv2d.columnsShape(g, n, cout, false).toArray());
    Conv2d.forward(x, k, null, g, Tensor.zeros(out.shape().toArray()), bare);
    Tensor dk2 = Conv2d.backwardKernel(x, r, g, Tensor.full(7f, k.shape().toArray()), bare);
    assertArrayEquals(dk.toArray(), dk2.toArray(), "kernel gradient from kept columns");
  }

  /** Central differences of sum(conv(x, k) * r) at a few coordinates of x and of k. */
  private static void checkByFiniteDifferences(
      Tensor x, Tensor k, Tensor bias, Tensor r, ConvGeometry g, Tensor dx, Tensor dk) {
    Rng rng = new Rng(99);
    float step = 1e-2f;
    for (Tensor t : new Tensor[] {x, k}) {
      Tensor grad = t == x ? dx : dk;
      for (int trial = 0; trial < 6; trial++) {
        int i = (int) (rng.nextFloat() * t.size());
        float old = t.getFlat(i);
        t.setFlat(i, old + step);
        double plus = dot(Conv2d.forward(x, k, bias, g), r);
        t.setFlat(i, old - step);
        double minus = dot(Conv2d.forward(x, k, bias, g), r);
        t.setFlat(i, old);
        double fd = (plus - minus) / (2 * step);
        double got = grad.getFlat(i);
        assertTrue(
            Math.abs(fd - got) <= 1e-2 * Math.max(1, Math.abs(fd)),
            (t == x ? "dx" : "dkernel") + "[" + i + "]: finite difference " + fd + " vs " + got);
      }
    }
  }

  /** sum(a * b) in double. */
  static double dot(Tensor a, Tensor b) {
    double s = 0;
    for (int i = 0; i < a.size(); i++) {
      s += (double) a.getFlat(i) * b.getFlat(i);
    }
    return s;
  }

  @Test
  void geometryFollowsKeras() {
    ConvGeometry even = ConvGeometry.of(8, 8, 1, 4, 4, 1, Padding.SAME);
    assertEquals(8, even.outH());
    assertEquals(1, even.padTop());
    assertEquals(2, even.padBottom());
    ConvGeometry odd = ConvGeometry.of(6, 7, 1, 3, 3, 2, Padding.SAME);
    assertEquals(3, odd.outH());
    assertEquals(4, odd.outW());
    assertEquals(0, odd.padTop());
    assertEquals(1, odd.padBottom());
    assertEquals(1, odd.padLeft());
    assertEquals(1, odd.padRight());
    ConvGeometry valid = ConvGeometry.of(6, 7, 1, 3, 3, 2, Padding.VALID);
    assertEquals(2, valid.outH());
    assertEquals(3, valid.outW());
    ConvGeometry dilated = ConvGeometry.of(9, 10, 1, 3, 3, 1, 1, 2, 2, Padding.VALID);
    assertEquals(5, dilated.outH());
    assertEquals(6, dilated.outW());
    assertEquals(Padding.SAME, Padding.parse("Same"));
    assertThrows(IllegalArgumentException.class, () -> Padding.parse("full"));
    assertThrows(
        IllegalArgumentException.class, () -> ConvGeometry.of(2, 2, 1, 3, 3, 1, Padding.VALID));
  }

  @Test
  void wrongShapesNameTheOpAndBothShapes() {
    ConvGeometry g = ConvGeometry.of(6, 6, 3, 3, 3, 1, Padding.VALID);
    Tensor x = Tensor.zeros(2, 6, 6, 3);
    Tensor k = Tensor.zeros(3, 3, 3, 4);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Conv2d.forward(Tensor.zeros(2, 6, 6, 2), k, null, g));
    assertTrue(e.getMessage().startsWith("conv2d:"), e.getMessage());
    assertTrue(e.getMessage().contains("(2, 6, 6, 2)"), e.getMessage());
    assertTrue(e.getMessage().contains("(3, 3, 3, 4)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Conv2d.forward(x, Tensor.zeros(3, 2, 3, 4), null, g));
    assertTrue(e.getMessage().contains("(3, 2, 3, 4)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Conv2d.forward(x, k, Tensor.zeros(5), g, Tensor.zeros(2, 4, 4, 4)));
    assertTrue(e.getMessage().contains("(5)") || e.getMessage().contains("(5,)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Conv2d.forward(x, k, null, g, Tensor.zeros(2, 4, 5, 4)));
    assertTrue(e.getMessage().contains("(2, 4, 5, 4)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Conv2d.backwardInput(Tensor.zeros(2, 4, 4, 5), k, g, x.copy()));
    assertTrue(e.getMessage().startsWith("conv2d_backward_input:"), e.getMessage());
    assertTrue(e.getMessage().contains("(2, 4, 4, 5)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Conv2d.backwardKernel(x, Tensor.zeros(1, 4, 4, 4), g, k.copy()));
    assertTrue(e.getMessage().startsWith("conv2d_backward_kernel:"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Conv2d.backwardBias(Tensor.zeros(2, 4, 4, 4), Tensor.zeros(3)));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Conv2d.backwardKernelAndBias(x, Tensor.zeros(2, 4, 4, 4), g, k.copy()));
    assertTrue(e.getMessage().startsWith("conv2d_backward_kernel_and_bias:"), e.getMessage());
    assertTrue(e.getMessage().contains("(28, Cout)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Conv2d.backwardKernelAndBias(x, Tensor.zeros(2, 4, 5, 4), g, Tensor.zeros(28, 4)));
    assertTrue(e.getMessage().contains("(2, 4, 5, 4)"), e.getMessage());
    Shape cols = Conv2d.columnsShape(g, 2, 4, true);
    if (cols != null) {
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Conv2d.forward(x, k, null, g, Tensor.zeros(2, 4, 4, 4), Tensor.zeros(cols)));
      assertTrue(e.getMessage().startsWith("conv2d: im2col columns"), e.getMessage());
      assertTrue(e.getMessage().contains("(32, 28)") && e.getMessage().contains("(32, 27)"));
    } else {
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Conv2d.forward(x, k, null, g, Tensor.zeros(2, 4, 4, 4), Tensor.zeros(32, 27)));
      assertTrue(e.getMessage().contains("builds none"), e.getMessage());
    }
  }

  @Test
  void vectorKernelsLoadWhenTheModuleIsPresent() {
    // A JVM started with --add-modules jdk.incubator.vector (every test run here but blas-java)
    // must load
    // them: a silent fall-back to BLAS would leave their tests testing nothing.
    boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    assertEquals(module, ConvVector.present());
    boolean off = "false".equalsIgnoreCase(System.getProperty("graft.vector"));
    assertEquals(module && !off, ConvVector.enabled());
    ConvGeometry g = ConvGeometry.of(6, 6, 3, 3, 3, 1, Padding.VALID);
    assertEquals(module && !off, ConvVector.suits(g, 512));
    assertFalse(ConvVector.suits(ConvGeometry.of(6, 6, 8, 3, 3, 1, Padding.VALID), 64));
  }
}
