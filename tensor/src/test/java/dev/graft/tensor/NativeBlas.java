package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.tensor.blas.Blas;
import org.junit.jupiter.api.Assumptions;

/**
 * Loading a native BLAS back-end in a test. CI ({@code .ci/run}) sets {@code
 * GRAFT_REQUIRE_NATIVE_BLAS=1}: OpenBLAS ships in its Maven jar and the script installs jblas's
 * libgfortran, so there a back-end that cannot load fails the test. Elsewhere (a machine without
 * libgfortran) the test is skipped with the reason.
 */
public final class NativeBlas {
  /** The environment variable that makes a load failure fail the test. */
  public static final String REQUIRE = "GRAFT_REQUIRE_NATIVE_BLAS";

  private NativeBlas() {}

  /** True when this run must have every native back-end. */
  public static boolean required() {
    return "1".equals(System.getenv(REQUIRE));
  }

  /** Fails (when {@link #required}) or skips the test, saying why the back-end is missing. */
  public static void missing(String name, String why) {
    if (required()) {
      fail(name + " must load when " + REQUIRE + "=1, but: " + why);
    }
    Assumptions.abort("skipping " + name + " (set " + REQUIRE + "=1 to fail instead): " + why);
  }

  /** The named back-end; a native one that cannot load fails or skips as {@link #missing}. */
  public static Blas load(String name) {
    try {
      return Blas.named(name);
    } catch (UnsupportedOperationException e) {
      missing(name, e.getMessage());
      throw e;
    }
  }
}
