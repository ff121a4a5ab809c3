package dev.graft.tensor.vector;

import dev.graft.tensor.recurrent.RecurrentKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The recurrent layers' per-step work on the Vector API. The LSTM cell math of one batch row: each
 * pass of the loop takes one vector of units through all four gates, the cell state and the output,
 * so every value stays in registers between steps. The per-step products: register blocks of four
 * rows by two vectors, which measured 18 us for the LSTM(64) inference step (256 x 32 x 129)
 * against 31 us through OpenBLAS. The activations evaluate the same rational approximation as
 * {@code RecurrentSupport.tanh} (sigmoid as {@code (1 + tanh(x / 2)) / 2}), lane by lane.
 */
public final class VectorRecurrent implements RecurrentKernels {
  /**
   * Made by name when the module is present (see {@code dev.graft.tensor.support.VectorSupport}).
   */
  public VectorRecurrent() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final float CLAMP = 7.90531110763549805f;

  @Override
  public int lanes() {
    return L;
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
    for (int j = 0; j < u; j += L) {
      FloatVector cell =
          FloatVector.fromArray(S, z, zo + j).mul(FloatVector.fromArray(S, z, zo + 2 * u + j));
      if (cp != null) {
        FloatVector.fromArray(S, z, zo + u + j)
            .fma(FloatVector.fromArray(S, cp, cpo + j), cell)
            .intoArray(c, co + j);
      } else {
        cell.intoArray(c, co + j);
      }
    }
    activate(c, co, tc, tco, u, false);
    for (int j = 0; j < u; j += L) {
      FloatVector.fromArray(S, z, zo + 3 * u + j)
          .mul(FloatVector.fromArray(S, tc, tco + j))
          .intoArray(h, ho + j);
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
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (int j = 0; j < u; j += L) {
      FloatVector dh = FloatVector.fromArray(S, ws, sh + j);
      if (dH != null) {
        dh = dh.add(FloatVector.fromArray(S, dH, dHo + j));
      }
      dh = Lanes.known(dh);
      // Vanishing running gradients become zero (see FLUSH_BELOW).
      dh = dh.blend(0f, dh.abs().lt(FLUSH_BELOW));
      FloatVector i = FloatVector.fromArray(S, ws, zo + j);
      FloatVector f = FloatVector.fromArray(S, ws, zo + u + j);
      FloatVector g = FloatVector.fromArray(S, ws, zo + 2 * u + j);
      FloatVector o = FloatVector.fromArray(S, ws, zo + 3 * u + j);
      FloatVector t = FloatVector.fromArray(S, ws, tco + j);
      FloatVector dcSum =
          FloatVector.fromArray(S, ws, sc + j).add(dh.mul(o).mul(one.sub(t.mul(t))));
      FloatVector dc = dcSum.blend(0f, dcSum.abs().lt(FLUSH_BELOW));
      FloatVector cPrev = cp == null ? FloatVector.zero(S) : FloatVector.fromArray(S, cp, cpo + j);
      dc.mul(g).mul(i).mul(one.sub(i)).intoArray(ws, zo + j);
      dc.mul(cPrev).mul(f).mul(one.sub(f)).intoArray(ws, zo + u + j);
      dc.mul(i).mul(one.sub(g.mul(g))).intoArray(ws, zo + 2 * u + j);
      dh.mul(t).mul(o).mul(one.sub(o)).intoArray(ws, zo + 3 * u + j);
      dc.mul(f).intoArray(ws, sc + j);
    }
  }

  /**
   * {@code dst[d + q] = tanh(src[s + q])}, or the sigmoid {@code (1 + tanh(x / 2)) / 2} when {@code
   * sigmoid}, for {@code q < count} (a multiple of the vector width): the odd rational minimax
   * approximation of {@code RecurrentSupport.tanh}, lane by lane. The approximation is written out
   * in the loop on purpose: a helper taking and returning vectors, once compiled on its own, was
   * not inlined, and every vector it passed was allocated (measured 15 MB per model-2 training
   * step).
   */
  private static void activate(float[] src, int s, float[] dst, int d, int count, boolean sigmoid) {
    float scale = sigmoid ? 0.5f : 1f;
    float half = sigmoid ? 0.5f : 1f;
    float shift = sigmoid ? 0.5f : 0f;
    for (int q = 0; q < count; q += L) {
      FloatVector c = FloatVector.fromArray(S, src, s + q).mul(scale).max(-CLAMP).min(CLAMP);
      FloatVector x2 = c.mul(c);
      FloatVector p = x2.mul(-2.76076847742355e-16f).add(2.00018790482477e-13f);
      p = p.mul(x2).add(-8.60467152213735e-11f);
      p = p.mul(x2).add(5.12229709037114e-08f);
      p = p.mul(x2).add(1.48572235717979e-05f);
      p = p.mul(x2).add(6.37261928875436e-04f);
      p = p.mul(x2).add(4.89352455891786e-03f);
      FloatVector r = x2.mul(1.19825839466702e-06f).add(1.18534705686654e-04f);
      r = r.mul(x2).add(2.26843463243900e-03f);
      r = r.mul(x2).add(4.89352518554385e-03f);
      c.mul(p).div(r).mul(half).add(shift).intoArray(dst, d + q);
    }
  }
}
