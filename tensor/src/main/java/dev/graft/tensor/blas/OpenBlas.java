package dev.graft.tensor.blas;

import dev.graft.tensor.Parallel;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * OpenBLAS through JavaCPP. Passing a {@code float[]} to JavaCPP copies the whole array in and out
 * through JNI on every call, so instead each calling thread keeps three off-heap staging buffers
 * that only grow: A and B are copied in once, C only when {@code beta != 0} (or when its rows have
 * gaps that must survive), and C is copied out once. Only the span a matrix actually covers is
 * copied, never the rest of a larger backing array. OpenBLAS uses {@link Parallel#threads()}
 * threads for products of at least {@link #MULTITHREAD_MIN_MACS} multiply-adds and one below,
 * except thin ones, which {@link SplitGemm} shares out over Graft's own workers instead.
 */
public final class OpenBlas implements Blas {
  /** Below this many multiply-adds OpenBLAS gets one thread: waking a second costs more. */
  static final long MULTITHREAD_MIN_MACS = 1L << 22;

  /** Staged floats from which two workers copy in parallel (one copy is bound by one core). */
  static final long PARALLEL_COPY_MIN_FLOATS = 1L << 20;

  private static volatile OpenBlas instance;
  private static volatile OpenBlas singleThreaded;
  private static Throwable loadFailure;
  private static final ThreadLocal<Staging> STAGING = ThreadLocal.withInitial(Staging::new);
  // OpenBLAS's thread count is global to the process; remember it to skip needless resets.
  private static volatile int nativeThreads = -1;
  // openblas_set_num_threads, resolved once: the presets' blas_set_num_threads looks the library
  // and four symbols up again on every call (~150 KB of garbage and an exception per call).
  private static org.bytedeco.openblas.presets.openblas_nolapack.SetNumThreads setNumThreads;

  private final boolean oneThread;

  private OpenBlas(boolean oneThread) {
    this.oneThread = oneThread;
  }

  /**
   * The back-end, loading the native library on first use.
   *
   * @return the back-end
   * @throws UnsupportedOperationException if OpenBLAS cannot load (the cause says why)
   */
  public static OpenBlas load() {
    OpenBlas b = instance;
    if (b != null) {
      return b;
    }
    synchronized (OpenBlas.class) {
      if (instance == null && loadFailure == null) {
        try {
          Loader.load(openblas_nolapack.class);
          Pointer setter = Loader.addressof("openblas_set_num_threads");
          if (setter != null && !setter.isNull()) {
            // As the presets do it, once: the no-argument constructor (protected, hence the
            // anonymous subclass) allocates the native holder that put() points at the symbol.
            setNumThreads =
                new org.bytedeco.openblas.presets.openblas_nolapack.SetNumThreads() {}.put(setter);
          }
          instance = new OpenBlas(false);
          singleThreaded = new OpenBlas(true);
        } catch (LinkageError | RuntimeException e) {
          loadFailure = e;
        }
      }
      if (instance == null) {
        throw new UnsupportedOperationException(
            "openblas: the native library could not load; it comes in the jar"
                + " org.bytedeco:openblas:<version>:"
                + platform()
                + " (choose it with -Djavacpp.platform, or depend on openblas-platform)"
                + (OpenBlas.class.getModule().isNamed()
                    ? "; on the module path, resolve its module: --add-modules ALL-MODULE-PATH"
                        + " or org.bytedeco.openblas."
                        + platform().replace('-', '.')
                    : "")
                + ": "
                + loadFailure,
            loadFailure);
      }
      return instance;
    }
  }

  /**
   * The native platform JavaCPP looks for ({@code linux-x86_64}, {@code macosx-arm64}...), for
   * messages: it names the classifier of the {@code org.bytedeco:openblas} jar that is needed.
   *
   * @return the platform name, or the JVM's {@code os.name}/{@code os.arch} if JavaCPP cannot say
   */
  static String platform() {
    try {
      return Loader.getPlatform();
    } catch (LinkageError | RuntimeException e) {
      return System.getProperty("os.name") + "-" + System.getProperty("os.arch");
    }
  }

  /**
   * The same back-end restricted to one OpenBLAS thread whatever the shape. On a loaded machine a
   * second BLAS thread that is not scheduled can make a call many times slower, so {@code auto}
   * times this variant too.
   *
   * @return the single-threaded back-end
   * @throws UnsupportedOperationException if OpenBLAS cannot load
   */
  public static OpenBlas loadSingleThreaded() {
    load();
    return singleThreaded;
  }

  @Override
  public String name() {
    return oneThread ? "openblas-1t" : "openblas";
  }

  @Override
  public Blas singleThreaded() {
    return singleThreaded;
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
    if (GemmChecks.trivial(
        transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc)) {
      return;
    }
    int threads = oneThread || (long) m * n * k < MULTITHREAD_MIN_MACS ? 1 : Parallel.threads();
    if (threads > 1 && SplitGemm.thin(m, n, k)) {
      SplitGemm.sgemm(
          singleThreaded,
          threads,
          transA,
          transB,
          m,
          n,
          k,
          alpha,
          a,
          aOffset,
          lda,
          b,
          bOffset,
          ldb,
          beta,
          c,
          cOffset,
          ldc);
      return;
    }
    if (threads != nativeThreads) {
      if (setNumThreads != null) {
        setNumThreads.call(threads);
      } else {
        openblas_nolapack.blas_set_num_threads(threads);
      }
      nativeThreads = threads;
    }
    int aSpan = GemmChecks.span(transA ? k : m, transA ? m : k, lda);
    int bSpan = GemmChecks.span(transB ? n : k, transB ? k : n, ldb);
    int cSpan = GemmChecks.span(m, n, ldc);
    Staging s = STAGING.get();
    FloatPointer pa = s.a(aSpan);
    FloatPointer pb = s.b(bSpan);
    FloatPointer pc = s.c(cSpan);
    // Copying C out writes its whole span, gaps between rows included, so those must be staged too.
    boolean cIn = beta != 0f || (ldc != n && m > 1);
    boolean parallelCopy = threads > 1 && (long) aSpan + bSpan + cSpan >= PARALLEL_COPY_MIN_FLOATS;
    if (parallelCopy) {
      s.copies.set(a, aOffset, aSpan, b, bOffset, bSpan, c, cOffset, cSpan, cIn);
      Parallel.forRange(2, 1, s.copies.in);
    } else {
      pa.put(a, aOffset, aSpan);
      pb.put(b, bOffset, bSpan);
      if (cIn) {
        pc.put(c, cOffset, cSpan);
      }
    }
    openblas_nolapack.cblas_sgemm(
        openblas_nolapack.CblasRowMajor,
        transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
        transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
        m,
        n,
        k,
        alpha,
        pa,
        lda,
        pb,
        ldb,
        beta,
        pc,
        ldc);
    if (parallelCopy && cSpan >= 2) {
      Parallel.forRange(2, 1, s.copies.out);
    } else {
      pc.get(c, cOffset, cSpan);
    }
  }

  /**
   * The two halves of a large staging copy, as reusable loop bodies (a capturing lambda would be
   * garbage on every call), set once per product: in, part 0 copies A and part 1 copies B (and C
   * when it is read); out, each part copies half of C back.
   */
  private static final class Copies {
    private final Staging staging;
    private float[] a;
    private int aOffset;
    private int aSpan;
    private float[] b;
    private int bOffset;
    private int bSpan;
    private float[] c;
    private int cOffset;
    private int cSpan;
    private boolean cIn;

    final Parallel.RangeBody in;
    final Parallel.RangeBody out;

    Copies(Staging staging) {
      this.staging = staging;
      in = this::copyIn;
      out = this::copyOut;
    }

    void set(
        float[] a,
        int aOff,
        int aSpan,
        float[] b,
        int bOff,
        int bSpan,
        float[] c,
        int cOff,
        int cSpan,
        boolean cIn) {
      this.a = a;
      this.aOffset = aOff;
      this.aSpan = aSpan;
      this.b = b;
      this.bOffset = bOff;
      this.bSpan = bSpan;
      this.c = c;
      this.cOffset = cOff;
      this.cSpan = cSpan;
      this.cIn = cIn;
    }

    private void copyIn(int from, int to) {
      for (int part = from; part < to; part++) {
        if (part == 0) {
          staging.a.put(a, aOffset, aSpan);
        } else {
          staging.b.put(b, bOffset, bSpan);
          if (cIn) {
            staging.c.put(c, cOffset, cSpan);
          }
        }
      }
    }

    private void copyOut(int from, int to) {
      int half = cSpan / 2;
      for (int part = from; part < to; part++) {
        if (part == 0) {
          staging.c.get(c, cOffset, half);
        } else {
          staging.upperHalfOfC(half).get(c, cOffset + half, cSpan - half);
        }
      }
    }
  }

  /** One thread's off-heap buffers; they grow and are kept, never freed per call. */
  private static final class Staging {
    final Copies copies = new Copies(this);
    private FloatPointer a;
    private FloatPointer b;
    private FloatPointer c;

    FloatPointer a(int n) {
      return a = fit(a, n);
    }

    FloatPointer b(int n) {
      return b = fit(b, n);
    }

    FloatPointer c(int n) {
      return c = fit(c, n);
    }

    private FloatPointer upper;
    private FloatPointer upperOf;

    /** A second view of C starting {@code at} floats in, so two threads can copy C out. */
    FloatPointer upperHalfOfC(int at) {
      if (upper == null || upperOf != c) {
        upper = new FloatPointer(c);
        upperOf = c;
      }
      upper.position(at);
      return upper;
    }

    private static FloatPointer fit(FloatPointer p, int n) {
      if (p != null && p.capacity() >= n) {
        return p;
      }
      if (p != null) {
        p.close();
      }
      long cap = Math.max(1024L, Math.max(n, p == null ? 0L : p.capacity() + p.capacity() / 2));
      return new FloatPointer(cap);
    }
  }
}
