package dev.graft.dsl.internal;

import dev.graft.autograd.Graph;
import dev.graft.autograd.Node;
import dev.graft.autograd.Plan;
import dev.graft.autograd.Program;
import dev.graft.dsl.Model;
import dev.graft.layers.CallContext;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A model's inference programs, one per concrete input shape (a model with {@code None} dimensions
 * is compiled for each length or image size it is fed, the most recent {@link
 * ShapeCache#MAX_SHAPES} kept). Safe for concurrent callers: each borrows a plan of its batch size
 * from a pool (plans share the weights, nothing else) and returns it afterwards.
 */
public final class Predictor {
  private final Model model;
  private final List<String> inputNames;
  private final List<Shape> inputShapes;
  private final ShapeCache<Compiled> compiled = new ShapeCache<>();

  /**
   * {@link #compile}, made once: a method reference taken in {@link #predict} is an object a call.
   */
  private final Function<List<Shape>, Compiled> compiler = this::compile;

  /** The forward program for one concrete input shape and its plans, pooled per batch size. */
  private record Compiled(Program program, List<String> fed, PlanPool plans) {}

  /**
   * Prepares {@code model}'s forward pass; a model whose inputs are fully known apart from the
   * batch is compiled now, so that its errors show at once.
   *
   * @param model the model predicted with
   */
  public Predictor(Model model) {
    this.model = model;
    inputNames = model.inputNames();
    inputShapes = model.feedShapes();
    List<Shape> samples = new ArrayList<>();
    for (Shape s : inputShapes) {
      samples.add(s.withBatch(1));
    }
    if (samples.stream().allMatch(Shape::isFullyDefined)) {
      compiled(inputShapes);
    }
  }

  private Compiled compiled(List<Shape> shapes) {
    return compiled.get(shapes, compiler);
  }

  private Compiled compile(List<Shape> shapes) {
    Graph g = new Graph();
    List<Node> ins = new ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      ins.add(g.placeholder(inputNames.get(i), shapes.get(i)));
    }
    List<Node> outs = model.call(new CallContext(g), ins);
    Program p = new Program(outs);
    return new Compiled(p, FedInputs.of(inputNames, outs), new PlanPool(p));
  }

  /**
   * How many concrete input shapes have compiled programs (at most {@code MAX_SHAPES}).
   *
   * @return the number of shapes cached
   */
  public int compiledShapes() {
    return compiled.size();
  }

  /**
   * Predictions of every output for {@code x}, in batches of {@code batchSize}.
   *
   * @param x one tensor per model input
   * @param batchSize the rows per forward pass
   * @return one tensor per model output
   */
  public List<Tensor> predict(List<Tensor> x, int batchSize) {
    int n = DataChecks.inputs(model.name(), inputNames, inputShapes, x);
    DataChecks.nonEmpty("predict", "x", n, x);
    if (batchSize < 1) {
      throw new IllegalArgumentException("predict: batch_size must be >= 1; got " + batchSize);
    }
    Compiled c = compiled.forData(x, compiler);
    List<Tensor> results = new ArrayList<>(c.program().outputs().size());
    for (Node o : c.program().outputs()) {
      results.add(Tensor.zeros(o.shape().withBatch(n)));
    }
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      Plan plan = c.plans().borrow(b);
      try {
        for (int i = 0; i < x.size(); i++) {
          if (c.fed().get(i) != null) {
            Batches.slice(x.get(i), from, plan.input(c.fed().get(i)));
          }
        }
        PlanPool.runReading(plan);
        for (int k = 0; k < results.size(); k++) {
          Tensor out = plan.output(k);
          System.arraycopy(
              out.array(),
              out.offset(),
              results.get(k).array(),
              from * (out.size() / b),
              out.size());
        }
      } finally {
        c.plans().giveBack(plan);
      }
    }
    return results;
  }
}
