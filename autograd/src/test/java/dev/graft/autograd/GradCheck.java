package dev.graft.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The one op-test helper (tinygrad's {@code helper_test_op} idea): builds {@code f} on variables
 * holding the given inputs, checks the output shape, and compares the gradient of {@code sum(f *
 * R)} from the graph's backward pass with central finite differences accumulated in double.
 */
public final class GradCheck {
  private GradCheck() {}

  /** A differentiable function of graph nodes. */
  public interface Fn extends Function<List<Node>, Node> {}

  /**
   * Checks {@code f}'s gradients with respect to the inputs whose index is in {@code
   * differentiable} (null = all).
   */
  public static void check(String name, Fn f, List<Tensor> inputs, int[] differentiable) {
    Graph g = new Graph();
    List<Variable> vars = new ArrayList<>();
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Variable v = new Variable(name + "_in" + i, inputs.get(i).copy(), true);
      vars.add(v);
      nodes.add(g.read(v));
    }
    Node out = f.apply(nodes);
    Tensor r = Tensor.uniform(new Rng(7), -1f, 1f, concrete(out.shape()).toArray());
    Node seed = g.constant(r);
    List<Node> sources = new ArrayList<>();
    List<Integer> which = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      if (differentiable == null || contains(differentiable, i)) {
        sources.add(nodes.get(i));
        which.add(i);
      }
    }
    List<Node> grads = Gradients.of(List.of(out), List.of(seed), sources);
    List<Node> outs = new ArrayList<>();
    outs.add(out);
    for (int k = 0; k < grads.size(); k++) {
      assertNotNull(grads.get(k), name + ": no gradient reached input " + which.get(k));
      outs.add(grads.get(k));
    }
    Program p = new Program(outs);
    Plan forwardPlan = new Program(List.of(out)).newPlan(1);
    Plan plan = p.newPlan(1);
    plan.run(false);
    assertEquals(concrete(out.shape()), plan.output(0).shape(), name + ": output shape");
    for (int k = 0; k < which.size(); k++) {
      Tensor x = vars.get(which.get(k)).value();
      Tensor analytic = plan.output(k + 1).copy();
      for (int e = 0; e < x.size(); e++) {
        float orig = x.getFlat(e);
        float h = Math.max(1e-3f, Math.abs(orig) * 1e-3f);
        x.setFlat(e, orig + h);
        double plus = objective(forwardPlan, r);
        x.setFlat(e, orig - h);
        double minus = objective(forwardPlan, r);
        x.setFlat(e, orig);
        double numeric = (plus - minus) / (2.0 * h);
        double got = analytic.getFlat(e);
        if (!(Math.abs(got - numeric) <= 2e-3 + 2e-2 * Math.abs(numeric))) {
          fail(
              name
                  + ": d/d input "
                  + which.get(k)
                  + " element "
                  + e
                  + " analytic "
                  + got
                  + " vs numeric "
                  + numeric);
        }
      }
    }
  }

  /** {@link #check(String, Fn, List, int[])} for every input. */
  public static void check(String name, Fn f, Tensor... inputs) {
    check(name, f, List.of(inputs), null);
  }

  private static double objective(Plan forward, Tensor r) {
    forward.run(false);
    Tensor y = forward.output(0);
    double s = 0;
    for (int i = 0; i < y.size(); i++) {
      s += (double) y.getFlat(i) * r.getFlat(i);
    }
    return s;
  }

  private static Shape concrete(Shape s) {
    return s.isFullyDefined() ? s : s.withBatch(1);
  }

  private static boolean contains(int[] a, int x) {
    for (int v : a) {
      if (v == x) {
        return true;
      }
    }
    return false;
  }
}
