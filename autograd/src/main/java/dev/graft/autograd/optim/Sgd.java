package dev.graft.autograd.optim;

import java.util.Map;

/**
 * Stochastic gradient descent, with optional momentum and Nesterov momentum as Keras 3 defines
 * them: {@code v = momentum · v - lr · g}; {@code w += v}, or with Nesterov {@code w += momentum ·
 * v - lr · g}.
 */
public final class Sgd extends Optimizer {
  private final float momentum;
  private final boolean nesterov;

  /** Keras's defaults: lr 0.01, no momentum. */
  public Sgd() {
    this(0.01f, 0f, false);
  }

  /**
   * SGD with the given settings.
   *
   * @param learningRate the base learning rate
   * @param momentum the velocity's decay (0: plain SGD)
   * @param nesterov true for Nesterov momentum
   * @throws IllegalArgumentException if momentum is outside {@code [0, 1]}
   */
  public Sgd(float learningRate, float momentum, boolean nesterov) {
    super(learningRate);
    if (!(momentum >= 0f && momentum <= 1f)) {
      throw new IllegalArgumentException("SGD: momentum must be in [0, 1]; got " + momentum);
    }
    this.momentum = momentum;
    this.nesterov = nesterov;
  }

  @Override
  public String name() {
    return "SGD";
  }

  @Override
  protected int slotCount() {
    return momentum > 0 ? 1 : 0;
  }

  @Override
  protected void apply(
      float[] w, int wo, float[] g, int go, float[][] s, int so, int n, float lr, long step) {
    if (momentum == 0f) {
      for (int i = 0; i < n; i++) {
        w[wo + i] -= lr * g[go + i];
      }
      return;
    }
    float[] v = s[0];
    for (int i = 0; i < n; i++) {
      float vi = withoutSubnormals(momentum * v[so + i] - lr * g[go + i]);
      v[so + i] = vi;
      w[wo + i] += nesterov ? momentum * vi - lr * g[go + i] : vi;
    }
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("momentum", momentum);
    c.put("nesterov", nesterov);
    return c;
  }
}
