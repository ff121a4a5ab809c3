package dev.graft.tensor.conv;

import static dev.graft.tensor.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

class Pool2dTest {

  /** One case: N, H, W, C, ph, pw, sh, sw, padding. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(2, 8, 8, 3, 2, 2, 2, 2, Padding.VALID),
        Arguments.of(2, 7, 9, 3, 2, 2, 2, 2, Padding.VALID), // odd sizes floor
        Arguments.of(2, 7, 9, 3, 2, 2, 2, 2, Padding.SAME), // last window half padding
        Arguments.of(1, 6, 7, 2, 3, 3, 2, 2, Padding.SAME),
        Arguments.of(1, 6, 7, 2, 3, 2, 1, 1, Padding.SAME), // overlapping windows
        Arguments.of(2, 5, 5, 1, 3, 3, 1, 1, Padding.VALID),
        Arguments.of(1, 4, 6, 4, 4, 6, 1, 1, Padding.VALID), // window = input
        Arguments.of(3, 9, 8, 5, 4, 4, 3, 3, Padding.SAME));
  }

  private interface Tap {
    /** Visits in-range tap (ih, iw) of an output pixel. */
    void at(int ih, int iw);
  }

  private static void forEachTap(ConvGeometry g, int oh, int ow, Tap tap) {
    for (int i = 0; i < g.kh(); i++) {
      for (int j = 0; j < g.kw(); j++) {
        int ih = oh * g.strideH() - g.padTop() + i;
        int iw = ow * g.strideW() - g.padLeft() + j;
        if (ih >= 0 && ih < g.inH() && iw >= 0 && iw < g.inW()) {
          tap.at(ih, iw);
        }
      }
    }
  }

  /** Reference max/avg forward and their gradients for upstream r, in double. */
  static double[][] reference(Tensor x, Tensor r, ConvGeometry g) {
    int n = x.shape().dim(0);
    int c = g.channels();
    int outSize = n * g.outH() * g.outW() * c;
    double[] max = new double[outSize];
    double[] avg = new double[outSize];
    double[] dMax = new double[x.size()];
    double[] dAvg = new double[x.size()];
    int p = 0;
    for (int b = 0; b < n; b++) {
      for (int oh = 0; oh < g.outH(); oh++) {
        for (int ow = 0; ow < g.outW(); ow++) {
          for (int ch = 0; ch < c; ch++) {
            final int bb = b;
            final int cc = ch;
            double[] best = {Double.NEGATIVE_INFINITY, -1, 0, 0};
            forEachTap(
                g,
                oh,
                ow,
                (ih, iw) -> {
                  int xi = ((bb * g.inH() + ih) * g.inW() + iw) * c + cc;
                  double v = x.getFlat(xi);
                  if (v > best[0]) {
                    best[0] = v;
                    best[1] = xi;
                  }
                  best[2] += v;
                  best[3]++;
                });
            max[p] = best[0];
            avg[p] = best[2] / best[3];
            double d = r.getFlat(p);
            dMax[(int) best[1]] += d;
            forEachTap(
                g,
                oh,
                ow,
                (ih, iw) -> dAvg[((bb * g.inH() + ih) * g.inW() + iw) * c + cc] += d / best[3]);
            p++;
          }
        }
      }
    }
    return new double[][] {max, avg, dMax, dAvg};
  }

  @ParameterizedTest
  @MethodSource("cases")
  void poolingMatchesTheDefinition(
      int n, int h, int w, int c, int ph, int pw, int sh, int sw, Padding pad) {
    Shape in = Shape.of(n, h, w, c);
    ConvGeometry g = Pool2d.geometry(in, ph, pw, sh, sw, pad);
    long seed = 17L * h + w + 3L * ph + pad.ordinal();
    // Negative inputs: a padded zero would win a max if padding were not -inf.
    Tensor x = Tensor.uniform(new Rng(seed), -2f, -0.5f, n, h, w, c);
    Tensor r = TestTensors.random(seed + 1, n, g.outH(), g.outW(), c);
    double[][] want = reference(x, r, g);

    int[] argmax = new int[r.size()];
    Tensor max = Pool2d.maxForward(x, g, Tensor.zeros(g.outputShape(n, c)), argmax);
    assertClose(want[0], max, 0, 0, "max forward " + g);
    assertClose(want[0], Pool2d.maxForward(x, g), 0, 0, "max forward without argmax");
    assertClose(
        want[2],
        Pool2d.maxBackward(r, argmax, Tensor.full(5f, n, h, w, c)),
        1e-6,
        1e-6,
        "max backward from argmax " + g);
    assertClose(
        want[2],
        Pool2d.maxBackward(x, r, g, Tensor.full(5f, n, h, w, c)),
        1e-6,
        1e-6,
        "max backward from x " + g);
    Tensor taps = Tensor.full(-3f, n, g.outH(), g.outW(), c);
    assertClose(
        want[0],
        Pool2d.maxForwardWithTaps(x, g, Tensor.zeros(g.outputShape(n, c)), taps),
        0,
        0,
        "max forward with taps " + g);
    assertClose(
        want[2],
        Pool2d.maxBackwardFromTaps(r, taps, g, Tensor.full(5f, n, h, w, c)),
        1e-6,
        1e-6,
        "max backward from taps " + g);
    assertClose(want[1], Pool2d.avgForward(x, g), 1e-5, 1e-6, "avg forward " + g);
    Tensor dAvg = Pool2d.avgBackward(r, g, Tensor.full(5f, n, h, w, c));
    assertClose(want[3], dAvg, 1e-5, 1e-6, "avg backward " + g);

    // Average pooling is linear: a central difference is exact up to rounding.
    float step = 1e-2f;
    for (int i = 0; i < x.size(); i += Math.max(1, x.size() / 7)) {
      float old = x.getFlat(i);
      x.setFlat(i, old + step);
      double plus = Conv2dTest.dot(Pool2d.avgForward(x, g), r);
      x.setFlat(i, old - step);
      double minus = Conv2dTest.dot(Pool2d.avgForward(x, g), r);
      x.setFlat(i, old);
      double fd = (plus - minus) / (2 * step);
      assertEquals(fd, dAvg.getFlat(i), 1e-2 * Math.max(1, Math.abs(fd)), "avg fd at " + i);
    }
  }

  @Test
  void sameAveragingDividesByValidElementsOnly() {
    Tensor x = Tensor.ones(1, 3, 3, 1);
    ConvGeometry g = Pool2d.geometry(x.shape(), 2, 2, 2, 2, Padding.SAME);
    Tensor y = Pool2d.avgForward(x, g);
    assertEquals(Shape.of(1, 2, 2, 1), y.shape());
    for (int i = 0; i < 4; i++) {
      assertEquals(1f, y.getFlat(i), 1e-7, "padding must not dilute the mean");
    }
  }

  @Test
  void tiesGoToTheFirstMaximum() {
    Tensor x = Tensor.of(new float[] {3, 3, 3, 3}, 1, 2, 2, 1);
    ConvGeometry g = Pool2d.geometry(x.shape());
    int[] argmax = new int[1];
    Pool2d.maxForward(x, g, Tensor.zeros(1, 1, 1, 1), argmax);
    assertEquals(0, argmax[0]);
    Tensor dx =
        Pool2d.maxBackward(
            Tensor.of(new float[] {1}, 1, 1, 1, 1), argmax, Tensor.zeros(1, 2, 2, 1));
    assertClose(new double[] {1, 0, 0, 0}, dx, 0, 0, "ties");
    assertClose(
        new double[] {1, 0, 0, 0},
        Pool2d.maxBackward(x, Tensor.of(new float[] {1}, 1, 1, 1, 1), g, Tensor.zeros(1, 2, 2, 1)),
        0,
        0,
        "ties recomputed");
    // Partial ties: the first maximum in row-major window order takes the gradient.
    Tensor y = Tensor.of(new float[] {1, 3, 0, 2, 3, 2, 2, 2}, 1, 2, 4, 1);
    Tensor taps = Tensor.zeros(1, 1, 2, 1);
    Pool2d.maxForwardWithTaps(y, Pool2d.geometry(y.shape()), Tensor.zeros(1, 1, 2, 1), taps);
    assertClose(new double[] {1, 1}, taps, 0, 0, "tap (0, 1) in both windows");
    assertClose(
        new double[] {0, 1, 0, 1, 0, 0, 0, 0},
        Pool2d.maxBackward(
            y,
            Tensor.of(new float[] {1, 1}, 1, 1, 2, 1),
            Pool2d.geometry(y.shape()),
            Tensor.full(9f, 1, 2, 4, 1)),
        0,
        0,
        "partial ties");
  }

  @Test
  void globalPoolingMatchesTheDefinition() {
    Tensor x = TestTensors.random(5, 2, 3, 4, 5);
    x.set(x.get(0, 0, 1, 2), 0, 2, 3, 2); // a tie: the first one must win
    Tensor r = TestTensors.random(6, 2, 5);
    double[] avg = new double[10];
    double[] max = new double[10];
    double[] dAvg = new double[x.size()];
    double[] dMax = new double[x.size()];
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 5; c++) {
        int best = -1;
        for (int p = 0; p < 12; p++) {
          int xi = (n * 12 + p) * 5 + c;
          avg[n * 5 + c] += x.getFlat(xi) / 12.0;
          dAvg[xi] = r.getFlat(n * 5 + c) / 12.0;
          if (best < 0 || x.getFlat(xi) > x.getFlat(best)) {
            best = xi;
          }
        }
        max[n * 5 + c] = x.getFlat(best);
        dMax[best] = r.getFlat(n * 5 + c);
      }
    }
    assertClose(avg, Pool2d.globalAvgForward(x), 1e-5, 1e-6, "global avg");
    assertClose(max, Pool2d.globalMaxForward(x), 0, 0, "global max");
    assertClose(
        dAvg,
        Pool2d.globalAvgBackward(r, Tensor.full(3f, 2, 3, 4, 5)),
        1e-6,
        1e-7,
        "global avg backward");
    assertClose(
        dMax,
        Pool2d.globalMaxBackward(x, r, Tensor.full(3f, 2, 3, 4, 5)),
        0,
        0,
        "global max backward");
  }

  @Test
  void wrongShapesNameTheOpAndBothShapes() {
    Tensor x = Tensor.zeros(2, 6, 6, 3);
    ConvGeometry g = Pool2d.geometry(x.shape());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Pool2d.maxForward(x, g, Tensor.zeros(2, 3, 3, 4), null));
    assertTrue(e.getMessage().startsWith("max_pool2d:"), e.getMessage());
    assertTrue(e.getMessage().contains("(2, 3, 3, 4)"), e.getMessage());
    assertTrue(e.getMessage().contains("(2, 6, 6, 3)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> Pool2d.avgForward(Tensor.zeros(2, 6, 5, 3), g));
    assertTrue(e.getMessage().startsWith("avg_pool2d:"), e.getMessage());
    assertTrue(e.getMessage().contains("(2, 6, 5, 3)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> Pool2d.globalAvgForward(x, Tensor.zeros(2, 4)));
    assertTrue(e.getMessage().contains("(2, 4)") && e.getMessage().contains("(2, 6, 6, 3)"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Pool2d.maxForward(x, g, Tensor.zeros(2, 3, 3, 3), new int[3]));
  }
}
