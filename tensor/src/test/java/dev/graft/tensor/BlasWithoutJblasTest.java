package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.blas.Blas;
import dev.graft.tensor.blas.BlasRegistry;
import org.junit.jupiter.api.Test;

/**
 * jblas is an optional dependency: without it on the class path (the surefire execution {@code
 * no-jblas} removes it and sets {@code graft.test.noJblas}) the registry still resolves every other
 * back-end and refuses {@code jblas} with a message saying what to add. With jblas present (the
 * other executions) only the resolution of the rest is checked.
 */
class BlasWithoutJblasTest {
  private static final boolean NO_JBLAS = Boolean.getBoolean("graft.test.noJblas");

  private static boolean jblasPresent() {
    try {
      Class.forName("org.jblas.NativeBlas", false, BlasWithoutJblasTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  @Test
  void theClassPathIsTheOneThisExecutionPromises() {
    assertTrue(NO_JBLAS != jblasPresent(), "graft.test.noJblas=" + NO_JBLAS);
  }

  @Test
  void jblasIsRefusedClearlyWhenAbsent() {
    if (jblasPresent()) {
      return;
    }
    var e = assertThrows(UnsupportedOperationException.class, () -> BlasRegistry.named("jblas"));
    assertTrue(e.getMessage().contains("org.jblas:jblas is not on the class path"), e.getMessage());
    // Asked twice: the same clear refusal, not a NoClassDefFoundError the second time.
    assertThrows(UnsupportedOperationException.class, () -> BlasRegistry.named("jblas"));
  }

  @Test
  void autoAndTheOtherBackEndsStillWork() {
    float[] a = {1, 2, 3, 4, 5, 6};
    float[] b = {1, 0, 0, 1, 1, 1};
    float[] want = {4, 5, 10, 11};
    for (String name : new String[] {"auto", "java", "java-1t", "openblas"}) {
      Blas blas = BlasRegistry.named(name);
      assertNotNull(blas);
      float[] c = new float[4];
      blas.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
      assertArrayEquals(want, c, name);
    }
    assertNotNull(BlasRegistry.current());
  }
}
