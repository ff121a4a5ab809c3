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

  /** A program computing {@code outputs} and running {@code effects} each time. */
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

  /** A program computing {@code outputs}. */
  public Program(List<Node> outputs) {
    this(outputs, List.of());
  }

  /** The requested outputs. */
  public List<Node> outputs() {
    return outputs;
  }

  /** The side-effect nodes. */
  public List<Node> effects() {
    return effects;
  }

  /** The cached plan for this batch size, compiled on first use. */
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

  /** A new plan for this batch size (for a thread of its own). */
  public Plan newPlan(int batch) {
    return Plan.compile(outputs, effects, batch);
  }
}
