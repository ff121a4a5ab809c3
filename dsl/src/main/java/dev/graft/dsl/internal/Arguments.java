package dev.graft.dsl.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Null checks of public arguments, so that a {@code null} is refused where it is passed, with a
 * message naming the method and the argument ({@code "compile: loss must not be null"}), never as a
 * bare {@code NullPointerException} from deep inside.
 */
public final class Arguments {
  private Arguments() {}

  /**
   * Returns {@code value}.
   *
   * @param <T> the argument's type
   * @param method the public method checked, first in the message
   * @param name the argument's name, as the method declares it
   * @param value the argument
   * @return {@code value}, not {@code null}
   * @throws NullPointerException "{@code method: name must not be null}"
   */
  public static <T> T notNull(String method, String name, T value) {
    if (value == null) {
      throw new NullPointerException(method + ": " + name + " must not be null");
    }
    return value;
  }

  /**
   * {@code value} as a one-element list, checked as by {@link #notNull}.
   *
   * @param <T> the argument's type
   * @param method the public method checked, first in the message
   * @param name the argument's name, as the method declares it
   * @param value the argument
   * @return an unmodifiable list of {@code value}
   */
  public static <T> List<T> one(String method, String name, T value) {
    return List.of(notNull(method, name, value));
  }

  /**
   * {@code values} (a varargs array) as an unmodifiable list, the array and each element checked:
   * "{@code method: name[i] must not be null}".
   *
   * @param <T> the elements' type
   * @param method the public method checked, first in the message
   * @param name the argument's name, as the method declares it
   * @param values the varargs array
   * @return an unmodifiable copy
   */
  @SafeVarargs
  public static <T> List<T> all(String method, String name, T... values) {
    notNull(method, name, values);
    List<T> out = new ArrayList<>(values.length);
    for (T v : values) {
      out.add(v);
    }
    return elements(method, name, Collections.unmodifiableList(out));
  }

  /**
   * {@code values}, the list and each element checked (see {@link #all}).
   *
   * @param <T> the elements' type
   * @param method the public method checked, first in the message
   * @param name the argument's name, as the method declares it
   * @param values the list
   * @return {@code values} itself, checked
   */
  public static <T> List<T> elements(String method, String name, List<T> values) {
    notNull(method, name, values);
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null) {
        throw new NullPointerException(method + ": " + name + "[" + i + "] must not be null");
      }
    }
    return values;
  }

  /**
   * An {@code int...} argument, checked as by {@link #notNull}.
   *
   * @param method the public method checked, first in the message
   * @param name the argument's name, as the method declares it
   * @param values the varargs array
   * @return {@code values} itself, not {@code null}
   */
  public static int[] ints(String method, String name, int[] values) {
    return notNull(method, name, values);
  }
}
