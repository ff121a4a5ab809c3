package dev.graft.tensor.recurrent;

import dev.graft.tensor.support.JitWarmup;

/**
 * {@link dev.graft.tensor.vector.VectorRecurrent}'s LSTM cell in plain Java, giving the same floats
 * bit for bit (the vector code works lane by lane: each unit sees the same operations in the same
 * order). {@link RecurrentVector} runs it until the JIT has compiled the Vector API code (see
 * {@link JitWarmup}).
 */
final class ScalarRecurrent implements RecurrentKernels {
  private static final float CLAMP = 7.90531110763549805f;
  private final int lanes;

  /** The twin of a vector implementation {@code lanes} floats wide. */
  ScalarRecurrent(int lanes) {
    this.lanes = lanes;
  }

  @Override
  public int lanes() {
    return lanes;
  }

  @Override
  public void forward(
      float[] z,
      int zo,
      float[] cp,
      int cpo,
      float[] c,
      int co,
      float[] tc,
      int tco,
      float[] h,
      int ho,
      int u) {
    activate(z, zo, z, zo, 2 * u, true);
    activate(z, zo + 2 * u, z, zo + 2 * u, u, false);
    activate(z, zo + 3 * u, z, zo + 3 * u, u, true);
    for (int j = 0; j < u; j++) {
      float cell = z[zo + j] * z[zo + 2 * u + j];
      if (cp != null) {
        cell = Math.fma(z[zo + u + j], cp[cpo + j], cell);
      }
      c[co + j] = cell;
    }
    activate(c, co, tc, tco, u, false);
    for (int j = 0; j < u; j++) {
      h[ho + j] = z[zo + 3 * u + j] * tc[tco + j];
    }
  }

  @Override
  public void backward(
      float[] ws,
      int zo,
      int tco,
      float[] cp,
      int cpo,
      int sh,
      int sc,
      float[] dH,
      int dHo,
      int u) {
    for (int j = 0; j < u; j++) {
      float dh = ws[sh + j];
      if (dH != null) {
        dh = dh + dH[dHo + j];
      }
      dh = RecurrentSupport.flushed(dh);
      float i = ws[zo + j];
      float f = ws[zo + u + j];
      float g = ws[zo + 2 * u + j];
      float o = ws[zo + 3 * u + j];
      float t = ws[tco + j];
      float dc = RecurrentSupport.flushed(ws[sc + j] + dh * o * (1f - t * t));
      float cPrev = cp == null ? 0f : cp[cpo + j];
      ws[zo + j] = dc * g * i * (1f - i);
      ws[zo + u + j] = dc * cPrev * f * (1f - f);
      ws[zo + 2 * u + j] = dc * i * (1f - g * g);
      ws[zo + 3 * u + j] = dh * t * o * (1f - o);
      ws[sc + j] = dc * f;
    }
  }

  /** The vector kernel's activation, one float at a time (see {@code VectorRecurrent}). */
  private static void activate(float[] src, int s, float[] dst, int d, int count, boolean sigmoid) {
    float scale = sigmoid ? 0.5f : 1f;
    float half = sigmoid ? 0.5f : 1f;
    float shift = sigmoid ? 0.5f : 0f;
    for (int q = 0; q < count; q++) {
      float c = Math.min(Math.max(src[s + q] * scale, -CLAMP), CLAMP);
      float x2 = c * c;
      float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
      p = p * x2 + -8.60467152213735e-11f;
      p = p * x2 + 5.12229709037114e-08f;
      p = p * x2 + 1.48572235717979e-05f;
      p = p * x2 + 6.37261928875436e-04f;
      p = p * x2 + 4.89352455891786e-03f;
      float r = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
      r = r * x2 + 2.26843463243900e-03f;
      r = r * x2 + 4.89352518554385e-03f;
      dst[d + q] = c * p / r * half + shift;
    }
  }
}
