package dev.graft.layers;

import dev.graft.tensor.Tensor;
import java.util.List;

/** The batches of the data given to a preprocessing layer's {@code adapt}. */
final class Adapt {
  private Adapt() {}

  /**
   * One batch for an array, a list of strings or a tensor (Keras's array inputs); the elements of
   * any other {@code Iterable} (a dataset: each element one batch, or one string).
   *
   * @throws IllegalArgumentException for {@code null}
   */
  static Iterable<?> batches(Object data) {
    if (data == null) {
      throw new IllegalArgumentException("adapt() received no data (null)");
    }
    if (data instanceof Tensor
        || data instanceof Object[]
        || data instanceof float[]
        || data instanceof int[]
        || data instanceof long[]
        || data instanceof List<?> l && (l.isEmpty() || !isBatch(l.get(0)))) {
      return List.of(data);
    }
    if (data instanceof Iterable<?> it) {
      return it;
    }
    return List.of(data);
  }

  private static boolean isBatch(Object o) {
    return o instanceof Tensor
        || o instanceof Object[]
        || o instanceof List<?>
        || o instanceof float[]
        || o instanceof int[];
  }
}
