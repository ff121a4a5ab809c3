package dev.graft.benchmarks;

import dev.graft.dsl.Model;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step ({@code trainOnBatch}: forward, loss, backward, Adam) of each seed model on a
 * fixed batch of 32, through the public API. Run with {@code -prof gc} for the bytes allocated per
 * step ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class TrainStepBenchmark {
  /** Which seed model. */
  @Param({"m1_functional", "m2_subclassed", "m3_ensemble"})
  public String model;

  private Model m;
  private List<Tensor> x;
  private List<Tensor> y;

  /** Builds the model and a fixed batch. */
  @Setup
  public void setup() {
    Rng rng = new Rng(0);
    m = SeedModels.build(model);
    x = new ArrayList<>(SeedModels.inputs(model, rng, 32));
    y = List.of(SeedModels.labels(rng, 32));
    m.trainOnBatch(x, y);
  }

  /**
   * One step; returns the loss so the JIT keeps it.
   *
   * @return the step's loss
   */
  @Benchmark
  public double step() {
    return m.trainOnBatch(x, y)[0];
  }
}
