package dev.graft.autograd.optim.custom;

import dev.graft.autograd.optim.Optimizer;
import java.util.concurrent.atomic.AtomicInteger;

/** A user's optimizer (outside Graft's package): plain SGD that counts its updates. */
public final class CountingSgd extends Optimizer {
  /** Updates applied, on any thread. */
  public final AtomicInteger applied = new AtomicInteger();

  /** At a learning rate of 0.01. */
  public CountingSgd() {
    super(0.01f);
  }

  @Override
  public String name() {
    return "CountingSGD";
  }

  @Override
  protected int slotCount() {
    return 0;
  }

  @Override
  protected void apply(
      float[] w, int wo, float[] g, int go, float[][] s, int so, int n, float lr, long step) {
    applied.incrementAndGet();
    for (int i = 0; i < n; i++) {
      w[wo + i] -= lr * g[go + i];
    }
  }
}
