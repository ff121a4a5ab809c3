package dev.graft.tensor.recurrent;

import dev.graft.tensor.Tensor;

/**
 * The recurrent layers' rule for gradients that vanish through a long sequence, for layers built
 * from plain ops (SimpleRNN): values below {@link RecurrentKernels#FLUSH_BELOW} in magnitude become
 * zero, as the LSTM and GRU kernels do to their running gradients at every step (see there why).
 */
public final class VanishingGradients {
  private VanishingGradients() {}

  /**
   * {@code out = in} with the values below {@link RecurrentKernels#FLUSH_BELOW} in magnitude set to
   * zero; {@code out} may be {@code in}.
   *
   * @param in the gradient
   * @param out receives the flushed gradient, the same size as {@code in}
   * @return {@code out}
   * @throws IllegalArgumentException if the sizes differ
   */
  public static Tensor flush(Tensor in, Tensor out) {
    if (in.size() != out.size()) {
      throw new IllegalArgumentException(
          "flush: input " + in.shape() + " and output " + out.shape() + " differ in size");
    }
    float[] a = in.array();
    float[] o = out.array();
    int ao = in.offset();
    int oo = out.offset();
    for (int i = 0; i < in.size(); i++) {
      o[oo + i] = RecurrentSupport.flushed(a[ao + i]);
    }
    return out;
  }
}
