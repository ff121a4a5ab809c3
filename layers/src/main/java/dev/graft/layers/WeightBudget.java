package dev.graft.layers;

import dev.graft.tensor.HeapCheck;
import dev.graft.tensor.Shape;
import java.util.Locale;

/**
 * The check before a layer creates a weight: a weight larger than a Java array, or than the heap
 * can give, fails naming the layer and the weight ({@code dense(100000)} on a 100000-wide input),
 * instead of an error about a bare shape or an {@link OutOfMemoryError}.
 */
public final class WeightBudget {
  private WeightBudget() {}

  /**
   * Checks that weight {@code weight} of {@code shape} can be allocated for layer {@code layer}.
   *
   * @param layer the layer's name
   * @param className the layer's Keras class name
   * @param weight the weight's name
   * @param shape the weight's shape
   * @throws IllegalArgumentException when it exceeds a Java array
   * @throws IllegalStateException when it exceeds the free heap (with {@code -Xmx} advice)
   */
  public static void check(String layer, String className, String weight, Shape shape) {
    long n = 1;
    for (int d = 0; d < shape.rank(); d++) {
      n *= shape.dim(d);
    }
    String what =
        "weight \"" + weight + "\" " + shape + " of layer \"" + layer + "\" (" + className + ")";
    if (n > HeapCheck.MAX_ARRAY) {
      throw new IllegalArgumentException(
          "Layer \""
              + layer
              + "\" ("
              + className
              + "): its weight \""
              + weight
              + "\" of shape "
              + shape
              + " would hold "
              + String.format(Locale.ROOT, "%,d", n)
              + " values, more than a Java array holds ("
              + String.format(Locale.ROOT, "%,d", HeapCheck.MAX_ARRAY)
              + "); make the layer or its input smaller");
    }
    HeapCheck.require(n * Float.BYTES, () -> what);
  }
}
