package dev.graft.tensor.recurrent;

/**
 * The recurrent layers' per-step work on the Vector API, as {@code
 * dev.graft.tensor.vector.VectorRecurrent} implements it (reached through {@link RecurrentVector}):
 * the LSTM training pass's per-row cell math and the per-step products. Gate order i, f, c, o; the
 * activations are the rational approximations of {@link RecurrentSupport#tanh} (sigmoid through
 * tanh), so both paths give the same values within float rounding.
 */
public interface RecurrentKernels {
  /**
   * The backward passes set each row's running state gradients (dh, and the LSTM's dc) to zero at
   * every step where their magnitude is below this, 2^-100. A gradient that vanishes through a long
   * sequence otherwise sinks into the subnormal floats, where the recurrence never takes it to zero
   * (a subnormal times a factor above one half rounds back to itself), and on x86 every operation
   * on a subnormal, or giving one, costs about a hundred normal ones: LSTM(64) and GRU(64) over 200
   * steps trained 9-13 times slower. The bound sits above the subnormals so that the products these
   * gradients feed (with the weights, the gates and the inputs, in the per-step and whole-sequence
   * matrix products) stay normal as well; flushing only the subnormals, as TensorFlow's
   * flush-to-zero mode does for Keras, left them 4-5 times slower. Each flushed value is below
   * 2^-100 (about 8e-31) in magnitude, far inside the reference cases' tolerance.
   */
  float FLUSH_BELOW = 0x1p-100f;

  /**
   * The vector width in floats: the unit count must be a multiple of it.
   *
   * @return the number of floats in one vector register (the species' length)
   */
  int lanes();

  /**
   * One row's cell from its pre-activation gates {@code z[zo ...]} (4u floats): activates the gates
   * in place, then writes {@code c = f*cPrev + i*g} (no {@code f*cPrev} when {@code cp} is null),
   * {@code tanh(c)} and {@code h = o * tanh(c)}.
   *
   * @param z the array holding the row's 4u pre-activation gates (i, f, c, o), activated in place
   * @param zo the index of the row's first gate in {@code z}
   * @param cp the array holding the previous cell state, or null for a zero state
   * @param cpo the index of the row's previous cell state in {@code cp}
   * @param c the array receiving the new cell state
   * @param co the index of the row's new cell state in {@code c}
   * @param tc the array receiving {@code tanh(c)}
   * @param tco the index of the row's {@code tanh(c)} ({@code tc} in forward, {@code ws} in
   *     backward)
   * @param h the array receiving the new hidden state
   * @param ho the index of the row's new hidden state in {@code h}
   * @param u the number of units, a multiple of {@link #lanes()}
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
   *
   * @param ws the training workspace holding the saved gates, {@code tanh(c)} and the running
   *     gradients
   * @param zo the index of the row's 4u activated gates in {@code ws}, overwritten by their
   *     pre-activation gradients
   * @param tco the index of the row's {@code tanh(c)} ({@code tc} in forward, {@code ws} in
   *     backward)
   * @param cp the array holding the previous cell state, or null for a zero state
   * @param cpo the index of the row's previous cell state in {@code cp}
   * @param sh the index in {@code ws} of the row's running hidden-state gradient (u floats)
   * @param sc the index in {@code ws} of the row's running cell-state gradient, replaced by the
   *     previous step's
   * @param dH the array holding this step's upstream hidden-state gradient, or null when the step
   *     has none
   * @param dHo the index of the row's upstream gradient in {@code dH}
   * @param u the number of units, a multiple of {@link #lanes()}
   */
  void backward(
      float[] ws, int zo, int tco, float[] cp, int cpo, int sh, int sc, float[] dH, int dHo, int u);
}
