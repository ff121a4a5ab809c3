package dev.graft.benchmarks;

import dev.graft.autograd.Gradients;
import dev.graft.autograd.Graph;
import dev.graft.autograd.Node;
import dev.graft.autograd.Plan;
import dev.graft.autograd.Program;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Concat;
import dev.graft.autograd.ops.Conv2D;
import dev.graft.autograd.ops.Loss;
import dev.graft.autograd.ops.LstmSequence;
import dev.graft.autograd.ops.MatMul;
import dev.graft.autograd.ops.Pool;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Relu;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Sigmoid;
import dev.graft.autograd.optim.Adam;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.conv.ConvGeometry;
import dev.graft.tensor.reduce.Losses;
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
 * A whole training step (forward, BCE loss, backward, Adam updates) of a graph written directly in
 * IR, run by its compiled {@link Plan}: a dense-only MLP (10 layers of 256) and a conv + LSTM
 * graph. With {@code -prof gc}, {@code gc.alloc.rate.norm} is the executor's allocation per step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class PlanStepBenchmark {
  /** Which graph. */
  @Param({"dense", "conv_lstm"})
  public String graph;

  private Plan plan;
  private Adam adam;

  private static Node weight(Graph g, List<Variable> vars, Rng rng, int... dims) {
    Variable v = new Variable("w" + vars.size(), Tensor.uniform(rng, -0.05f, 0.05f, dims), true);
    vars.add(v);
    return g.read(v);
  }

  /** Builds the graph and its training plan at batch 32, with random inputs. */
  @Setup
  public void setup() {
    Rng rng = new Rng(1);
    Graph g = new Graph();
    List<Variable> vars = new ArrayList<>();
    Node out;
    if (graph.equals("dense")) {
      Node h = g.placeholder("x", Shape.batched(256));
      for (int l = 0; l < 10; l++) {
        h =
            Relu.of(
                Add.of(MatMul.of(h, weight(g, vars, rng, 256, 256)), weight(g, vars, rng, 256)));
      }
      out = Sigmoid.of(MatMul.of(h, weight(g, vars, rng, 256, 1)));
    } else {
      Node img = g.placeholder("x", Shape.batched(32, 32, 3));
      Node c =
          Relu.of(
              Conv2D.of(
                  img,
                  weight(g, vars, rng, 3, 3, 3, 32),
                  weight(g, vars, rng, 32),
                  new int[] {1, 1},
                  new int[] {1, 1},
                  ConvGeometry.Padding.VALID));
      Node p =
          Pool.of(Pool.Kind.MAX, c, new int[] {2, 2}, new int[] {2, 2}, ConvGeometry.Padding.VALID);
      Node seq = Reshape.of(p, Shape.of(Shape.UNKNOWN, 15, 15 * 32));
      Node h =
          LstmSequence.of(
              seq,
              weight(g, vars, rng, 480, 256),
              weight(g, vars, rng, 64, 256),
              weight(g, vars, rng, 256),
              false,
              false);
      Node both =
          Concat.of(
              -1,
              List.of(
                  h,
                  Reshape.of(Pool.global(Pool.Kind.GLOBAL_AVG, c), Shape.of(Shape.UNKNOWN, 32))));
      out = Sigmoid.of(MatMul.of(both, weight(g, vars, rng, 96, 1)));
    }
    Node y = g.placeholder("y", Shape.batched(1));
    Node loss = Reduction.mean(Loss.of(Losses.Kind.BINARY_CROSSENTROPY, out, y), false);
    adam = new Adam();
    plan = new Program(List.of(loss), adam.updates(Gradients.of(loss, vars))).plan(32);
    Tensor x = plan.input("x");
    for (int i = 0; i < x.size(); i++) {
      x.setFlat(i, rng.nextFloat());
    }
    Tensor t = plan.input("y");
    for (int i = 0; i < 32; i++) {
      t.setFlat(i, i % 2);
    }
  }

  /**
   * One training step; returns the loss.
   *
   * @return the step's loss
   */
  @Benchmark
  public float step() {
    adam.beginStep();
    plan.run(true);
    return plan.output(0).item();
  }
}
