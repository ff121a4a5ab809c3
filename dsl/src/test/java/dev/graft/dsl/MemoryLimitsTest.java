package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Models too big for a Java array or for the heap fail before allocating, naming the layer, the
 * size and the {@code -Xmx} to use (sizes are chosen from this JVM's {@code -Xmx}).
 */
class MemoryLimitsTest {
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private static void assertContains(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "\"" + p + "\" not in: " + message);
    }
  }

  /** About 1.5 times the heap, in floats. */
  private static long tooManyFloats() {
    return Runtime.getRuntime().maxMemory() / Float.BYTES * 3 / 2;
  }

  @Test
  void aWeightLargerThanAJavaArrayNamesTheLayer() {
    var in = input(100000);
    String msg =
        assertThrows(IllegalArgumentException.class, () -> dense(100000).name("wide").on(in))
            .getMessage();
    assertContains(
        msg,
        "Layer \"wide\" (Dense): its weight \"kernel\" of shape (100000, 100000)",
        "10,000,000,000 values, more than a Java array holds");
  }

  @Test
  void aWeightLargerThanTheHeapFailsBeforeAllocatingWithXmxAdvice() {
    int inputs = 40000;
    long units = tooManyFloats() / inputs + 1;
    assumeTrue(
        units * inputs <= MAX_ARRAY, "heap too large for a single-array weight to exceed it");
    var in = input(inputs);
    String msg =
        assertThrows(IllegalStateException.class, () -> dense((int) units).name("big").on(in))
            .getMessage();
    assertContains(
        msg,
        "Not enough memory for weight \"kernel\" (40000, " + units + ") of layer \"big\" (Dense)",
        "it needs ",
        " GB but the heap has ",
        "Run the JVM with -Xmx");
  }

  @Test
  void aPlanLargerThanTheHeapNamesTheLayerThatDominates() {
    int batch = 64;
    int width = 1000;
    long repeats = tooManyFloats() / ((long) batch * width) + 1;
    assumeTrue(repeats * batch * width <= MAX_ARRAY, "heap too large for this model to exceed it");
    var in = input(width);
    Model m = model(in, dense(1).on(repeatVector((int) repeats).name("rep").on(in)));
    String msg =
        assertThrows(
                IllegalStateException.class,
                () -> m.predict(java.util.List.of(Tensor.rand(batch, width)), batch))
            .getMessage();
    assertContains(
        msg,
        "Not enough memory for a plan at batch size 64 (the values of layer \"rep\" alone take",
        "-Xmx");
    // The same model predicts in small batches.
    assertTrue(m.predict(java.util.List.of(Tensor.rand(1, width)), 1).get(0).shape().dim(0) == 1);
  }

  @Test
  void aBufferLargerThanAJavaArrayNamesTheLayer() {
    var in = input(1000);
    Model m = model(in, dense(1).on(repeatVector(100000).name("rep").on(in)));
    String msg =
        assertThrows(
                IllegalStateException.class,
                () -> m.predict(java.util.List.of(Tensor.rand(64, 1000)), 64))
            .getMessage();
    assertContains(
        msg,
        "layer \"rep\" would need a buffer of shape (64, 100000, 1000)",
        "more than a Java array holds",
        "smaller batch size");
  }
}
