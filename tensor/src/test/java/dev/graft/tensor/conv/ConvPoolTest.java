package dev.graft.tensor.conv;

import static dev.graft.tensor.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.TestTensors;
import dev.graft.tensor.conv.ConvGeometry.Padding;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConvPoolTest {

  /** N, H, W, Cin, Cout, kh, kw, stride, conv padding, pool h, pool w. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(2, 8, 9, 3, 4, 3, 3, 1, Padding.VALID, 2, 2), // 6x7: the last column dropped
        Arguments.of(1, 7, 6, 2, 3, 2, 2, 1, Padding.SAME, 3, 2), // the last row dropped
        Arguments.of(2, 9, 9, 2, 5, 3, 3, 2, Padding.SAME, 2, 2), // strided convolution
        Arguments.of(3, 12, 11, 3, 32, 3, 3, 1, Padding.VALID, 2, 2), // the seed's layers
        Arguments.of(2, 9, 8, 3, 4, 3, 3, 1, Padding.SAME, 2, 2), // RGB, padded rows and columns
        Arguments.of(2, 9, 8, 3, 32, 3, 3, 1, Padding.SAME, 2, 2), // Vector API kernels, if present
        Arguments.of(2, 9, 9, 3, 32, 3, 3, 1, Padding.VALID, 2, 2), // 7x7: odd, a column dropped
        Arguments.of(2, 64, 64, 3, 32, 3, 3, 1, Padding.VALID, 2, 2), // chunks and workers, vector
        Arguments.of(2, 11, 10, 1, 64, 3, 3, 2, Padding.VALID, 2, 3),
        // More pooling rows than one chunk holds, and more than one worker's share.
        Arguments.of(4, 64, 64, 3, 6, 3, 3, 1, Padding.VALID, 2, 2));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void equalsTheConvolutionThenMaxPooling(
      int n, int h, int w, int cin, int cout, int kh, int kw, int s, Padding pad, int ph, int pw) {
    ConvGeometry conv = ConvGeometry.of(h, w, cin, kh, kw, s, pad);
    long seed = 7L * h + w + 13L * cout;
    Tensor x = TestTensors.random(seed, n, h, w, cin);
    Tensor k = TestTensors.random(seed + 1, kh, kw, cin, cout);
    Tensor bias = TestTensors.random(seed + 2, cout);
    Tensor y = Conv2d.forward(x, k, bias, conv);
    ConvGeometry pool = Pool2d.geometry(y.shape(), ph, pw, ph, pw, Padding.VALID);
    assertTrue(ConvPool.tiles(pool));
    Tensor pooled = Tensor.zeros(n, pool.outH(), pool.outW(), cout);
    Tensor taps = Tensor.zeros(pooled.shape());
    Pool2d.maxForwardWithTaps(y, pool, pooled, taps);

    Tensor out = Tensor.full(7f, pooled.shape().toArray());
    ConvPool.forward(x, k, bias, conv, pool, out, null, null);
    assertClose(pooled, out, 1e-5, 1e-6, "fused forward " + conv);
    Tensor gotTaps = Tensor.full(7f, pooled.shape().toArray());
    Shape kept = ConvPool.columnsShape(conv, pool, n, true);
    Tensor columns = kept == null ? null : Tensor.full(7f, kept.toArray());
    ConvPool.forward(x, k, bias, conv, pool, Tensor.zeros(pooled.shape()), gotTaps, columns);
    // Equal maxima may differ in their last bit between the two products: compare the values the
    // taps point at rather than the taps.
    for (int i = 0; i < taps.size(); i++) {
      int tap = (int) gotTaps.getFlat(i);
      assertTrue(tap >= 0 && tap < ph * pw, "tap " + tap);
      int c = i % cout;
      int col = i / cout % pool.outW();
      int row = i / cout / pool.outW() % pool.outH();
      int b = i / cout / pool.outW() / pool.outH();
      float at = y.get(b, row * ph + tap / pw, col * pw + tap % pw, c);
      assertTrue(Math.abs(at - pooled.getFlat(i)) <= 1e-5f, "tap " + tap + " of output " + i);
    }

    Tensor dOut = TestTensors.random(seed + 3, pooled.shape().toArray());
    Tensor dConv = Pool2d.maxBackwardFromTaps(dOut, gotTaps, pool, Tensor.zeros(y.shape()));
    int kk = kh * kw * cin;
    Tensor want = Conv2d.backwardKernelAndBias(x, dConv, conv, Tensor.zeros(kk + 1, cout));
    Tensor fromColumns =
        ConvPool.backwardKernel(
            x, dOut, gotTaps, conv, pool, Tensor.full(7f, kk + 1, cout), columns);
    assertClose(want, fromColumns, 1e-4, 1e-4, "packed kernel gradient " + conv);
    Tensor rebuilt =
        ConvPool.backwardKernel(x, dOut, gotTaps, conv, pool, Tensor.full(7f, kk + 1, cout), null);
    assertArrayEquals(fromColumns.toArray(), rebuilt.toArray(), "kept columns = rebuilt ones");
    Tensor kernelOnly =
        ConvPool.backwardKernel(
            x, dOut, gotTaps, conv, pool, Tensor.full(7f, kh, kw, cin, cout), null);
    assertClose(
        want.slice(0, kk), kernelOnly.reshape(kk, cout), 1e-4, 1e-4, "kernel gradient " + conv);

    // Without a bias.
    Tensor plain = Tensor.zeros(pooled.shape());
    Pool2d.maxForward(Conv2d.forward(x, k, null, conv), pool, plain, null);
    assertClose(
        plain,
        ConvPool.forward(x, k, null, conv, pool, Tensor.zeros(pooled.shape()), null, null),
        1e-5,
        1e-6,
        "no bias");
  }

  @Test
  void overlappingOrPaddedPoolingIsRefusedWithTheGeometry() {
    ConvGeometry conv = ConvGeometry.of(6, 6, 3, 3, 3, 1, Padding.VALID);
    Shape y = Shape.of(2, 4, 4, 4);
    ConvGeometry overlapping = Pool2d.geometry(y, 2, 2, 1, 1, Padding.VALID);
    ConvGeometry padded = Pool2d.geometry(Shape.of(2, 4, 4, 4), 3, 3, 3, 3, Padding.SAME);
    assertFalse(ConvPool.tiles(overlapping));
    assertFalse(ConvPool.tiles(padded));
    Tensor x = Tensor.zeros(2, 6, 6, 3);
    Tensor k = Tensor.zeros(3, 3, 3, 4);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ConvPool.forward(
                    x, k, null, conv, overlapping, Tensor.zeros(2, 3, 3, 4), null, null));
    assertTrue(e.getMessage().startsWith("conv2d_max_pool2d:"), e.getMessage());
    assertTrue(e.getMessage().contains("does not tile"), e.getMessage());
    ConvGeometry other = Pool2d.geometry(Shape.of(2, 5, 4, 4), 2, 2, 2, 2, Padding.VALID);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConvPool.forward(x, k, null, conv, other, Tensor.zeros(2, 2, 2, 4), null, null));
    assertTrue(e.getMessage().contains("(4, 4, 4)"), e.getMessage());
    ConvGeometry pool = Pool2d.geometry(y);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConvPool.forward(x, k, null, conv, pool, Tensor.zeros(2, 2, 3, 4), null, null));
    assertTrue(e.getMessage().contains("(2, 2, 3, 4)"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ConvPool.forward(
                    x, k, null, conv, pool, Tensor.zeros(2, 2, 2, 4), null, Tensor.zeros(32, 28)));
    assertTrue(e.getMessage().contains("(32, 28)") && e.getMessage().contains("(32, 27)"));
  }
}
