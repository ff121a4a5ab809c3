package dev.graft.tensor.blas;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Resolves back-ends by name and holds the current one. OpenBLAS comes with Graft (its native jar
 * for the build's {@code javacpp.platform}); jblas is an optional dependency that a user adds to
 * select it. When the native back-end cannot load, one line is logged (through {@link
 * System.Logger}, so to whatever logging the application has set up) naming the back-end that runs
 * instead.
 */
public final class BlasRegistry {
  private static final System.Logger LOG = System.getLogger("dev.graft.tensor.blas");
  private static volatile Blas current;
  private static volatile AutoBlas auto;
  private static final AtomicBoolean BACKGROUND_STARTED = new AtomicBoolean();

  private BlasRegistry() {}

  /**
   * The current back-end, chosen from {@code -Dgraft.blas} (default {@code auto}) on first use.
   *
   * @return the back-end in use
   */
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

  /**
   * Replaces the current back-end.
   *
   * @param blas the back-end to use from now on
   */
  public static void use(Blas blas) {
    if (blas == null) {
      throw new IllegalArgumentException("Blas.use: blas must not be null");
    }
    // Under the lock of the first choice: a choice still loading (see loadInBackground) would
    // otherwise overwrite this one when it finishes.
    synchronized (BlasRegistry.class) {
      current = blas;
    }
  }

  /**
   * Chooses and loads the current back-end (as {@link #current()} would) on a daemon thread ({@code
   * graft-blas-load}), once, and returns at once. A model calls it when it is defined: the native
   * library's load (0.1–0.3 s on a fresh JVM, most of it JavaCPP's) then overlaps the application's
   * own work, building the rest of the model and reading its data, instead of landing in the first
   * training step or prediction. A caller of {@link #current()} meanwhile waits for the load to
   * finish; {@link #use} meanwhile waits too, and wins.
   */
  public static void loadInBackground() {
    if (current != null || !BACKGROUND_STARTED.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(BlasRegistry::current, "graft-blas-load");
    t.setDaemon(true);
    t.start();
  }

  /**
   * The back-end with this name: {@code java}, {@code openblas}, {@code jblas} or {@code auto}, or
   * the single-threaded variants {@code java-1t} and {@code openblas-1t}.
   *
   * @param name the back-end's name
   * @return the back-end
   * @throws IllegalArgumentException for an unknown name
   * @throws UnsupportedOperationException if a native back-end cannot load
   */
  public static Blas named(String name) {
    switch (name) {
      case "java":
        return JavaBlas.INSTANCE;
      case "java-1t":
        return JavaBlas.SINGLE_THREADED;
      case "openblas":
        return OpenBlas.load();
      case "openblas-1t":
        return OpenBlas.loadSingleThreaded();
      case "jblas":
        return JBlas.load();
      case "auto":
        return auto();
      default:
        throw new IllegalArgumentException(
            "Unknown BLAS back-end \""
                + name
                + "\"; expected one of openblas, jblas, java, auto, openblas-1t, java-1t");
    }
  }

  private static AutoBlas auto() {
    AutoBlas a = auto;
    if (a == null) {
      synchronized (BlasRegistry.class) {
        if (auto == null) {
          List<Blas> found = new ArrayList<>();
          found.add(JavaBlas.INSTANCE);
          found.add(JavaBlas.SINGLE_THREADED);
          String openblasFailure = null;
          try {
            found.add(OpenBlas.load());
            found.add(OpenBlas.loadSingleThreaded());
          } catch (UnsupportedOperationException e) {
            openblasFailure = e.getMessage();
          }
          // Timed only in a shape's trials: loads when the first trials begin (see LoadingBlas).
          found.add(new LoadingBlas("jblas", JBlas::load));
          if (openblasFailure != null) {
            LOG.log(
                System.Logger.Level.WARNING,
                "Graft: OpenBLAS is unavailable on "
                    + OpenBlas.platform()
                    + ", so matrix products run on "
                    + "jblas where it loads and pure Java (slower): "
                    + openblasFailure.replace('\n', ' '));
          }
          auto = new AutoBlas(found.toArray(new Blas[0]));
        }
        a = auto;
      }
    }
    return a;
  }

  private static Blas fromProperty() {
    String name = System.getProperty("graft.blas", "auto").trim();
    try {
      return named(name.isEmpty() ? "auto" : name);
    } catch (UnsupportedOperationException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "Graft: graft.blas=" + name + " is unavailable, using java: " + e.getMessage());
      return JavaBlas.INSTANCE;
    }
  }
}
