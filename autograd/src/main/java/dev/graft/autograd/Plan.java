package dev.graft.autograd;

import dev.graft.autograd.internal.MemoryPlanner;
import dev.graft.autograd.ops.Constant;
import dev.graft.autograd.ops.Leaf;
import dev.graft.autograd.ops.Placeholder;
import dev.graft.autograd.ops.Read;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A program compiled for one batch size: the nodes it needs in execution order (dead nodes dropped,
 * side effects last), every intermediate tensor given a reusable array by a liveness analysis
 * (buffers of dead values are reused, element-wise ops run in place when their input dies there),
 * and tensor views made once. {@link #run} then executes the ops with no allocation.
 *
 * <p>Not thread-safe: one thread runs a plan at a time (see {@link Program}).
 */
public final class Plan {
  private final int batch;
  private final Node[] order;
  private final Args[] args;
  private final Map<String, Tensor> inputs;
  private final List<Node> placeholders;
  private final Tensor[] outputs;
  private final long plannedFloats;
  private final long unsharedFloats;
  private final Args.RunState state = new Args.RunState();
  // Where the side effects (optimizer updates, moving statistics) start: they run last.
  private final int firstEffect;

  private Plan(
      int batch,
      Node[] order,
      Args[] args,
      Map<String, Tensor> inputs,
      List<Node> placeholders,
      Tensor[] outputs,
      long plannedFloats,
      long unsharedFloats) {
    this.batch = batch;
    this.order = order;
    this.args = args;
    this.inputs = inputs;
    this.placeholders = placeholders;
    this.outputs = outputs;
    this.plannedFloats = plannedFloats;
    this.unsharedFloats = unsharedFloats;
    this.state.rng = Rng.global().split();
    int e = 0;
    while (e < order.length && !order[e].op().hasSideEffects()) {
      e++;
    }
    this.firstEffect = e;
  }

  static Plan compile(List<Node> outputs, List<Node> effects, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch size must be >= 1; got " + batch);
    }
    List<Node> roots = new ArrayList<>(outputs);
    roots.addAll(effects);
    Node[] order = schedule(roots);
    int n = order.length;
    Map<Node, Integer> pos = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      pos.put(order[i], i);
    }
    Shape[] shapes = concreteShapes(order, pos, batch);
    int[] lastUse = new int[n];
    for (int i = 0; i < n; i++) {
      lastUse[i] = i;
      for (Node in : order[i].inputs()) {
        int j = pos.get(in);
        lastUse[j] = Math.max(lastUse[j], i);
      }
    }
    BitSet pinned = new BitSet(n);
    for (Node o : outputs) {
      pinned.set(pos.get(o));
    }
    // Which nodes a backward op reads: only those may need state saved for a gradient.
    BitSet backwardReads = new BitSet(n);
    for (Node node : order) {
      if (!node.op().isDifferentiable()) {
        for (Node in : node.inputs()) {
          backwardReads.set(pos.get(in));
        }
      }
    }
    int[] outSize = new int[n];
    int[] wsSize = new int[n];
    Shape[] wsShape = new Shape[n];
    for (int i = 0; i < n; i++) {
      if (!(order[i].op() instanceof Leaf) || order[i].op() instanceof Placeholder) {
        outSize[i] = PlanMemory.elements(order[i], shapes[i], batch);
        wsShape[i] = workspace(order[i], shapes, pos, i, backwardReads.get(i));
        wsSize[i] = wsShape[i] == null ? 0 : wsShape[i].size();
      }
    }
    // Placeholders are written before the run starts: give them slots first.
    MemoryPlanner mem = new MemoryPlanner();
    int[] slot = new int[n];
    int[] wsSlot = new int[n];
    java.util.Arrays.fill(wsSlot, -1);
    long unshared = 0;
    for (int i = 0; i < n; i++) {
      if (order[i].op() instanceof Placeholder) {
        slot[i] = mem.allocate(outSize[i]);
        unshared += outSize[i];
      }
    }
    int[] owner = new int[n]; // whose allocation a node's buffer is (itself, or an in-place input)
    List<List<Integer>> freeAt = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      owner[i] = i;
      freeAt.add(new ArrayList<>());
    }
    int[] ownerLastUse = lastUse.clone();
    for (int i = 0; i < n; i++) {
      Node node = order[i];
      if (node.op() instanceof Leaf) {
        // Placeholders keep their slots for the whole run: callers read inputs back afterwards.
        continue;
      }
      unshared += outSize[i] + wsSize[i];
      int inPlace = inPlaceInput(node, i, pos, owner, ownerLastUse, pinned, outSize, wsSize);
      if (inPlace >= 0) {
        int o = owner[inPlace];
        owner[i] = o;
        slot[i] = slot[o];
        freeAt.get(ownerLastUse[o]).remove(Integer.valueOf(o));
        ownerLastUse[o] = Math.max(ownerLastUse[o], lastUse[i]);
        if (pinned.get(i)) {
          pinned.set(o);
        } else {
          freeAt.get(ownerLastUse[o]).add(o);
        }
      } else {
        slot[i] = mem.allocate(outSize[i]);
        if (wsShape[i] != null) {
          wsSlot[i] = mem.allocate(wsSize[i]);
        }
        if (!pinned.get(i)) {
          freeAt.get(lastUse[i]).add(i);
        }
      }
      for (int dead : freeAt.get(i)) {
        mem.release(slot[dead]);
        if (wsSlot[dead] >= 0) {
          mem.release(wsSlot[dead]);
        }
      }
    }
    PlanMemory.check(order, outSize, wsSize, mem.total(), batch);
    float[][] arrays = new float[mem.slots()][];
    for (int s = 0; s < arrays.length; s++) {
      arrays[s] = new float[Math.max(1, mem.capacity(s))];
    }
    Tensor[] out = new Tensor[n];
    Tensor[] ws = new Tensor[n];
    for (int i = 0; i < n; i++) {
      Op op = order[i].op();
      if (op instanceof Read r) {
        out[i] = r.variable().value();
      } else if (op instanceof Constant c) {
        out[i] = c.value();
      } else {
        out[i] = Tensor.wrap(arrays[slot[i]], 0, shapes[i]);
        if (wsShape[i] != null) {
          ws[i] = Tensor.wrap(arrays[wsSlot[i]], 0, wsShape[i]);
        }
      }
    }
    return build(batch, order, pos, out, ws, backwardReads, outputs, mem.total(), unshared);
  }

  private static Plan build(
      int batch,
      Node[] order,
      Map<Node, Integer> pos,
      Tensor[] out,
      Tensor[] ws,
      BitSet backwardReads,
      List<Node> outputs,
      long planned,
      long unshared) {
    int n = order.length;
    Args[] args = new Args[n];
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    List<Node> placeholders = new ArrayList<>();
    Tensor[] outs = new Tensor[outputs.size()];
    for (int k = 0; k < outs.length; k++) {
      outs[k] = out[pos.get(outputs.get(k))];
    }
    for (int i = 0; i < n; i++) {
      if (order[i].op() instanceof Placeholder p) {
        if (inputs.put(p.name(), out[i]) != null) {
          throw new IllegalArgumentException("Two inputs are named \"" + p.name() + "\"");
        }
        placeholders.add(order[i]);
      }
    }
    Plan plan =
        new Plan(batch, order, args, inputs, placeholders, outs, planned, Math.max(unshared, 1));
    for (int i = 0; i < n; i++) {
      List<Node> ins = order[i].inputs();
      Tensor[] it = new Tensor[ins.size()];
      Tensor[] iw = new Tensor[ins.size()];
      for (int k = 0; k < it.length; k++) {
        int j = pos.get(ins.get(k));
        it[k] = out[j];
        iw[k] = ws[j];
      }
      args[i] = new Args(it, iw, out[i], ws[i], backwardReads.get(i), order[i].mode(), plan.state);
    }
    return plan;
  }

  private static Shape workspace(
      Node node, Shape[] shapes, Map<Node, Integer> pos, int i, boolean backwardReads) {
    List<Shape> in = new ArrayList<>();
    for (Node x : node.inputs()) {
      in.add(shapes[pos.get(x)]);
    }
    return node.op().workspaceShape(in, shapes[i], backwardReads);
  }

  private static int inPlaceInput(
      Node node,
      int i,
      Map<Node, Integer> pos,
      int[] owner,
      int[] ownerLastUse,
      BitSet pinned,
      int[] outSize,
      int[] wsSize) {
    if (wsSize[i] > 0) {
      return -1;
    }
    for (int k = 0; k < node.inputs().size(); k++) {
      if (!node.op().canRunInPlace(k)) {
        continue;
      }
      Node in = node.input(k);
      int j = pos.get(in);
      if (in.op() instanceof Leaf || owner[j] < 0) {
        continue;
      }
      int o = owner[j];
      boolean onlyOtherUseIsHere = true;
      for (int m = 0; m < node.inputs().size(); m++) {
        if (m != k && owner[pos.get(node.input(m))] == o && !(node.input(m).op() instanceof Leaf)) {
          onlyOtherUseIsHere = false;
        }
      }
      // A relabelling op writes nothing: its output may share a buffer that is still read, and
      // keeps the owner's workspace (e.g. a fused op's pooling taps) alive as long.
      boolean relabel = k == 0 && node.op().relabelsInput();
      if ((ownerLastUse[o] == i || relabel)
          && !pinned.get(o)
          && (wsSize[o] == 0 || relabel)
          && outSize[o] == outSize[i]
          && onlyOtherUseIsHere) {
        return j;
      }
    }
    return -1;
  }

  /** Execution order: every node needed by the roots, by id, with side-effect nodes last. */
  private static Node[] schedule(List<Node> roots) {
    Graph g = roots.get(0).graph();
    BitSet needed = new BitSet(g.size());
    List<Node> stack = new ArrayList<>(roots);
    while (!stack.isEmpty()) {
      Node x = stack.remove(stack.size() - 1);
      if (x.graph() != g) {
        throw new IllegalArgumentException(x + " belongs to another graph");
      }
      if (!needed.get(x.id())) {
        needed.set(x.id());
        stack.addAll(x.inputs());
      }
    }
    List<Node> pure = new ArrayList<>();
    List<Node> effects = new ArrayList<>();
    for (int id = needed.nextSetBit(0); id >= 0; id = needed.nextSetBit(id + 1)) {
      Node x = g.nodes().get(id);
      (x.op().hasSideEffects() ? effects : pure).add(x);
    }
    pure.addAll(effects);
    return pure.toArray(new Node[0]);
  }

  private static Shape[] concreteShapes(Node[] order, Map<Node, Integer> pos, int batch) {
    Shape[] shapes = new Shape[order.length];
    for (int i = 0; i < order.length; i++) {
      Node node = order[i];
      if (node.op() instanceof Placeholder p) {
        Shape s = node.shape();
        if (s.rank() > 0 && s.dim(0) == Shape.UNKNOWN) {
          s = s.withBatch(batch);
        }
        if (!s.isFullyDefined()) {
          throw new IllegalArgumentException(
              "Input \"" + p.name() + "\" has an unknown non-batch dimension: " + node.shape());
        }
        shapes[i] = s;
        continue;
      }
      List<Shape> in = new ArrayList<>();
      for (Node x : node.inputs()) {
        in.add(shapes[pos.get(x)]);
      }
      shapes[i] = node.op().outputShape(in);
      // The batch (axis 0) is the only dimension left unknown in a graph; ops whose shape comes
      // from an attribute (a gradient broadcast back to an input's shape) learn it here.
      if (shapes[i].rank() > 0 && shapes[i].dim(0) == Shape.UNKNOWN) {
        shapes[i] = shapes[i].withBatch(batch);
      }
      if (!shapes[i].isFullyDefined()) {
        throw new IllegalStateException(
            node.op().kind()
                + " gave shape "
                + shapes[i]
                + " for inputs "
                + in
                + " at batch "
                + batch);
      }
    }
    return shapes;
  }

  /**
   * Runs every op once. Inputs must have been written into {@link #input} tensors first; outputs
   * are then in {@link #output} tensors until the next run.
   *
   * @param training whether layers behave as in training (dropout on, batch statistics)
   */
  public void run(boolean training) {
    state.training = training;
    for (int i = 0; i < order.length; i++) {
      order[i].op().forward(args[i]);
    }
  }

  /**
   * Runs every op once, as {@link #run(boolean)}, holding {@code effects} while the side effects
   * (the optimizer's updates of the variables, moving statistics) run: they run last, so a reader
   * that takes the other side of a read-write lock around its own run sees the variables of a
   * completed step, never a half-updated set. The lock is not taken when the plan has no effects.
   *
   * @param training true for training mode (dropout, batch statistics)
   * @param effects the lock held while side effects run, usually the write side of a read-write
   *     lock
   */
  public void run(boolean training, java.util.concurrent.locks.Lock effects) {
    state.training = training;
    int e = firstEffect;
    for (int i = 0; i < e; i++) {
      order[i].op().forward(args[i]);
    }
    if (e == order.length) {
      return;
    }
    effects.lock();
    try {
      for (int i = e; i < order.length; i++) {
        order[i].op().forward(args[i]);
      }
    } finally {
      effects.unlock();
    }
  }

  /**
   * The batch size this plan was compiled for.
   *
   * @return the first dimension of every input buffer
   */
  public int batch() {
    return batch;
  }

  /**
   * The buffer of the input called {@code name}: write the batch into it before {@link #run}.
   *
   * @param name a placeholder's name
   * @return the input buffer, shaped for this plan's batch
   * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
   */
  public Tensor input(String name) {
    Tensor t = inputs.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "No input named \"" + name + "\"; this plan's inputs are " + inputs.keySet());
    }
    return t;
  }

  /**
   * The input buffers, by name, in graph order.
   *
   * @return each placeholder's name to its buffer, unmodifiable
   */
  public Map<String, Tensor> inputs() {
    return Collections.unmodifiableMap(inputs);
  }

  /**
   * The placeholder nodes this plan reads.
   *
   * @return the placeholders, in graph order
   */
  public List<Node> placeholders() {
    return Collections.unmodifiableList(placeholders);
  }

  /**
   * The buffer holding requested output {@code i} after a run (overwritten by the next run).
   *
   * @param i the index of the output, in the program's order
   * @return the buffer, shaped as the output node for this batch
   */
  public Tensor output(int i) {
    return outputs[i];
  }

  /** The buffer {@code node}'s value lands in: tests check which buffers a plan shares. */
  Tensor valueOf(Node node) {
    for (int i = 0; i < order.length; i++) {
      if (order[i] == node) {
        return args[i].output();
      }
    }
    throw new IllegalArgumentException(node + " is not run by this plan");
  }

  /**
   * The number of requested outputs.
   *
   * @return the number of outputs the program requested
   */
  public int outputCount() {
    return outputs.length;
  }

  /**
   * Planned memory for inputs, intermediates and workspaces, in bytes.
   *
   * @return the bytes of all memory slots and input buffers
   */
  public long plannedBytes() {
    return plannedFloats * Float.BYTES;
  }

  /**
   * The memory one buffer per node would need, in bytes (what the planner saves against).
   *
   * @return the bytes if no buffer were shared
   */
  public long unsharedBytes() {
    return unsharedFloats * Float.BYTES;
  }

  /**
   * The executed ops in order, one line each: {@code %id = kind(attrs) shape}.
   *
   * @return one line per op, in run order
   */
  public List<String> opList() {
    List<String> lines = new ArrayList<>();
    for (Node x : order) {
      if (!(x.op() instanceof Leaf)) {
        lines.add(x.toString());
      }
    }
    return lines;
  }

  @Override
  public String toString() {
    return "Plan(batch="
        + batch
        + ", ops="
        + opList().size()
        + ", planned="
        + plannedBytes()
        + " B, unshared="
        + unsharedBytes()
        + " B)\n"
        + String.join("\n", opList());
  }
}
