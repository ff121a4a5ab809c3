package dev.graft.tensor;

import java.util.SplittableRandom;

/**
 * A seeded random generator. Every random value in Graft (tensor factories, initializers,
 * shuffling, dropout) comes from an {@code Rng}, so one seed makes a whole run reproducible.
 *
 * <p>The process-wide generator is {@link #global()}; {@link #seed(long)} resets it. An {@code Rng}
 * is not thread-safe; {@link #split()} gives an independent one for another thread.
 */
public final class Rng {
  private static volatile Rng global = new Rng(System.nanoTime());
  private static volatile boolean seeded;

  private SplittableRandom random;

  /**
   * A generator with the given seed.
   *
   * @param seed the seed: equal seeds give equal sequences
   */
  public Rng(long seed) {
    this.random = new SplittableRandom(seed);
  }

  private Rng(SplittableRandom random) {
    this.random = random;
  }

  /**
   * The process-wide generator used when none is given.
   *
   * @return the global generator
   */
  public static Rng global() {
    return global;
  }

  /**
   * Resets the process-wide generator to the given seed.
   *
   * @param seed the new seed
   */
  public static void seed(long seed) {
    global = new Rng(seed);
    seeded = true;
  }

  /**
   * Whether {@link #seed(long)} was called in this process: the user asked for a reproducible run,
   * so choices that would otherwise follow timings (the {@code auto} BLAS back-end's) follow the
   * shapes alone.
   *
   * @return true once {@link #seed(long)} has been called
   */
  public static boolean seeded() {
    return seeded;
  }

  /**
   * An independent generator derived from this one.
   *
   * @return a new generator
   */
  public synchronized Rng split() {
    return new Rng(random.split());
  }

  /**
   * A uniform float in {@code [0, 1)}.
   *
   * @return the next value
   */
  public synchronized float nextFloat() {
    return unitFloat();
  }

  /**
   * A uniform float in {@code [lo, hi)}.
   *
   * @param lo the lower bound (inclusive)
   * @param hi the upper bound (exclusive)
   * @return the next value
   */
  public synchronized float uniform(float lo, float hi) {
    return lo + (hi - lo) * nextFloat();
  }

  /**
   * Fills {@code a[from, to)} with the values {@link #uniform(float, float)} would return one call
   * at a time, in order, under one lock: an uncontended lock per value cost about 25 ns, which made
   * a 3.9M-weight Dense kernel's initialisation take 100 ms of its model's definition.
   *
   * @param a the array to fill
   * @param from the first index (inclusive)
   * @param to the last index (exclusive)
   * @param lo the lower bound (inclusive)
   * @param hi the upper bound (exclusive)
   * @throws IndexOutOfBoundsException if {@code [from, to)} is not within {@code a}
   */
  public synchronized void uniform(float[] a, int from, int to, float lo, float hi) {
    java.util.Objects.checkFromToIndex(from, to, a.length);
    float range = hi - lo;
    for (int i = from; i < to; i++) {
      a[i] = lo + range * unitFloat();
    }
  }

  /**
   * A dropout mask in {@code m[from, to)}: 0 where the next {@link #nextFloat()} falls below {@code
   * dropRate}, else {@code kept}; the draws of one call at a time, in order, under one lock.
   *
   * @param m the array to fill
   * @param from the first index (inclusive)
   * @param to the last index (exclusive)
   * @param dropRate the probability of a 0
   * @param kept the value of the elements kept (Keras scales them by {@code 1 / (1 - rate)})
   * @throws IndexOutOfBoundsException if {@code [from, to)} is not within {@code m}
   */
  public void keepMask(float[] m, int from, int to, float dropRate, float kept) {
    java.util.Objects.checkFromToIndex(from, to, m.length);
    unitFloats(m, from, to);
    // Apart from the draws, and outside the lock: tested as it is drawn, each value is a coin flip
    // for the branch predictor (a Dropout step over 2.1M values took 28-30 ms that way, 17-26 in
    // two loops).
    for (int i = from; i < to; i++) {
      m[i] = m[i] < dropRate ? 0f : kept;
    }
  }

  private synchronized void unitFloats(float[] m, int from, int to) {
    for (int i = from; i < to; i++) {
      m[i] = unitFloat();
    }
  }

  /**
   * Fills {@code a[from, to)} with the values {@link #nextGaussian()} would return one call at a
   * time, rounded to float, in order, under one lock.
   *
   * @param a the array to fill
   * @param from the first index (inclusive)
   * @param to the last index (exclusive)
   * @throws IndexOutOfBoundsException if {@code [from, to)} is not within {@code a}
   */
  public synchronized void nextGaussians(float[] a, int from, int to) {
    java.util.Objects.checkFromToIndex(from, to, a.length);
    for (int i = from; i < to; i++) {
      a[i] = (float) gaussian();
    }
  }

  /**
   * Fills {@code a[from, to)} with {@code (float) (mean + std * z)}, each {@code z} the next {@link
   * #nextGaussian()} drawn again while {@code |z| > bound}, in order, under one lock: a normal
   * initialiser's values ({@code bound} 2 truncates them as Keras's {@code truncated_normal} and
   * the variance-scaling initialisers do; {@code Double.POSITIVE_INFINITY} never redraws).
   *
   * @param a the array to fill
   * @param from the first index (inclusive)
   * @param to the last index (exclusive)
   * @param mean the mean
   * @param std the standard deviation
   * @param bound the largest {@code |z|} kept
   * @throws IndexOutOfBoundsException if {@code [from, to)} is not within {@code a}
   * @throws IllegalArgumentException if {@code bound} is not positive (no draw could be kept)
   */
  public synchronized void normal(
      float[] a, int from, int to, double mean, double std, double bound) {
    java.util.Objects.checkFromToIndex(from, to, a.length);
    if (!(bound > 0)) {
      throw new IllegalArgumentException("Rng.normal: bound must be > 0; got " + bound);
    }
    for (int i = from; i < to; i++) {
      double z = gaussian();
      while (Math.abs(z) > bound) {
        z = gaussian();
      }
      a[i] = (float) (mean + std * z);
    }
  }

  /** The next uniform float in [0, 1); the caller holds the lock. */
  private float unitFloat() {
    return (float) ((random.nextLong() >>> 40) * 0x1.0p-24);
  }

  /**
   * A standard normal value.
   *
   * @return the next value
   */
  public synchronized double nextGaussian() {
    return gaussian();
  }

  /** The next standard normal value; the caller holds the lock. */
  private double gaussian() {
    // Marsaglia polar method: SplittableRandom has no nextGaussian on Java 17.
    double u;
    double v;
    double s;
    do {
      u = 2 * random.nextDouble() - 1;
      v = 2 * random.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * Math.sqrt(-2 * Math.log(s) / s);
  }

  /**
   * A uniform int in {@code [lo, hi)}.
   *
   * @param lo the lower bound (inclusive)
   * @param hi the upper bound (exclusive)
   * @return the next value
   */
  public synchronized int nextInt(int lo, int hi) {
    return random.nextInt(lo, hi);
  }

  /**
   * A uniform long.
   *
   * @return the next value
   */
  public synchronized long nextLong() {
    return random.nextLong();
  }

  /**
   * Shuffles {@code indices} in place (Fisher-Yates).
   *
   * @param indices the array to shuffle
   */
  public synchronized void shuffle(int[] indices) {
    for (int i = indices.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = indices[i];
      indices[i] = indices[j];
      indices[j] = t;
    }
  }
}
