package dev.graft.dsl;

import dev.graft.autograd.optim.Optimizer;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's {@code ReduceLROnPlateau}: multiplies the optimizer's learning rate by {@code factor}
 * when {@code monitor} has not improved for {@code patience} epochs, then waits {@code cooldown}
 * epochs before watching again; never goes below {@code minLr}.
 *
 * <pre>{@code
 * m.fit(x, y, epochs(50).validationSplit(0.2)
 *     .callbacks(reduceLrOnPlateau("val_loss").factor(0.5).patience(3)));
 * }</pre>
 */
public final class ReduceLrOnPlateau implements Callback {
  private final Monitor monitor;
  private double factor = 0.1;
  private int patience = 10;
  private int cooldown;
  private double minLr;
  private boolean verbose;
  private int wait;
  private int cooldownLeft;

  /**
   * Watches {@code monitor} (e.g. {@code "val_loss"}) with Keras's defaults.
   *
   * @param monitor the logged value watched
   */
  public ReduceLrOnPlateau(String monitor) {
    this.monitor = new Monitor("ReduceLROnPlateau", monitor);
    this.monitor.minDelta(1e-4);
  }

  /**
   * The factor the learning rate is multiplied by; returns this.
   *
   * @param value the factor, in {@code (0, 1)}
   * @return this callback, for chaining
   * @throws IllegalArgumentException unless {@code 0 < factor < 1}
   */
  public ReduceLrOnPlateau factor(double value) {
    if (!(value > 0 && value < 1)) {
      throw new IllegalArgumentException(
          "ReduceLROnPlateau does not support a factor outside (0, 1). Received: factor=" + value);
    }
    this.factor = value;
    return this;
  }

  /**
   * Epochs without improvement before reducing; returns this.
   *
   * @param value the epochs, 0 or more
   * @return this callback, for chaining
   */
  public ReduceLrOnPlateau patience(int value) {
    this.patience = (int) check(value >= 0, "patience", value);
    return this;
  }

  /**
   * Epochs to wait after a reduction before counting again; returns this.
   *
   * @param value the epochs, 0 or more
   * @return this callback, for chaining
   */
  public ReduceLrOnPlateau cooldown(int value) {
    this.cooldown = (int) check(value >= 0, "cooldown", value);
    return this;
  }

  /**
   * The least change that counts as an improvement (default 1e-4); returns this.
   *
   * @param value the least change, 0 or more
   * @return this callback, for chaining
   */
  public ReduceLrOnPlateau minDelta(double value) {
    monitor.minDelta(value);
    return this;
  }

  /**
   * The lower bound of the learning rate; returns this.
   *
   * @param value the lowest rate
   * @return this callback, for chaining
   */
  public ReduceLrOnPlateau minLr(double value) {
    this.minLr = check(value >= 0, "min_lr", value);
    return this;
  }

  /**
   * {@code "min"}, {@code "max"} or {@code "auto"}; returns this.
   *
   * @param mode {@code "min"} (lower is better), {@code "max"} or {@code "auto"} (max for names
   *     with "acc" or "auc")
   * @return this callback, for chaining
   */
  public ReduceLrOnPlateau mode(String mode) {
    monitor.mode(mode);
    return this;
  }

  /**
   * Whether to print a line on each reduction; returns this.
   *
   * @param value true to print
   * @return this callback, for chaining
   */
  public ReduceLrOnPlateau verbose(boolean value) {
    this.verbose = value;
    return this;
  }

  private static double check(boolean ok, String argument, double value) {
    if (!ok) {
      throw new IllegalArgumentException(
          "Invalid value for argument "
              + argument
              + " of ReduceLROnPlateau. Received: "
              + argument
              + "="
              + (value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value)));
    }
    return value;
  }

  @Override
  public void onTrainBegin(Training t) {
    monitor.check(t.model().metricsNames());
    monitor.reset();
    wait = 0;
    cooldownLeft = 0;
  }

  @Override
  public void onEpochEnd(Training t, int epoch, Map<String, Double> logs) {
    double v = monitor.value(logs);
    if (cooldownLeft > 0) {
      cooldownLeft--;
      wait = 0;
    }
    if (monitor.improves(v)) {
      wait = 0;
    } else if (cooldownLeft == 0 && ++wait >= patience) {
      Optimizer opt = t.model().optimizer();
      float old = opt.learningRate();
      if (old > minLr) {
        float lr = (float) Math.max(old * factor, minLr);
        opt.learningRate(lr);
        if (verbose) {
          System.out.printf(
              Locale.ROOT,
              "%nEpoch %d: ReduceLROnPlateau reducing learning rate to %s.%n",
              epoch + 1,
              lr);
        }
        cooldownLeft = cooldown;
        wait = 0;
      }
    }
  }
}
