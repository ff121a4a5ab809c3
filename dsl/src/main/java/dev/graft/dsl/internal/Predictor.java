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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A model's inference program. Safe for concurrent callers: each borrows a plan of its batch size
 * from a pool (plans share the weights, nothing else) and returns it afterwards.
 */
public final class Predictor {
  private final Model model;
  private final Program program;
  private final List<String> inputNames;
  private final Map<Integer, ConcurrentLinkedQueue<Plan>> pool = new ConcurrentHashMap<>();

  /** Compiles {@code model}'s forward pass. */
  public Predictor(Model model) {
    this.model = model;
    Graph g = new Graph();
    inputNames = model.inputNames();
    List<Node> ins = new ArrayList<>();
    List<Shape> shapes = model.inputShapes();
    for (int i = 0; i < shapes.size(); i++) {
      ins.add(g.placeholder(inputNames.get(i), shapes.get(i)));
    }
    this.program = new Program(model.call(new CallContext(g), ins));
  }

  /** Predictions of every output for {@code x}, in batches of {@code batchSize}. */
  public List<Tensor> predict(List<Tensor> x, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("predict: batch_size must be >= 1; got " + batchSize);
    }
    int n = DataChecks.inputs(model.name(), inputNames, model.inputShapes(), x);
    List<Tensor> results = new ArrayList<>();
    for (Node o : program.outputs()) {
      results.add(Tensor.zeros(o.shape().withBatch(n)));
    }
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      Plan plan = borrow(b);
      try {
        for (int i = 0; i < x.size(); i++) {
          Batches.slice(x.get(i), from, plan.input(inputNames.get(i)));
        }
        plan.run(false);
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
        pool.get(b).add(plan);
      }
    }
    return results;
  }

  private Plan borrow(int batch) {
    ConcurrentLinkedQueue<Plan> q = pool.computeIfAbsent(batch, k -> new ConcurrentLinkedQueue<>());
    Plan p = q.poll();
    return p != null ? p : program.newPlan(batch);
  }
}
