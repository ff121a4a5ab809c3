package dev.graft.tensor.vector;

import dev.graft.tensor.reduce.SoftmaxKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SoftmaxKernels} on the Vector API: whole vectors, then the last lanes one by one. The
 * exponential is the reduce package's {@code FastExp} polynomial (degree 7 on {@code |f| <= ln 2 /
 * 2}, scaled by {@code 2^n} built from the exponent bits). Made by name, only when the JVM has the
 * {@code jdk.incubator.vector} module; the callers check shapes.
 */
public final class VectorSoftmax implements SoftmaxKernels {
  /** Made by name when the module is present (see {@link SoftmaxKernels}). */
  public VectorSoftmax() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final float LOG2E = 1.44269504f;
  private static final float LN2_HI = 0.693145752f;
  private static final float LN2_LO = 1.42860677e-6f;
  private static final float MIN = -87.33f;
  private static final float ROUND = 12582912f;
  private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

  @Override
  public void forward(float[] x, int xo, float[] o, int oo, int n) {
    FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int k = 0;
    for (; k <= n - L; k += L) {
      mv = FloatVector.fromArray(S, x, xo + k).max(mv);
    }
    float m = Lanes.known(mv).reduceLanes(VectorOperators.MAX);
    for (; k < n; k++) {
      m = Math.max(m, x[xo + k]);
    }
    // The exponential is written out in the loop (see Lanes: a helper taking a vector is not
    // always inlined); the last lanes past whole vectors take the scalar twin of the same formula.
    FloatVector sv = FloatVector.zero(S);
    for (k = 0; k <= n - L; k += L) {
      FloatVector v = FloatVector.fromArray(S, x, xo + k).sub(m);
      FloatVector t = v.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUND));
      FloatVector nf = t.sub(ROUND);
      FloatVector f = v.sub(nf.mul(LN2_HI)).sub(nf.mul(LN2_LO));
      FloatVector p = f.mul(1f / 5040).add(1f / 720);
      p = p.fma(f, FloatVector.broadcast(S, 1f / 120));
      p = p.fma(f, FloatVector.broadcast(S, 1f / 24));
      p = p.fma(f, FloatVector.broadcast(S, 1f / 6));
      p = p.fma(f, FloatVector.broadcast(S, 0.5f));
      p = p.fma(f, FloatVector.broadcast(S, 1f));
      p = p.fma(f, FloatVector.broadcast(S, 1f));
      IntVector bits = (IntVector) t.reinterpretAsInts();
      FloatVector scale =
          (FloatVector)
              bits.add(127 - ROUND_BITS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
      FloatVector e = p.mul(scale).blend(0f, v.lt(MIN));
      e.intoArray(o, oo + k);
      sv = e.add(sv);
    }
    float sum = Lanes.sum(sv);
    for (; k < n; k++) {
      float e = exp(x[xo + k] - m);
      o[oo + k] = e;
      sum += e;
    }
    float inv = 1f / sum;
    k = 0;
    for (; k <= n - L; k += L) {
      FloatVector.fromArray(S, o, oo + k).mul(inv).intoArray(o, oo + k);
    }
    for (; k < n; k++) {
      o[oo + k] *= inv;
    }
  }

  /** The vector loop's exponential for one float, in the same operations (NaN stays NaN). */
  private static float exp(float v) {
    float t = Math.fma(v, LOG2E, ROUND);
    float nf = t - ROUND;
    float f = v - nf * LN2_HI - nf * LN2_LO;
    float p = f * (1f / 5040) + 1f / 720;
    p = Math.fma(p, f, 1f / 120);
    p = Math.fma(p, f, 1f / 24);
    p = Math.fma(p, f, 1f / 6);
    p = Math.fma(p, f, 0.5f);
    p = Math.fma(p, f, 1f);
    p = Math.fma(p, f, 1f);
    float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) + 127 - ROUND_BITS) << 23);
    return v < MIN ? 0f : p * scale;
  }

  @Override
  public void backward(float[] y, int yo, float[] g, int go, float[] o, int oo, int n) {
    FloatVector acc = FloatVector.zero(S);
    int k = 0;
    for (; k <= n - L; k += L) {
      acc = FloatVector.fromArray(S, g, go + k).fma(FloatVector.fromArray(S, y, yo + k), acc);
    }
    float c = Lanes.sum(acc);
    for (; k < n; k++) {
      c += g[go + k] * y[yo + k];
    }
    k = 0;
    for (; k <= n - L; k += L) {
      FloatVector yv = FloatVector.fromArray(S, y, yo + k);
      yv.mul(FloatVector.fromArray(S, g, go + k).sub(c)).intoArray(o, oo + k);
    }
    for (; k < n; k++) {
      o[oo + k] = y[yo + k] * (g[go + k] - c);
    }
  }
}
