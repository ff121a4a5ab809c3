package dev.graft.benchmarks;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.conv.Conv2d;
import dev.graft.tensor.conv.ConvGeometry;
import dev.graft.tensor.conv.Pool2d;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The seed's image layers: Conv2D(32, 3x3, valid, bias) on (32, 64, 64, 3), the figure the PyTorch
 * peer reports as {@code conv2d_3to32_k3_64x64_b32_fwd_bwd_ms}, and MaxPooling2D 2x2 on its (32,
 * 62, 62, 32) output. All buffers are made once; the timed calls allocate nothing but their
 * parallel-loop bodies.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class ConvBenchmark {
  private ConvGeometry conv;
  private Tensor x;
  private Tensor kernel;
  private Tensor bias;
  private Tensor y;
  private Tensor dy;
  private Tensor dx;
  private Tensor dKernel;
  private Tensor dBias;

  private ConvGeometry pool;
  private Tensor poolIn;
  private Tensor poolOut;
  private Tensor poolDy;
  private Tensor poolDx;
  private int[] argmax;

  /** Makes the inputs, weights, upstream gradients and output buffers. */
  @Setup
  public void setUp() {
    Rng rng = new Rng(0);
    conv = ConvGeometry.of(64, 64, 3, 3, 3, 1, ConvGeometry.Padding.VALID);
    x = Tensor.uniform(rng, 0f, 1f, 32, 64, 64, 3);
    kernel = Tensor.uniform(rng, -0.1f, 0.1f, 3, 3, 3, 32);
    bias = Tensor.zeros(32);
    y = Tensor.zeros(32, 62, 62, 32);
    dy = Tensor.uniform(rng, -1f, 1f, 32, 62, 62, 32);
    dx = Tensor.zeros(32, 64, 64, 3);
    dKernel = Tensor.zeros(3, 3, 3, 32);
    dBias = Tensor.zeros(32);

    poolIn = Tensor.uniform(rng, -1f, 1f, 32, 62, 62, 32);
    pool = Pool2d.geometry(poolIn.shape());
    poolOut = Tensor.zeros(32, 31, 31, 32);
    poolDy = Tensor.uniform(rng, -1f, 1f, 32, 31, 31, 32);
    poolDx = Tensor.zeros(32, 62, 62, 32);
    argmax = new int[poolOut.size()];
  }

  /**
   * Conv2D forward only.
   *
   * @return the output, so the JIT keeps the work
   */
  @Benchmark
  public Tensor conv2d3to32Fwd() {
    return Conv2d.forward(x, kernel, bias, conv, y);
  }

  /**
   * Conv2D forward, then dX, dKernel and dBias from a fixed upstream gradient.
   *
   * @return the bias gradient, so the JIT keeps the work
   */
  @Benchmark
  public Tensor conv2d3to32FwdBwd() {
    Conv2d.forward(x, kernel, bias, conv, y);
    Conv2d.backwardInput(dy, kernel, conv, dx);
    Conv2d.backwardKernel(x, dy, conv, dKernel);
    return Conv2d.backwardBias(dy, dBias);
  }

  /**
   * MaxPooling2D 2x2 forward recording argmax, then its backward.
   *
   * @return the input's gradient, so the JIT keeps the work
   */
  @Benchmark
  public Tensor maxPool2x2FwdBwd() {
    Pool2d.maxForward(poolIn, pool, poolOut, argmax);
    return Pool2d.maxBackward(poolDy, argmax, poolDx);
  }
}
