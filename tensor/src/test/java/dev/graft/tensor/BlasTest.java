package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.graft.tensor.blas.AutoBlas;
import dev.graft.tensor.blas.Blas;
import org.junit.jupiter.api.Test;

/**
 * Which back-end {@link Blas#current()} resolves to. Runs in every surefire execution, so it also
 * shows that each one really switched back-ends: a native back-end that silently fell back to pure
 * Java fails on CI and is reported as skipped elsewhere (see {@link NativeBlas}).
 */
class BlasTest {
  @Test
  void currentFollowsTheSystemProperty() {
    String wanted = System.getProperty("graft.blas", "auto");
    String got = Blas.current().name();
    if (got.equals("java") && !wanted.equals("java")) {
      // The registry falls back to Java when the wanted native library cannot load: say why.
      try {
        Blas.named(wanted);
      } catch (UnsupportedOperationException e) {
        NativeBlas.missing(wanted, e.getMessage());
      }
    }
    assertEquals(wanted, got, "graft.blas=" + wanted);
  }

  @Test
  void autoHasOpenBlasAmongItsCandidates() {
    if (!(Blas.current() instanceof AutoBlas auto)) {
      return; // another execution's back-end: checked above
    }
    NativeBlas.load("openblas"); // fails on CI, skips elsewhere, when OpenBLAS cannot load
    // Products of 2^24 multiply-adds and more go straight to OpenBLAS when auto has it.
    assertEquals("openblas", auto.choice(false, false, 1024, 1024, 16).name());
  }

  @Test
  void productsRunOnTheNativeLibraryOfTheNativeRuns() {
    String wanted = System.getProperty("graft.blas", "auto");
    if (wanted.equals("openblas") || wanted.equals("jblas")) {
      Blas b = Blas.current();
      assertEquals(NativeBlas.load(wanted), b, "the registry's current back-end is the named one");
      assertNotEquals(Blas.named("java").getClass(), b.getClass());
    }
  }

  @Test
  void namedBackEndsAreSingletons() {
    assertEquals(Blas.named("java"), Blas.named("java"));
    assertEquals(Blas.named("auto"), Blas.named("auto"));
  }
}
