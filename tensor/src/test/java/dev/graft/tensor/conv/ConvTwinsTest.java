package dev.graft.tensor.conv;

import static dev.graft.tensor.TestTensors.assertBits;
import static dev.graft.tensor.TestTensors.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.tensor.Tensor;
import dev.graft.tensor.conv.ConvGeometry.Padding;
import dev.graft.tensor.support.JitWarmup;
import dev.graft.tensor.support.VectorSupport;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plain-Java twin of the convolution and pooling kernels ({@link ScalarConv}), which runs while
 * the JIT compiles the Vector API kernels ({@link JitWarmup}), gives their floats bit for bit.
 */
class ConvTwinsTest {
  private static ConvRowKernels vectorConv() {
    ConvRowKernels k = VectorSupport.load("VectorConv", ConvRowKernels.class);
    assumeTrue(k != null, "needs --add-modules jdk.incubator.vector");
    return k;
  }

  @Test
  void convolutionTwinGivesTheVectorKernelsBits() {
    ConvRowKernels vector = vectorConv();
    ConvRowKernels twin = new ScalarConv(vector.channelBlock());
    Random r = new Random(11);
    for (int trial = 0; trial < 60; trial++) {
      int cin = 1 + r.nextInt(5);
      int kh = 1 + r.nextInt(3);
      int kw = 1 + r.nextInt(3);
      int sh = 1 + r.nextInt(2);
      int sw = 1 + r.nextInt(2);
      int dh = 1 + r.nextInt(2);
      int dw = 1 + r.nextInt(2);
      Padding p = r.nextBoolean() ? Padding.SAME : Padding.VALID;
      int h = dh * (kh - 1) + 1 + r.nextInt(6);
      // Wide enough for several of the forward's pixel tiles, their remainder and the borders.
      int w = dw * (kw - 1) + 1 + r.nextInt(40);
      ConvGeometry g = ConvGeometry.of(h, w, cin, kh, kw, sh, sw, dh, dw, p);
      int cout = vector.channelBlock() * (1 + r.nextInt(2));
      int n = 2;
      int k = kh * kw * cin;
      float[] x = random(r, n * h * w * cin);
      float[] kernel = random(r, k * cout);
      float[] bias = r.nextBoolean() ? random(r, cout) : null;
      int rows = g.outH();
      int size = rows * g.outW() * cout;
      float[] a = new float[size];
      float[] b = new float[size];
      vector.forwardRows(x, 0, g, kernel, 0, bias, 0, cout, 1, 0, rows, a, 0);
      twin.forwardRows(x, 0, g, kernel, 0, bias, 0, cout, 1, 0, rows, b, 0);
      assertBits(a, b, "forward " + g + " cout " + cout);
      float[] dy = random(r, size);
      float[] da = random(r, (k + 1) * cout);
      float[] db = da.clone();
      boolean withBias = r.nextBoolean();
      vector.kernelRows(x, 0, g, dy, 0, cout, 1, 0, rows, da, 0, withBias);
      twin.kernelRows(x, 0, g, dy, 0, cout, 1, 0, rows, db, 0, withBias);
      assertBits(da, db, "kernel gradient " + g + " cout " + cout);
    }
  }

  @Test
  void poolingTwinGivesTheVectorKernelsBitsAndTaps() {
    ConvRowKernels vector = vectorConv();
    ConvRowKernels twin = new ScalarConv(vector.channelBlock());
    Random r = new Random(12);
    int c = vector.channelBlock();
    for (int convW = 3; convW <= 6; convW++) {
      int rows = 3;
      float[] block = random(r, rows * 2 * convW * c);
      // Ties, signed zeros, infinities and NaN: the tap rule must agree on all of them.
      float[] specials = {0f, -0f, 1f, 1f, Float.NEGATIVE_INFINITY, Float.NaN, -0f, 0f};
      for (int i = 0; i < block.length; i += 3) {
        block[i] = specials[(i / 3) % specials.length];
      }
      int pooled = rows * (convW / 2) * c;
      float[] outA = new float[pooled];
      float[] outB = new float[pooled];
      float[] tapsA = new float[pooled];
      float[] tapsB = new float[pooled];
      vector.maxTiles2x2(block, rows, convW, c, outA, 0, tapsA, 0);
      twin.maxTiles2x2(block, rows, convW, c, outB, 0, tapsB, 0);
      assertBits(outA, outB, "max pooling width " + convW);
      assertBits(tapsA, tapsB, "max pooling taps width " + convW);
      float[] dOut = random(r, pooled);
      // Where a fused ReLU passed no gradient the tap points past the window: nothing goes there.
      for (int i = 0; i < pooled; i += 5) {
        tapsA[i] = 4f;
      }
      float[] backA = random(r, block.length);
      float[] backB = backA.clone();
      vector.scatterTiles2x2(dOut, 0, tapsA, 0, rows, convW, c, backA);
      twin.scatterTiles2x2(dOut, 0, tapsA, 0, rows, convW, c, backB);
      assertBits(backA, backB, "pooling gradient width " + convW);
      float sum = 0;
      for (float v : backA) {
        sum += Math.abs(v);
      }
      float want = 0;
      for (int i = 0; i < pooled; i++) {
        want += tapsA[i] < 4f ? Math.abs(dOut[i]) : 0f;
      }
      assertEquals(want, sum, 1e-3f * want, "gradient mass width " + convW);
    }
  }

  @Test
  void poolingLoopsGiveTheVectorKernelsBitsAndTaps() {
    int c = vectorConv().channelBlock();
    assumeTrue(ConvVector.enabled(), "the vector kernels are switched off in this run");
    Random r = new Random(13);
    try {
      for (int convW = 3; convW <= 6; convW++) {
        int rows = 3;
        ConvGeometry pool = ConvGeometry.of(2 * rows, convW, c, 2, 2, 2, Padding.VALID);
        float[] block = random(r, rows * 2 * convW * c);
        float[] specials = {0f, -0f, 1f, 1f, Float.NEGATIVE_INFINITY, Float.NaN, -0f, 0f};
        for (int i = 0; i < block.length; i += 3) {
          block[i] = specials[(i / 3) % specials.length];
        }
        float[][] out = new float[2][];
        float[][] taps = new float[2][];
        float[][] back = new float[2][];
        Tensor dOut = Tensor.wrap(random(r, rows * (convW / 2) * c), rows, convW / 2, c);
        for (int path = 0; path < 2; path++) {
          ConvVector.enable(path == 0);
          Tensor o = Tensor.zeros(rows, convW / 2, c);
          Tensor t = Tensor.zeros(rows, convW / 2, c);
          PoolLoops.maxTiles(block, rows, convW, pool, c, o, t, 0);
          float[] b = random(new Random(14), block.length);
          PoolLoops.scatterTiles(dOut, t, 0, rows, convW, pool, c, b);
          out[path] = o.toArray();
          taps[path] = t.toArray();
          back[path] = b;
        }
        assertBits(out[0], out[1], "max pooling width " + convW);
        assertBits(taps[0], taps[1], "max pooling taps width " + convW);
        assertBits(back[0], back[1], "pooling gradient width " + convW);
      }
    } finally {
      ConvVector.enable(true);
    }
  }
}
