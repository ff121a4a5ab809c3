package dev.graft.autograd.optim;

import dev.graft.tensor.Parallel;
import java.util.Map;

/**
 * Adam as Keras 3 applies it: {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g²}, {@code w
 * -= lr sqrt(1-b2^t)/(1-b1^t) · m / (sqrt(v) + eps)} ("epsilon hat"). {@link
 * #epsilonOnCorrectedMoments(boolean)} switches to the textbook / TensorFlow.js / PyTorch rule
 * {@code w -= lr · m̂ / (sqrt(v̂) + eps)}. With {@code weightDecay > 0} this is AdamW (decoupled:
 * {@code w -= lr · wd · w} first).
 */
public class Adam extends Optimizer {
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float weightDecay;
  // Elements per block of the split update: three float arrays of it stay within L1/L2.
  private static final int BLOCK = 2048;

  /**
   * Weights from which the update is split across the kernel threads: memory-bound, it still ran
   * nearly twice as fast on 2 threads (seed model 1's 3.9M-weight kernel within its training step:
   * 5.9-7.1 ms against 3.2-3.7).
   */
  private static final int PARALLEL_MIN = 1 << 16;

  private boolean textbookEpsilon;

  /** Keras's defaults: lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
  public Adam() {
    this(0.001f, 0.9f, 0.999f, 1e-7f, 0f);
  }

  /**
   * Adam with explicit hyper-parameters.
   *
   * @param learningRate the base learning rate
   * @param beta1 the decay of the first moment (Keras: 0.9)
   * @param beta2 the decay of the second moment (Keras: 0.999)
   * @param epsilon added to the square root of the second moment (Keras: 1e-7)
   * @param weightDecay the decoupled weight decay per step, as a fraction of the learning rate (0:
   *     none, AdamW: 0.004)
   * @throws IllegalArgumentException if a beta is outside {@code [0, 1)} or epsilon is negative
   */
  public Adam(float learningRate, float beta1, float beta2, float epsilon, float weightDecay) {
    super(learningRate);
    check("beta_1", beta1);
    check("beta_2", beta2);
    if (!(epsilon >= 0f)) {
      throw new IllegalArgumentException(name() + ": epsilon must be >= 0; got " + epsilon);
    }
    if (!(weightDecay >= 0f)) {
      throw new IllegalArgumentException(
          name() + ": weight_decay must be >= 0; got " + weightDecay);
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
  }

  private void check(String what, float beta) {
    if (!(beta >= 0f && beta < 1f)) {
      throw new IllegalArgumentException(name() + ": " + what + " must be in [0, 1); got " + beta);
    }
  }

  /**
   * Whether epsilon is added to {@code sqrt(v̂)} (textbook, TensorFlow.js, PyTorch) rather than to
   * {@code sqrt(v)} (Keras, the default); returns this.
   *
   * @param textbook true to add epsilon to the bias-corrected second moment's square root
   * @return this optimizer, for chaining
   */
  public Adam epsilonOnCorrectedMoments(boolean textbook) {
    this.textbookEpsilon = textbook;
    return this;
  }

  @Override
  public String name() {
    return weightDecay > 0 ? "AdamW" : "Adam";
  }

  @Override
  protected int slotCount() {
    return 2;
  }

  @Override
  protected void apply(
      float[] w, int wo, float[] g, int go, float[][] s, int so, int n, float lr, long step) {
    float[] m = s[0];
    float[] v = s[1];
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    float alpha;
    float eps;
    if (textbookEpsilon) {
      alpha = (float) (lr * Math.sqrt(c2) / c1);
      eps = (float) (epsilon * Math.sqrt(c2));
    } else {
      alpha = (float) (lr * Math.sqrt(c2) / c1);
      eps = epsilon;
    }
    float b1 = beta1;
    float b2 = beta2;
    float decay = 1f - lr * weightDecay;
    if ((wo | go | so) == 0) {
      if (n >= PARALLEL_MIN) {
        // Element by element: any split gives the same floats.
        Split split = splits.get();
        split.set(w, g, m, v, n, alpha, eps, decay);
        try {
          Parallel.forRange(n / BLOCK, PARALLEL_MIN / BLOCK, split);
        } finally {
          split.set(null, null, null, null, 0, 0f, 0f, 0f);
        }
      } else {
        blocked(w, g, m, v, 0, n, alpha, eps, decay);
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      float gi = g[go + i];
      float mi = withoutSubnormals(m[so + i] + (gi - m[so + i]) * (1f - b1));
      float vi = withoutSubnormals(v[so + i] + (gi * gi - v[so + i]) * (1f - b2));
      m[so + i] = mi;
      v[so + i] = vi;
      float wi = weightDecay > 0 ? w[wo + i] * decay : w[wo + i];
      w[wo + i] = wi - alpha * mi / ((float) Math.sqrt(vi) + eps);
    }
  }

  /**
   * The same update for zero-offset arrays, as three one-store loops per cache-sized block: JDK
   * 17's C2 vectorises a loop only when its arrays are indexed by the bare counter, and then not
   * this fused three-store body; split, it runs ~4x faster (measured on m1's 3.9M weights) while
   * each block is still read from memory once. Same float operations, so the same results. Each
   * loop is a method of its own: in one method, every loop that got hot first had the JIT compile
   * the whole method on-stack again (two or three such compilations, then the normal one, 90-220 ms
   * of the optimising compiler in a fresh JVM's first step); a one-loop method is compiled at most
   * twice, and small.
   */
  private void blocked(
      float[] w,
      float[] g,
      float[] m,
      float[] v,
      int start,
      int end,
      float alpha,
      float eps,
      float decay) {
    float k1 = 1f - beta1;
    float k2 = 1f - beta2;
    for (int from = start; from < end; from += BLOCK) {
      int to = Math.min(end, from + BLOCK);
      firstMoments(g, m, from, to, k1);
      secondMoments(g, v, from, to, k2);
      if (weightDecay > 0) {
        decayedSteps(w, m, v, from, to, alpha, eps, decay);
      } else {
        steps(w, m, v, from, to, alpha, eps);
      }
    }
  }

  private static void firstMoments(float[] g, float[] m, int from, int to, float k1) {
    for (int i = from; i < to; i++) {
      m[i] = withoutSubnormals(m[i] + (g[i] - m[i]) * k1);
    }
  }

  private static void secondMoments(float[] g, float[] v, int from, int to, float k2) {
    for (int i = from; i < to; i++) {
      v[i] = withoutSubnormals(v[i] + (g[i] * g[i] - v[i]) * k2);
    }
  }

  private static void steps(
      float[] w, float[] m, float[] v, int from, int to, float alpha, float eps) {
    for (int i = from; i < to; i++) {
      w[i] = w[i] - alpha * m[i] / ((float) Math.sqrt(v[i]) + eps);
    }
  }

  private static void decayedSteps(
      float[] w, float[] m, float[] v, int from, int to, float alpha, float eps, float decay) {
    for (int i = from; i < to; i++) {
      w[i] = w[i] * decay - alpha * m[i] / ((float) Math.sqrt(v[i]) + eps);
    }
  }

  /** The calling thread's reusable range body (a lambda would allocate per update). */
  private final ThreadLocal<Split> splits = ThreadLocal.withInitial(Split::new);

  /** One update's arrays and factors, run over a range of blocks. */
  private final class Split implements Parallel.RangeBody {
    private float[] w;
    private float[] g;
    private float[] m;
    private float[] v;
    private int n;
    private float alpha;
    private float eps;
    private float decay;

    void set(
        float[] w, float[] g, float[] m, float[] v, int n, float alpha, float eps, float decay) {
      this.w = w;
      this.g = g;
      this.m = m;
      this.v = v;
      this.n = n;
      this.alpha = alpha;
      this.eps = eps;
      this.decay = decay;
    }

    @Override
    public void run(int from, int to) {
      blocked(w, g, m, v, from * BLOCK, to == n / BLOCK ? n : to * BLOCK, alpha, eps, decay);
    }
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("beta_1", beta1);
    c.put("beta_2", beta2);
    c.put("epsilon", epsilon);
    if (weightDecay > 0) {
      c.put("weight_decay", weightDecay);
    }
    return c;
  }
}
