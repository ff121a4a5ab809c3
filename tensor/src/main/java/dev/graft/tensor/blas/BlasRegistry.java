package dev.graft.tensor.blas;

import dev.graft.tensor.Blas;
import java.util.logging.Logger;

/** Resolves back-ends by name and holds the current one. */
public final class BlasRegistry {
  private static final Logger LOG = Logger.getLogger("dev.graft.tensor.blas");
  private static volatile Blas current;

  private BlasRegistry() {}

  /** The current back-end, chosen from {@code -Dgraft.blas} on first use. */
  public static Blas current() {
    Blas b = current;
    if (b == null) {
      synchronized (BlasRegistry.class) {
        if (current == null) {
          current = fromProperty();
        }
        b = current;
      }
    }
    return b;
  }

  /** Replaces the current back-end. */
  public static void use(Blas blas) {
    if (blas == null) {
      throw new IllegalArgumentException("Blas.use: blas must not be null");
    }
    current = blas;
  }

  /** The back-end with this name. */
  public static Blas named(String name) {
    switch (name) {
      case "java":
        return JavaBlas.INSTANCE;
      default:
        throw new IllegalArgumentException(
            "Unknown BLAS back-end \"" + name + "\"; expected one of openblas, jblas, java, auto");
    }
  }

  private static Blas fromProperty() {
    String name = System.getProperty("graft.blas", "java");
    try {
      return named(name);
    } catch (UnsupportedOperationException | LinkageError e) {
      LOG.warning(
          "graft.blas=" + name + " could not load (" + e.getMessage() + "); using pure Java GEMM");
      return JavaBlas.INSTANCE;
    }
  }
}
