package dev.graft.autograd.optim;

/** The learning rate as a function of the step (0-based), as Keras's schedules define it. */
@FunctionalInterface
public interface LearningRateSchedule {
  /**
   * The learning rate at {@code step}.
   *
   * @param step the number of completed steps, from 0
   * @return the learning rate for the next update
   */
  float at(long step);

  /**
   * {@code initial · rate^(step / decaySteps)}, with an integer exponent when {@code staircase}.
   *
   * @param initial the rate at step 0
   * @param decaySteps the steps over which the rate is multiplied by {@code decayRate}, above 0
   * @param decayRate the factor per {@code decaySteps}
   * @param staircase true to decay in whole steps of {@code decaySteps}
   * @return the schedule
   * @throws IllegalArgumentException if {@code decaySteps <= 0}
   */
  static LearningRateSchedule exponentialDecay(
      float initial, long decaySteps, float decayRate, boolean staircase) {
    if (decaySteps <= 0) {
      throw new IllegalArgumentException("exponential_decay: decay_steps must be > 0");
    }
    return step -> {
      double p = (double) step / decaySteps;
      return (float) (initial * Math.pow(decayRate, staircase ? Math.floor(p) : p));
    };
  }

  /**
   * Cosine decay from {@code initial} to {@code initial · alpha} over {@code decaySteps}, then
   * flat.
   *
   * @param initial the rate at step 0
   * @param decaySteps the length of the decay in steps, above 0
   * @param alpha the final rate as a fraction of {@code initial}
   * @return the schedule
   * @throws IllegalArgumentException if {@code decaySteps <= 0}
   */
  static LearningRateSchedule cosineDecay(float initial, long decaySteps, float alpha) {
    if (decaySteps <= 0) {
      throw new IllegalArgumentException("cosine_decay: decay_steps must be > 0");
    }
    return step -> {
      double p = Math.min(step, decaySteps) / (double) decaySteps;
      double cos = 0.5 * (1 + Math.cos(Math.PI * p));
      return (float) (initial * ((1 - alpha) * cos + alpha));
    };
  }
}
