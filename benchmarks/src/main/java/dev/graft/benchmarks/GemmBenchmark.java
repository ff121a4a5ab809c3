package dev.graft.benchmarks;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.blas.Blas;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Row-major {@code C = A * B} ({@code m x k} times {@code k x n}) on each GEMM back-end, at the
 * seed models' shapes, the Conv2D im2col shape and 1024³. {@code raw-openblas} calls OpenBLAS on
 * off-heap buffers with no copies, the ceiling the {@code openblas} back-end's staging is measured
 * against. GFLOP/s = 2·m·n·k × ops/s / 1e9.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GemmBenchmark {
  /**
   * The back-end: a {@link Blas#named} name, {@code raw-openblas} (off-heap operands, no copies) or
   * {@code openblas-arrays} (JavaCPP's {@code float[]} overload, which copies whole arrays via
   * JNI).
   */
  @Param({
    "java",
    "java-1t",
    "openblas",
    "openblas-1t",
    "jblas",
    "auto",
    "raw-openblas",
    "openblas-arrays"
  })
  public String backend;

  /** {@code m x k x n}. */
  @Param({
    "32x30752x128",
    "32x256x64",
    "32x256x128",
    "32x64x128",
    "32x128x256",
    "123008x27x32",
    "1024x1024x1024"
  })
  public String shape;

  private int m;
  private int n;
  private int k;
  private float[] a;
  private float[] b;
  private float[] c;
  private Blas blas;
  private FloatPointer pa;
  private FloatPointer pb;
  private FloatPointer pc;
  private boolean arrays;

  /** Random operands and the back-end. */
  @Setup(Level.Trial)
  public void setUp() {
    String[] d = shape.split("x");
    m = Integer.parseInt(d[0]);
    k = Integer.parseInt(d[1]);
    n = Integer.parseInt(d[2]);
    Random r = new Random(1);
    a = new float[m * k];
    b = new float[k * n];
    c = new float[m * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextFloat() - 0.5f;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = r.nextFloat() - 0.5f;
    }
    if (backend.startsWith("raw-") || backend.endsWith("-arrays")) {
      Blas.named("openblas"); // loads the library
      openblas_nolapack.blas_set_num_threads(Parallel.threads());
      arrays = backend.endsWith("-arrays");
      if (!arrays) {
        pa = new FloatPointer(a);
        pb = new FloatPointer(b);
        pc = new FloatPointer(c);
      }
    } else {
      blas = Blas.named(backend);
    }
  }

  /** Frees the off-heap buffers. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (pa != null) {
      pa.close();
      pb.close();
      pc.close();
    }
  }

  /**
   * One {@code C = A * B}.
   *
   * @return the product's buffer, so the JIT keeps the work
   */
  @Benchmark
  public float[] sgemm() {
    if (arrays) {
      openblas_nolapack.cblas_sgemm(
          openblas_nolapack.CblasRowMajor,
          openblas_nolapack.CblasNoTrans,
          openblas_nolapack.CblasNoTrans,
          m,
          n,
          k,
          1f,
          a,
          k,
          b,
          n,
          0f,
          c,
          n);
    } else if (blas == null) {
      openblas_nolapack.cblas_sgemm(
          openblas_nolapack.CblasRowMajor,
          openblas_nolapack.CblasNoTrans,
          openblas_nolapack.CblasNoTrans,
          m,
          n,
          k,
          1f,
          pa,
          k,
          pb,
          n,
          0f,
          pc,
          n);
    } else {
      blas.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
    }
    return c;
  }
}
