package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Which back-end {@link Blas#current()} resolves to. Runs in every surefire execution, so it also
 * shows that each one really switched back-ends.
 */
class BlasTest {
  @Test
  void currentFollowsTheSystemProperty() {
    String wanted = System.getProperty("graft.blas", "auto");
    String got = Blas.current().name();
    boolean nativeFellBack = got.equals("java") && !wanted.equals("auto");
    assertTrue(got.equals(wanted) || nativeFellBack, "graft.blas=" + wanted + " gave " + got);
  }

  @Test
  void namedBackEndsAreSingletons() {
    assertEquals(Blas.named("java"), Blas.named("java"));
    assertEquals(Blas.named("auto"), Blas.named("auto"));
  }
}
