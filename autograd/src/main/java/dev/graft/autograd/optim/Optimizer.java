package dev.graft.autograd.optim;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.support.JitWarmup;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A gradient-descent rule applied as fused in-place kernels, one update node per variable in the
 * training plan. The optimizer owns its per-variable state (moments, accumulators), so plans for
 * different batch sizes share it. Call {@link #beginStep()} once before each training step.
 *
 * <p>Not thread-safe: a model trains on one thread at a time. The one exception is {@link
 * #compileUpdateSoon()}, whose background updates touch only arrays of their own.
 */
public abstract class Optimizer {
  private float learningRate;
  private LearningRateSchedule schedule;
  private float clipNorm;
  private float clipValue;
  private long iterations;
  private float currentLearningRate;
  private final Map<Variable, Tensor[]> slots = new IdentityHashMap<>();

  /**
   * An optimizer with the given learning rate.
   *
   * @param learningRate the base learning rate, used while no schedule is set
   */
  protected Optimizer(float learningRate) {
    learningRate(learningRate);
  }

  /**
   * Keras's name of the algorithm, e.g. {@code Adam}.
   *
   * @return the class name Keras gives the optimizer, also written as its {@code class_name} in
   *     saved files
   */
  public abstract String name();

  /**
   * The number of state tensors per variable (moments, accumulators).
   *
   * @return how many floats of state each weight has (0 for plain SGD)
   */
  protected abstract int slotCount();

  /**
   * The initial value of the state tensors.
   *
   * @return 0 unless the algorithm starts its state elsewhere (Adagrad's initial accumulator)
   */
  protected float initialSlotValue() {
    return 0f;
  }

  private static final float LARGEST_SUBNORMAL = Math.nextDown(Float.MIN_NORMAL);

  /**
   * A decaying state value ({@code m}, {@code v}, a momentum) ready to store: {@code x} with the
   * subnormal floats set to zero. A weight whose gradient stays zero (a dead ReLU unit, an
   * embedding row no batch reads) has its moments decay geometrically into the subnormals and stick
   * there, a subnormal times 0.9 rounding back to itself; on x86 each operation on a subnormal
   * costs about a hundred normal ones: Adam over 3.9M weights (seed model 1's Dense kernel) whose
   * gradients had stopped took 3 ms a step, then 15-35 ms from step 700 on, for ever. TensorFlow
   * runs Keras with the CPU's flush-to-zero mode, so Keras's moments reach zero instead; the JVM
   * cannot set that mode.
   *
   * <p>Written as {@code x - clamp(x)} so that C2 keeps vectorising the update loops (JDK 17 turns
   * a conditional select into a branch, never into a vector blend). It returns {@code x} exactly
   * when {@code |x| > 2^-102} (checked over every float), zero for a subnormal or zero {@code x},
   * and in between {@code x} less at most {@code 2^-126}: a value that may be subnormal and is
   * flushed at the next step. NaN and infinities pass unchanged.
   *
   * @param x the new state value
   * @return the value to store
   */
  protected static float withoutSubnormals(float x) {
    return x - Math.max(-LARGEST_SUBNORMAL, Math.min(x, LARGEST_SUBNORMAL));
  }

  /**
   * Updates {@code n} weights {@code w[wo..]} in place from gradients {@code g[go..]}, with state
   * {@code slots[k][so..]}, at the current step.
   *
   * @param w the weights' array
   * @param wo the offset of the first weight in {@code w}
   * @param g the gradients' array, already clipped
   * @param go the offset of the first gradient in {@code g}
   * @param slots one array per state tensor ({@link #slotCount()} of them)
   * @param so the offset of the first weight's state in each slot array
   * @param n how many consecutive weights to update
   * @param lr the learning rate of this step (the schedule's value, if any)
   * @param step the 1-based number of this step, for bias corrections
   */
  protected abstract void apply(
      float[] w, int wo, float[] g, int go, float[][] slots, int so, int n, float lr, long step);

  /**
   * Weights per exercised update: enough for C2 to vectorise the loops (it unrolls by trip count).
   */
  private static final int EXERCISE_WEIGHTS = 256;

  /**
   * Updates until the JIT compiles the loops as a method rather than only their long-running
   * entries (tiered compilation wants several hundred calls; a loaded compile queue scales that).
   */
  static final int EXERCISE_UPDATES = 2000;

  /**
   * Has the JIT compile this optimizer's update before a model's first training step needs it: a
   * built-in optimizer runs its update on scratch weights of its own, on Graft's warm-up thread
   * ({@code graft-jit-warmup}, at the lowest priority), changing nothing in any model. Otherwise a
   * first step updates its largest layers in the interpreter: Adam over seed model 1's 3.9M-weight
   * Dense kernel took 110–210 ms of its first step and about 50 of its second, against 6–9 ms
   * compiled. {@code compile} calls it; once per optimizer class and process, since the compiled
   * code serves every instance; an optimizer of another package is left alone, since its update may
   * have effects of its own. Returns at once.
   */
  public void compileUpdateSoon() {
    if (!getClass().getPackageName().equals(Optimizer.class.getPackageName())
        || !EXERCISED.add(getClass())) {
      return;
    }
    JitWarmup.compileSoon(name() + " update", this::exerciseUpdate);
  }

  /** The optimizer classes whose update has been exercised in this process. */
  private static final Set<Class<?>> EXERCISED = ConcurrentHashMap.newKeySet();

  private void exerciseUpdate() {
    int n = EXERCISE_WEIGHTS;
    float[] w = new float[n];
    float[] g = new float[n];
    float[][] s = new float[slotCount()][n];
    for (int i = 0; i < n; i++) {
      w[i] = (i % 7 - 3) * 0.01f;
      g[i] = (i % 5 - 2) * 0.001f;
    }
    for (float[] slot : s) {
      Arrays.fill(slot, initialSlotValue());
    }
    for (int step = 1; step <= EXERCISE_UPDATES; step++) {
      apply(w, 0, g, 0, s, 0, n, 1e-3f, step);
    }
  }

  /**
   * Creates the update node of {@code v} from its gradient node.
   *
   * @param v a trainable variable
   * @param grad the node computing the gradient of the loss with respect to {@code v}, shaped like
   *     it
   * @return a side-effect node that updates {@code v} (and its state) when a plan runs it
   */
  public Node update(Variable v, Node grad) {
    if (!grad.shape().isCompatibleWith(v.shape())) {
      throw new IllegalArgumentException(
          name() + ": gradient of shape " + grad.shape() + " for variable " + v);
    }
    return grad.graph().apply(new ApplyUpdate(this, v), grad.graph().read(v), grad);
  }

  /**
   * Creates the update nodes of all variables with a gradient.
   *
   * @param gradients the gradient node of each variable; variables mapped to {@code null} (not
   *     reached by the loss) are skipped
   * @return one update node per variable with a gradient, in the map's order
   */
  public List<Node> updates(Map<Variable, Node> gradients) {
    return gradients.entrySet().stream()
        .filter(e -> e.getValue() != null)
        .map(e -> update(e.getKey(), e.getValue()))
        .toList();
  }

  /** Advances the step counter and fixes this step's learning rate; call before each step. */
  public void beginStep() {
    currentLearningRate = schedule == null ? learningRate : schedule.at(iterations);
    iterations++;
  }

  /**
   * The learning rate of the step in progress.
   *
   * @return the scheduled rate at the current step if a schedule is set, else the base rate
   */
  public float currentLearningRate() {
    return currentLearningRate;
  }

  /**
   * Steps taken so far (Keras's {@code iterations}).
   *
   * @return the number of completed update steps, 0 before the first
   */
  public long iterations() {
    return iterations;
  }

  /**
   * Sets the step counter (when restoring a saved optimizer).
   *
   * @param value the number of steps already taken, 0 or more
   */
  public void iterations(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("iterations must be >= 0; got " + value);
    }
    iterations = value;
  }

  /**
   * The base learning rate.
   *
   * @return the base learning rate (what a schedule replaces)
   */
  public float learningRate() {
    return learningRate;
  }

  /**
   * Sets the base learning rate (a schedule, if any, takes precedence); returns this.
   *
   * @param lr the new base learning rate
   * @return this optimizer, for chaining
   */
  public Optimizer learningRate(float lr) {
    if (!(lr >= 0f) || Float.isInfinite(lr)) {
      throw new IllegalArgumentException(name() + ": learning_rate must be >= 0; got " + lr);
    }
    this.learningRate = lr;
    return this;
  }

  /**
   * Uses a schedule for the learning rate; returns this.
   *
   * @param schedule the schedule, asked for the rate at each step; {@code null} to go back to the
   *     base rate
   * @return this optimizer, for chaining
   */
  public Optimizer learningRate(LearningRateSchedule schedule) {
    this.schedule = schedule;
    return this;
  }

  /**
   * The schedule, or {@code null}.
   *
   * @return the learning-rate schedule, or {@code null} if the base rate is used
   */
  public LearningRateSchedule schedule() {
    return schedule;
  }

  /**
   * Clips each variable's gradient to this L2 norm (0 = off); returns this.
   *
   * @param norm the largest L2 norm a variable's gradient keeps, 0 or more
   * @return this optimizer, for chaining
   */
  public Optimizer clipNorm(float norm) {
    if (!(norm >= 0f)) {
      throw new IllegalArgumentException(name() + ": clipnorm must be >= 0; got " + norm);
    }
    this.clipNorm = norm;
    return this;
  }

  /**
   * Clips each gradient element to {@code [-value, value]} (0 = off); returns this.
   *
   * @param value the largest absolute value a gradient element keeps, 0 or more
   * @return this optimizer, for chaining
   */
  public Optimizer clipValue(float value) {
    if (!(value >= 0f)) {
      throw new IllegalArgumentException(name() + ": clipvalue must be >= 0; got " + value);
    }
    this.clipValue = value;
    return this;
  }

  float clipNorm() {
    return clipNorm;
  }

  float clipValue() {
    return clipValue;
  }

  /**
   * The state tensors of {@code v}, created (with the initial value) on first use.
   *
   * @param v a variable this optimizer updates
   * @return {@link #slotCount()} tensors shaped like {@code v}, live: updates write into them
   */
  public synchronized Tensor[] slots(Variable v) {
    return slots.computeIfAbsent(
        v,
        k -> {
          Tensor[] s = new Tensor[slotCount()];
          for (int i = 0; i < s.length; i++) {
            s[i] = Tensor.zeros(k.shape()).fill(initialSlotValue());
          }
          return s;
        });
  }

  /**
   * The variables that have state, in no particular order.
   *
   * @return a snapshot of the variables whose state has been created
   */
  public synchronized java.util.Set<Variable> variablesWithState() {
    return java.util.Collections.unmodifiableSet(slots.keySet());
  }

  /**
   * Keras-style config values (e.g. {@code learning_rate}).
   *
   * @return a new mutable map of the Keras config keys of this optimizer to numbers or booleans
   */
  public Map<String, Object> config() {
    Map<String, Object> c = new java.util.LinkedHashMap<>();
    c.put("name", name().toLowerCase(java.util.Locale.ROOT));
    c.put("learning_rate", learningRate);
    if (clipNorm > 0) {
      c.put("clipnorm", clipNorm);
    }
    if (clipValue > 0) {
      c.put("clipvalue", clipValue);
    }
    return c;
  }
}
