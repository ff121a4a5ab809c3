package dev.graft.tensor.recurrent;

/**
 * The recurrent layers' per-step work on the Vector API, as {@code
 * dev.graft.tensor.vector.VectorRecurrent} implements it (reached through {@link RecurrentVector}):
 * the LSTM training pass's per-row cell math and the per-step products. Gate order i, f, c, o; the
 * activations are the rational approximations of {@link RecurrentSupport#tanh} (sigmoid through
 * tanh), so both paths give the same values within float rounding.
 */
public interface RecurrentKernels {
  /** The vector width in floats: the unit count must be a multiple of it. */
  int lanes();

  /**
   * One row's cell from its pre-activation gates {@code z[zo ...]} (4u floats): activates the gates
   * in place, then writes {@code c = f*cPrev + i*g} (no {@code f*cPrev} when {@code cp} is null),
   * {@code tanh(c)} and {@code h = o * tanh(c)}.
   */
  void forward(
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
      int u);

  /**
   * One row's backward step: from the activated gates {@code ws[zo ...]}, {@code tanh(c)} at {@code
   * ws[tco ...]}, the previous cell state (null: zero) and the running state gradients {@code ws[sh
   * ...]} (dh, plus {@code dH[dHo ...]} when not null) and {@code ws[sc ...]} (dc), overwrites the
   * gates with their pre-activation gradients and {@code ws[sc ...]} with the previous step's dc.
   */
  void backward(
      float[] ws, int zo, int tco, float[] cp, int cpo, int sh, int sc, float[] dH, int dHo, int u);
}
