package dev.graft.dsl.data;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The columns of a CSV file: names, which are numeric, and their defaults for empty fields. */
final class CsvColumns {
  private static final Pattern NUMBER =
      Pattern.compile(
          "[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[+-]?(nan|inf|infinity)",
          Pattern.CASE_INSENSITIVE);

  private final List<String> names;
  private final Map<String, Integer> index = new HashMap<>();
  private final boolean[] numeric;
  private final Float[] defaults;

  CsvColumns(List<String> names, Map<String, Float> numericDefaults, Path file) {
    this.names = List.copyOf(names);
    for (int i = 0; i < names.size(); i++) {
      if (index.put(names.get(i), i) != null) {
        throw new DataException(
            "Csv: " + file + " names column \"" + names.get(i) + "\" twice: " + names);
      }
    }
    numeric = new boolean[names.size()];
    defaults = new Float[names.size()];
    for (Map.Entry<String, Float> e : numericDefaults.entrySet()) {
      Integer i = index.get(e.getKey());
      if (i == null) {
        throw new DataException(
            "Csv: "
                + file
                + " has no column \""
                + e.getKey()
                + "\" (declared numeric); its columns are "
                + names);
      }
      numeric[i] = true;
      defaults[i] = e.getValue();
    }
  }

  List<String> names() {
    return names;
  }

  int size() {
    return names.size();
  }

  boolean numeric(int i) {
    return numeric[i];
  }

  int index(String name) {
    Integer i = index.get(name);
    if (i == null) {
      throw new IllegalArgumentException("no column \"" + name + "\"; the columns are " + names);
    }
    return i;
  }

  int check(int i) {
    if (i < 0 || i >= names.size()) {
      throw new IllegalArgumentException(
          "column index " + i + " is out of range: " + names.size() + " columns " + names);
    }
    return i;
  }

  /** The numbers of the numeric columns (others 0), checked. */
  float[] numbers(String[] fields, Path file, long line) {
    float[] out = new float[fields.length];
    for (int i = 0; i < fields.length; i++) {
      if (numeric[i]) {
        String f = fields[i];
        if (f.isEmpty() && defaults[i] != null) {
          out[i] = defaults[i];
        } else {
          out[i] = parse(f, file, line, names.get(i));
        }
      }
    }
    return out;
  }

  /** {@code field} as a number; the error names the file, line and column. */
  static float parse(String field, Path file, long line, String column) {
    String s = field.strip();
    if (!NUMBER.matcher(s).matches()) {
      throw new DataException(
          file
              + ", line "
              + line
              + ", column \""
              + column
              + "\": "
              + (s.isEmpty() ? "the field is empty" : "\"" + field + "\" is not a number")
              + (s.isEmpty() ? " (give the column a default for missing values)" : ""));
    }
    String l = s.toLowerCase(Locale.ROOT);
    if (l.endsWith("nan")) {
      return Float.NaN;
    }
    if (l.endsWith("inf") || l.endsWith("infinity")) {
      return l.startsWith("-") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
    }
    return Float.parseFloat(s);
  }
}
