package dev.graft.tensor.blas;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A back-end whose native library loads on a background thread ({@code graft-blas-load}) once
 * {@link AutoBlas} first needs it, and which it times only once loaded. jblas unpacks and loads its
 * library in about 0.2 s of CPU on a fresh JVM; loaded on the caller when {@code auto} was made,
 * that landed in every process's first training step or prediction, although {@code auto} calls
 * jblas only in the trials of a shape class (after its first {@link AutoBlas#EXPLORE_AFTER} calls;
 * the seed models' products have three such classes, all won by OpenBLAS).
 */
final class LoadingBlas implements Blas {
  private static final System.Logger LOG = System.getLogger("dev.graft.tensor.blas");

  private final String name;
  private final Supplier<Blas> load;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile Blas loaded;

  /**
   * A back-end {@code load} makes (it throws {@link UnsupportedOperationException} if it cannot).
   */
  LoadingBlas(String name, Supplier<Blas> load) {
    this.name = name;
    this.load = load;
  }

  /** Starts loading in the background, once. */
  void start() {
    if (started.get() || !started.compareAndSet(false, true)) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                loaded = load.get();
              } catch (UnsupportedOperationException e) {
                LOG.log(System.Logger.Level.DEBUG, "auto: leaving out " + e.getMessage());
              }
            },
            "graft-blas-load");
    t.setDaemon(true);
    t.start();
  }

  /** Whether loading has started. */
  boolean started() {
    return started.get();
  }

  /** Whether the library has loaded (a back-end that failed to load never has). */
  boolean ready() {
    return loaded != null;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void sgemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      float[] a,
      int aOffset,
      int lda,
      float[] b,
      int bOffset,
      int ldb,
      float beta,
      float[] c,
      int cOffset,
      int ldc) {
    Blas b0 = loaded;
    if (b0 == null) {
      throw new IllegalStateException(name + " has not loaded");
    }
    b0.sgemm(
        transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
  }
}
