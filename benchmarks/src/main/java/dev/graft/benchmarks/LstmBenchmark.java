package dev.graft.benchmarks;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.recurrent.Lstm;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Keras {@code LSTM(64)} over x (32, 200, 64) returning h_T, forward then backward with a fixed
 * upstream gradient dh_T (32, 64) giving dX, dW, dU and db: the PyTorch peer's {@code
 * lstm64_t200_in64_b32_fwd_bwd_ms}. The workspace and every output are allocated in {@link #setup},
 * so the timed call allocates nothing.
 *
 * <p>The peer reports a median: compare with {@code -bm sample} (its {@code p0.50}), e.g. {@code
 * java -jar benchmarks/target/benchmarks.jar LstmBenchmark.forwardBackward -bm sample -tu ms
 * -jvmArgs -Dgraft.threads=1}. Under load, one thread is the steadier comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class LstmBenchmark {
  private static final int N = 32;
  private static final int T = 200;
  private static final int IN = 64;
  private static final int U = 64;

  private Tensor x;
  private Tensor kernel;
  private Tensor recurrentKernel;
  private Tensor bias;
  private Tensor hSeq;
  private Tensor hLast;
  private Tensor workspace;
  private Tensor dhLast;
  private Tensor dx;
  private Tensor dKernel;
  private Tensor dRecurrentKernel;
  private Tensor dBias;

  /** Random inputs and weights (Keras-like scales), preallocated outputs and workspace. */
  @Setup
  public void setup() {
    Rng rng = new Rng(42);
    x = Tensor.uniform(rng, -1f, 1f, N, T, IN);
    float lim = (float) Math.sqrt(6.0 / (IN + 4 * U));
    kernel = Tensor.uniform(rng, -lim, lim, IN, 4 * U);
    recurrentKernel = Tensor.uniform(rng, -0.125f, 0.125f, U, 4 * U);
    bias = Tensor.zeros(4 * U);
    hSeq = Tensor.zeros(N, T, U);
    hLast = Tensor.zeros(N, U);
    workspace = Tensor.zeros(Lstm.workspaceSize(N, T, U));
    dhLast = Tensor.uniform(rng, -1f, 1f, N, U);
    dx = Tensor.zeros(N, T, IN);
    dKernel = Tensor.zeros(IN, 4 * U);
    dRecurrentKernel = Tensor.zeros(U, 4 * U);
    dBias = Tensor.zeros(4 * U);
  }

  /**
   * Forward over the sequence, then backward from dh_T only (return_sequences=False).
   *
   * @return the kernel gradient, so the JIT keeps the work
   */
  @Benchmark
  public Tensor forwardBackward() {
    Lstm.forward(x, kernel, recurrentKernel, bias, null, null, false, hSeq, hLast, null, workspace);
    Lstm.backward(
        x,
        kernel,
        recurrentKernel,
        null,
        null,
        false,
        hSeq,
        workspace,
        null,
        dhLast,
        null,
        dx,
        dKernel,
        dRecurrentKernel,
        dBias,
        null,
        null);
    return dKernel;
  }

  /**
   * Forward only (inference over the sequence).
   *
   * @return the output, so the JIT keeps the work
   */
  @Benchmark
  public Tensor forward() {
    return Lstm.forward(
        x, kernel, recurrentKernel, bias, null, null, false, hSeq, hLast, null, workspace);
  }
}
