package dev.graft.layers;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Keras's initializers, with Keras's fan rules and defaults. */
public final class Initializers {
  private Initializers() {}

  /** How a variance-scaling initializer counts fans. */
  public enum Mode {
    /** Inputs per output. */
    FAN_IN,
    /** Outputs per input. */
    FAN_OUT,
    /** Their average. */
    FAN_AVG
  }

  /** How a variance-scaling initializer draws. */
  public enum Distribution {
    /** Normal truncated at two standard deviations (rescaled to keep the variance). */
    TRUNCATED_NORMAL,
    /** Plain normal. */
    UNTRUNCATED_NORMAL,
    /** Uniform in {@code ±sqrt(3 · scale / fan)}. */
    UNIFORM
  }

  /**
   * Keras's {@code VarianceScaling(scale, mode, distribution)}.
   *
   * @param scale the variance's scale factor, above 0
   * @param mode which fan divides the scale ({@code fan_in}, {@code fan_out} or their average)
   * @param dist truncated normal, untruncated normal or uniform
   * @return the initializer
   */
  public static Initializer varianceScaling(double scale, Mode mode, Distribution dist) {
    if (!(scale > 0)) {
      throw new IllegalArgumentException(
          "VarianceScaling: scale must be > 0; Received: scale=" + scale);
    }
    return new Simple(
        "VarianceScaling",
        cfg("scale", scale, "mode", lower(mode), "distribution", lower(dist)),
        (shape, rng) -> {
          double[] fans = fans(shape);
          double n =
              switch (mode) {
                case FAN_IN -> fans[0];
                case FAN_OUT -> fans[1];
                case FAN_AVG -> (fans[0] + fans[1]) / 2;
              };
          double var = scale / Math.max(1.0, n);
          return switch (dist) {
            case UNIFORM -> uniform(shape, rng, Math.sqrt(3 * var));
            case UNTRUNCATED_NORMAL -> normal(shape, rng, 0, Math.sqrt(var), false);
            // 0.8796... is the standard deviation of a standard normal truncated to [-2, 2].
            case TRUNCATED_NORMAL ->
                normal(shape, rng, 0, Math.sqrt(var) / 0.87962566103423978, true);
          };
        });
  }

  /**
   * Keras's default kernel initializer.
   *
   * @return Glorot (Xavier) uniform, limit {@code sqrt(6 / (fan_in + fan_out))}
   */
  public static Initializer glorotUniform() {
    return named("GlorotUniform", varianceScaling(1, Mode.FAN_AVG, Distribution.UNIFORM));
  }

  /**
   * Glorot (Xavier) normal.
   *
   * @return the initializer
   */
  public static Initializer glorotNormal() {
    return named("GlorotNormal", varianceScaling(1, Mode.FAN_AVG, Distribution.TRUNCATED_NORMAL));
  }

  /**
   * He uniform.
   *
   * @return the initializer
   */
  public static Initializer heUniform() {
    return named("HeUniform", varianceScaling(2, Mode.FAN_IN, Distribution.UNIFORM));
  }

  /**
   * He normal.
   *
   * @return the initializer
   */
  public static Initializer heNormal() {
    return named("HeNormal", varianceScaling(2, Mode.FAN_IN, Distribution.TRUNCATED_NORMAL));
  }

  /**
   * LeCun uniform.
   *
   * @return the initializer
   */
  public static Initializer lecunUniform() {
    return named("LecunUniform", varianceScaling(1, Mode.FAN_IN, Distribution.UNIFORM));
  }

  /**
   * LeCun normal.
   *
   * @return the initializer
   */
  public static Initializer lecunNormal() {
    return named("LecunNormal", varianceScaling(1, Mode.FAN_IN, Distribution.TRUNCATED_NORMAL));
  }

  /**
   * All zeros (Keras's default bias).
   *
   * @return the initializer
   */
  public static Initializer zeros() {
    return constant("Zeros", 0f);
  }

  /**
   * All ones.
   *
   * @return the initializer
   */
  public static Initializer ones() {
    return constant("Ones", 1f);
  }

  /**
   * All {@code value}.
   *
   * @param value the value of every element
   * @return the initializer
   */
  public static Initializer constant(float value) {
    return new Simple("Constant", cfg("value", value), (shape, rng) -> filled(shape, value));
  }

  private static Initializer constant(String name, float value) {
    return new Simple(name, cfg(), (shape, rng) -> filled(shape, value));
  }

  private static Tensor filled(Shape shape, float value) {
    return Tensor.zeros(shape).fill(value);
  }

  /**
   * Uniform in {@code [min, max)} (Keras's defaults are -0.05 and 0.05).
   *
   * @param min the lower bound
   * @param max the upper bound, above {@code min}
   * @return the initializer
   */
  public static Initializer randomUniform(float min, float max) {
    if (!(max > min)) {
      throw new IllegalArgumentException(
          "RandomUniform: needs minval < maxval; Received: minval=" + min + ", maxval=" + max);
    }
    return new Simple(
        "RandomUniform",
        cfg("minval", min, "maxval", max),
        (shape, rng) -> Tensor.uniform(rng, min, max, shape.toArray()));
  }

  /**
   * Normal with the given mean and standard deviation (Keras's defaults 0 and 0.05).
   *
   * @param mean the distribution's mean
   * @param stddev the standard deviation, 0 or more
   * @return the initializer
   */
  public static Initializer randomNormal(float mean, float stddev) {
    return new Simple(
        "RandomNormal",
        cfg("mean", mean, "stddev", stddev),
        (shape, rng) -> normal(shape, rng, mean, stddev, false));
  }

  /**
   * Normal truncated at two standard deviations (Keras's defaults 0 and 0.05).
   *
   * @param mean the distribution's mean
   * @param stddev the standard deviation before truncation
   * @return the initializer
   */
  public static Initializer truncatedNormal(float mean, float stddev) {
    return new Simple(
        "TruncatedNormal",
        cfg("mean", mean, "stddev", stddev),
        (shape, rng) -> normal(shape, rng, mean, stddev, true));
  }

  /**
   * A (semi-)orthogonal matrix times {@code gain}, over the weight flattened to {@code (prod of all
   * but the last axis, last axis)} (Keras's default recurrent kernel).
   *
   * @param gain the factor applied to the orthogonal matrix (Keras: 1.0)
   * @return the initializer
   */
  public static Initializer orthogonal(float gain) {
    return new Simple(
        "Orthogonal", cfg("gain", gain), (shape, rng) -> Orthogonal.create(shape, rng, gain));
  }

  /**
   * The initializer with Keras's name ({@code "glorot_uniform"}, {@code "zeros"}, ...).
   *
   * @param name the snake-case Keras name
   * @return the initializer with Keras's default arguments
   * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
   */
  public static Initializer of(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "glorot_uniform", "glorotuniform" -> glorotUniform();
      case "glorot_normal", "glorotnormal" -> glorotNormal();
      case "he_uniform", "heuniform" -> heUniform();
      case "he_normal", "henormal" -> heNormal();
      case "lecun_uniform", "lecununiform" -> lecunUniform();
      case "lecun_normal", "lecunnormal" -> lecunNormal();
      case "zeros" -> zeros();
      case "ones" -> ones();
      case "orthogonal" -> orthogonal(1f);
      case "random_uniform", "randomuniform", "uniform" -> randomUniform(-0.05f, 0.05f);
      case "random_normal", "randomnormal", "normal" -> randomNormal(0f, 0.05f);
      case "truncated_normal", "truncatednormal" -> truncatedNormal(0f, 0.05f);
      default ->
          throw new IllegalArgumentException(
              "Unknown initializer \""
                  + name
                  + "\"; expected one of glorot_uniform, glorot_normal, he_uniform, he_normal,"
                  + " lecun_uniform, lecun_normal, orthogonal, zeros, ones, random_uniform,"
                  + " random_normal, truncated_normal");
    };
  }

  /** Keras's fans: {@code {fan_in, fan_out}}. */
  static double[] fans(Shape s) {
    if (s.rank() == 0) {
      return new double[] {1, 1};
    }
    if (s.rank() == 1) {
      return new double[] {s.dim(0), s.dim(0)};
    }
    double receptive = 1;
    for (int i = 0; i < s.rank() - 2; i++) {
      receptive *= s.dim(i);
    }
    return new double[] {s.dim(-2) * receptive, s.dim(-1) * receptive};
  }

  private static Tensor uniform(Shape shape, Rng rng, double limit) {
    return Tensor.uniform(rng, (float) -limit, (float) limit, shape.toArray());
  }

  private static Tensor normal(Shape shape, Rng rng, double mean, double std, boolean truncated) {
    Tensor t = Tensor.zeros(shape);
    rng.normal(
        t.array(),
        t.offset(),
        t.offset() + t.size(),
        mean,
        std,
        truncated ? 2 : Double.POSITIVE_INFINITY);
    return t;
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static Map<String, Object> cfg(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    m.put("seed", null);
    return m;
  }

  private static Initializer named(String className, Initializer inner) {
    return new Simple(className, cfg(), inner::create);
  }

  /** An initializer from a name, a config and a function. */
  private record Simple(String className, Map<String, Object> config, Maker maker)
      implements Initializer {
    @Override
    public Tensor create(Shape shape, Rng rng) {
      return maker.make(shape, rng);
    }
  }

  @FunctionalInterface
  private interface Maker {
    Tensor make(Shape shape, Rng rng);
  }
}
