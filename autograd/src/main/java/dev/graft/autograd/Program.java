package dev.graft.autograd;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What to compute from a graph: the requested outputs and the side-effect nodes (optimizer updates)
 * to run on every execution. {@link #plan(int)} compiles it for one batch size and caches the
 * result.
 *
 * <p>Thread safety: a {@link Plan} is used by one thread at a time. {@link #plan(int)} returns the
 * cached plan for callers that run sequentially; concurrent callers each take their own with {@link
 * #newPlan(int)}: plans share the variables (read-only unless the plan updates them) but nothing
 * else.
 */
public final class Program {
  private final List<Node> outputs;
  private final List<Node> effects;
  private final Map<Integer, Plan> cache = new HashMap<>();

  /**
   * A program computing {@code outputs} and running {@code effects} each time.
   *
   * @param outputs the nodes whose values a run returns
   * @param effects side-effect nodes (optimizer updates) run after everything else
   */
  public Program(List<Node> outputs, List<Node> effects) {
    if (outputs.isEmpty() && effects.isEmpty()) {
      throw new IllegalArgumentException("A program needs at least one output or effect");
    }
    for (Node e : effects) {
      if (!e.op().hasSideEffects()) {
        throw new IllegalArgumentException(e + " has no side effect; request it as an output");
      }
    }
    this.outputs = List.copyOf(outputs);
    this.effects = List.copyOf(effects);
  }

  /**
   * A program computing {@code outputs}.
   *
   * @param outputs the nodes whose values a run returns
   */
  public Program(List<Node> outputs) {
    this(outputs, List.of());
  }

  /**
   * The requested outputs.
   *
   * @return the output nodes, in order
   */
  public List<Node> outputs() {
    return outputs;
  }

  /**
   * The side-effect nodes.
   *
   * @return the side-effect nodes, in order
   */
  public List<Node> effects() {
    return effects;
  }

  /**
   * The cached plan for this batch size, compiled on first use.
   *
   * @param batch the batch size, at least 1
   * @return the plan shared by every caller of this batch size
   */
  public synchronized Plan plan(int batch) {
    // Not computeIfAbsent(batch, this::newPlan): the bound method reference is a new object per
    // call, and this runs every training step.
    Plan p = cache.get(batch);
    if (p == null) {
      p = newPlan(batch);
      cache.put(batch, p);
    }
    return p;
  }

  /**
   * A new plan for this batch size (for a thread of its own).
   *
   * @param batch the batch size, at least 1
   * @return a plan nobody else holds
   */
  public Plan newPlan(int batch) {
    return Plan.compile(outputs, effects, batch);
  }
}
