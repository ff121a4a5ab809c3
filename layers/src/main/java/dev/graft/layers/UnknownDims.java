package dev.graft.layers;

import dev.graft.tensor.Shape;

/**
 * Window geometry (convolution, pooling) over inputs whose spatial sizes may be unknown (Keras's
 * {@code None}, as in {@code Input(shape=(None, None, 3))}): the output size of an unknown axis is
 * unknown, as Keras's {@code compute_conv_output_shape} gives. The size is checked again when a
 * concrete input arrives, and a too short input is then refused naming the layer.
 */
final class UnknownDims {
  /** A size every window fits in, standing for an unknown axis while the geometry is computed. */
  private static final int ANY = 1 << 16;

  private UnknownDims() {}

  /**
   * {@code x} with each unknown axis after the batch set to a fitting size (the channels too, which
   * pooling does not need to know).
   */
  static Shape assumeKnown(Shape x) {
    int[] d = x.toArray();
    for (int i = 1; i < d.length; i++) {
      if (d[i] == Shape.UNKNOWN) {
        d[i] = ANY;
      }
    }
    return Shape.of(d);
  }

  /** {@code out} (of {@code x}'s rank) with the axes unknown in {@code x} unknown again. */
  static Shape keepUnknown(Shape x, Shape out) {
    int[] d = out.toArray();
    for (int i = 1; i < d.length - 1; i++) {
      if (x.dim(i) == Shape.UNKNOWN) {
        d[i] = Shape.UNKNOWN;
      }
    }
    return Shape.of(d);
  }
}
