package dev.graft.autograd;

import dev.graft.autograd.ops.Leaf;
import dev.graft.tensor.HeapCheck;
import dev.graft.tensor.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The memory estimate of a plan, made before its buffers are allocated: a buffer larger than a Java
 * array, or a plan larger than the heap can give, fails naming the layer whose values take the most
 * memory (from the nodes' {@link Node#scope}), the bytes and the {@code -Xmx} to use.
 */
final class PlanMemory {
  private PlanMemory() {}

  /**
   * The elements of node {@code i}'s buffer.
   *
   * @throws IllegalStateException naming the layer when one buffer would exceed a Java array
   */
  static int elements(Node node, Shape shape, int batch) {
    long n = 1;
    for (int d = 0; d < shape.rank(); d++) {
      n *= shape.dim(d);
    }
    if (n > HeapCheck.MAX_ARRAY) {
      throw new IllegalStateException(
          where(node.scope())
              + " would need a buffer of shape "
              + shape
              + " ("
              + node.op().kind()
              + ") at batch size "
              + batch
              + ": "
              + String.format(java.util.Locale.ROOT, "%,d", n)
              + " elements, more than a Java array holds ("
              + String.format(java.util.Locale.ROOT, "%,d", HeapCheck.MAX_ARRAY)
              + "); use a smaller batch size or a smaller layer");
    }
    return (int) n;
  }

  /**
   * Checks that the heap can give {@code floats} planned floats.
   *
   * @throws IllegalStateException naming the layer whose buffers dominate, the bytes needed and the
   *     {@code -Xmx} advice
   */
  static void check(Node[] order, int[] outSize, int[] wsSize, long floats, int batch) {
    HeapCheck.require(
        floats * Float.BYTES,
        () -> {
          Map<String, Long> byLayer = new LinkedHashMap<>();
          for (int i = 0; i < order.length; i++) {
            if (!(order[i].op() instanceof Leaf)) {
              byLayer.merge(
                  String.valueOf(order[i].scope()), (long) outSize[i] + wsSize[i], Long::sum);
            }
          }
          Map.Entry<String, Long> top =
              byLayer.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
          return "a plan at batch size "
              + batch
              + " (the values of "
              + where(top.getKey().equals("null") ? null : top.getKey())
              + " alone take "
              + HeapCheck.bytes(top.getValue() * Float.BYTES)
              + " before buffers are shared)";
        });
  }

  private static String where(String scope) {
    return scope == null ? "an op outside any layer" : "layer \"" + scope + "\"";
  }
}
