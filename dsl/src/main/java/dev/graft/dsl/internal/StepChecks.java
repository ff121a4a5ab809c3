package dev.graft.dsl.internal;

import dev.graft.dsl.Loss;
import dev.graft.dsl.Model;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.reduce.Losses;
import java.util.ArrayList;
import java.util.List;

/**
 * The data checks of a training or evaluation step with the model's names and shapes computed once:
 * asking the model for them builds new lists, which a step must not do (it runs thousands of times
 * and should allocate nothing). {@link #reset} drops them when the model's graph may have changed.
 */
final class StepChecks {
  private final Model model;
  private final List<Loss> losses;
  private List<String> inputNames;
  private List<Shape> inputShapes;
  private List<Shape> outputShapes;
  private List<Shape> targetShapes;

  StepChecks(Model model, List<Loss> losses) {
    this.model = model;
    this.losses = losses;
  }

  /** Forgets the cached names and shapes. */
  synchronized void reset() {
    inputNames = null;
  }

  /** The model's output shapes (batch unknown). */
  synchronized List<Shape> outputShapes() {
    fill();
    return outputShapes;
  }

  /** Checks inputs and targets (see {@link DataChecks}); returns the number of samples. */
  synchronized int check(List<Tensor> x, List<Tensor> y) {
    fill();
    int n = DataChecks.inputs(model.name(), inputNames, inputShapes, x);
    DataChecks.targets(
        n,
        outputShapes,
        targetShapes.size() == outputShapes.size() ? targetShapes : null,
        losses,
        y);
    return n;
  }

  /** Whether the tensors' shapes equal {@code shapes} on every axis but the first. */
  static boolean sameAfterBatch(List<Tensor> ts, List<Shape> shapes) {
    if (ts.size() != shapes.size()) {
      return false;
    }
    for (int k = 0; k < ts.size(); k++) {
      Shape s = ts.get(k).shape();
      Shape want = shapes.get(k);
      if (s.rank() != want.rank()) {
        return false;
      }
      for (int i = 1; i < s.rank(); i++) {
        if (s.dim(i) != want.dim(i)) {
          return false;
        }
      }
    }
    return true;
  }

  private void fill() {
    if (inputNames != null) {
      return;
    }
    inputShapes = model.feedShapes();
    outputShapes = new ArrayList<>();
    model.outputs().forEach(t -> outputShapes.add(t.shape()));
    targetShapes = new ArrayList<>();
    // Fewer losses than outputs is reported later, by the program build, with its own message.
    for (int k = 0; k < Math.min(losses.size(), outputShapes.size()); k++) {
      Shape out = outputShapes.get(k);
      targetShapes.add(Losses.targetShape(losses.get(k).kind(), out).withBatch(Shape.UNKNOWN));
    }
    inputNames = model.inputNames();
  }
}
