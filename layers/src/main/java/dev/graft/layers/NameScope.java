package dev.graft.layers;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keras-style automatic names: the first layer of a kind is {@code dense}, the next {@code
 * dense_1}, and so on, per process (reset with {@link #clear()}).
 */
public final class NameScope {
  private static final Map<String, Integer> COUNTS = new HashMap<>();
  private static final Pattern WORD = Pattern.compile("(.)([A-Z][a-z]+)");
  private static final Pattern CAMEL = Pattern.compile("([a-z])([A-Z])");

  private NameScope() {}

  /**
   * A fresh name for {@code base}: {@code base}, then {@code base_1}, {@code base_2}, ...
   *
   * @param base the name wanted
   * @return a name not handed out before in this JVM
   */
  public static synchronized String unique(String base) {
    int n = COUNTS.merge(base, 1, Integer::sum) - 1;
    return n == 0 ? base : base + "_" + n;
  }

  /** Forgets every name handed out (Keras's {@code clear_session}). */
  public static synchronized void clear() {
    COUNTS.clear();
  }

  /**
   * Keras's snake case: {@code MaxPooling2D} gives {@code max_pooling2d}.
   *
   * @param className a class name in CamelCase
   * @return the name in lower snake case
   */
  public static String snakeCase(String className) {
    String s = WORD.matcher(className).replaceAll("$1_$2");
    return CAMEL.matcher(s).replaceAll("$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
