package dev.graft.dsl.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checkpoint file name with Python {@code str.format} placeholders, as Keras's {@code
 * ModelCheckpoint} takes it: {@code {epoch}}, {@code {epoch:02d}}, {@code {val_loss:.2f}}, any
 * logged value, and {@code {{}}/{@code }}} for literal braces. Parsed once, so a bad pattern fails
 * when the callback is made, and a name no log has fails when training begins, not after an epoch.
 */
public final class PathPattern {
  /** Python's format spec, the subset that means something for numbers: [0][width][.prec][type]. */
  private static final Pattern SPEC = Pattern.compile("(0?)(\\d*)(?:\\.(\\d+))?([dfeg%]?)");

  private static final Set<String> BUILT_IN_METRICS =
      Set.of(
          "accuracy",
          "acc",
          "binary_accuracy",
          "categorical_accuracy",
          "sparse_categorical_accuracy",
          "precision",
          "recall",
          "auc",
          "mae",
          "mean_absolute_error",
          "mse",
          "mean_squared_error");

  private static final String GENERIC =
      "{epoch} and the names of logged values: {loss}, {val_loss}, each metric ({accuracy},"
          + " {val_accuracy}, ...)";

  private final String callback;
  private final String pattern;
  private final List<Object> parts = new ArrayList<>();

  /** One {@code {name:spec}}, its spec turned into a Java format of the epoch or a log value. */
  private record Field(String name, String javaFormat) {
    boolean integer() {
      return javaFormat.endsWith("d");
    }
  }

  /**
   * Parses {@code pattern} for {@code callback} (named in errors).
   *
   * @param callback the callback's name, for messages
   * @param pattern the path with placeholders
   * @throws IllegalArgumentException for unbalanced braces, an empty or malformed placeholder, a
   *     format spec Graft cannot apply, or a name that looks like a misspelt {@code epoch}
   */
  public PathPattern(String callback, String pattern) {
    this.callback = callback;
    this.pattern = pattern;
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if ((c == '{' || c == '}') && i + 1 < pattern.length() && pattern.charAt(i + 1) == c) {
        text.append(c);
        i++;
      } else if (c == '}') {
        throw bad("a single '}' (write '}}' for a literal brace)");
      } else if (c == '{') {
        int end = pattern.indexOf('}', i);
        if (end < 0) {
          throw bad("a '{' without its '}' (write '{{' for a literal brace)");
        }
        parts.add(text.toString());
        text.setLength(0);
        parts.add(field(pattern.substring(i + 1, end)));
        i = end;
      } else {
        text.append(c);
      }
    }
    parts.add(text.toString());
  }

  private Field field(String inside) {
    int colon = inside.indexOf(':');
    String name = colon < 0 ? inside : inside.substring(0, colon);
    String spec = colon < 0 ? null : inside.substring(colon + 1);
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw bad("the placeholder {" + inside + "}, which names no value");
    }
    if (!name.equals("epoch") && looksLikeEpoch(name) && !couldBeLogged(name)) {
      throw unknown(name, "did you mean {epoch}? ", GENERIC);
    }
    boolean integer = name.equals("epoch");
    if (spec == null) {
      // Graft's documented defaults: two-digit epochs, four decimals for logged values.
      return new Field(name, integer ? "%02d" : "%.4f");
    }
    Matcher m = SPEC.matcher(spec);
    if (!m.matches()) {
      throw bad(
          "the format spec \""
              + spec
              + "\" in {"
              + inside
              + "}; Graft takes [0][width][.precision][d|f|e|g|%]");
    }
    String type = m.group(4);
    if (type.equals("d") && !integer) {
      throw bad("{" + inside + "}: \"d\" formats integers, and " + name + " is a decimal value");
    }
    if (type.equals("d") && m.group(3) != null) {
      throw bad("{" + inside + "}: an integer format takes no precision");
    }
    String flags = m.group(1) + m.group(2);
    String precision = m.group(3) == null ? "" : "." + m.group(3);
    String javaFormat =
        switch (type) {
          case "d" -> "%" + flags + "d";
          case "" ->
              integer && precision.isEmpty()
                  ? "%" + flags + "d"
                  : "%" + flags + (precision.isEmpty() ? ".4" : precision) + "f";
          case "%" -> "%" + flags + precision + "f%%";
          default -> "%" + flags + precision + type;
        };
    return new Field(name, javaFormat);
  }

  /** Within two edits of "epoch" (epok, epochs, Epoch): a typo, not a metric name. */
  private static boolean looksLikeEpoch(String name) {
    return distance(name.toLowerCase(Locale.ROOT), "epoch") <= 2;
  }

  private static boolean couldBeLogged(String name) {
    String n = name.startsWith("val_") ? name.substring(4) : name;
    if (n.equals("loss") || n.endsWith("_loss") || BUILT_IN_METRICS.contains(n)) {
      return true;
    }
    for (String m : BUILT_IN_METRICS) {
      if (n.endsWith("_" + m)) {
        return true;
      }
    }
    return false;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /**
   * Checks, when training begins, the placeholders against the values the logs will hold ({@code
   * logged}, and their {@code val_} twins): a name within two edits of one of them is a typo and
   * fails now. Other unknown names may be added to the logs by a callback, so they fail only if an
   * epoch's logs lack them.
   *
   * @param logged the names the logs will hold
   * @throws IllegalArgumentException naming the likely intended placeholder and the valid ones
   */
  public void checkNames(Collection<String> logged) {
    for (Object p : parts) {
      if (p instanceof Field f && !f.name().equals("epoch")) {
        String near = misspelling(f.name(), logged);
        if (near != null) {
          throw unknown(f.name(), "did you mean {" + near + "}? ", names(logged));
        }
      }
    }
  }

  /**
   * The value of {@code logged} (or its {@code val_} twin) that {@code name} misspells: not equal
   * to any, within two edits of one; {@code null} otherwise.
   *
   * @param name a placeholder name
   * @param logged the logged names
   * @return the misspelt name, or {@code null}
   */
  public static String misspelling(String name, Collection<String> logged) {
    List<String> all = new ArrayList<>(logged);
    logged.forEach(l -> all.add("val_" + l));
    if (all.contains(name)) {
      return null;
    }
    String best = null;
    int bestDistance = 3;
    for (String l : all) {
      int d = distance(name, l);
      if (d < bestDistance) {
        best = l;
        bestDistance = d;
      }
    }
    return best;
  }

  /**
   * The folder the files go to, or {@code null} when placeholders choose it (then each save makes
   * its own folder).
   *
   * @return the folder, or {@code null}
   */
  public Path fixedFolder() {
    int slash = Math.max(pattern.lastIndexOf('/'), pattern.lastIndexOf(File.separatorChar));
    String folder = slash < 0 ? "" : pattern.substring(0, slash + 1);
    return folder.contains("{") ? null : Path.of(folder.isEmpty() ? "." : folder).toAbsolutePath();
  }

  /**
   * Creates {@code folder} and its parents if missing (as Keras's {@code ModelCheckpoint} does).
   *
   * @param folder the folder
   * @throws IllegalArgumentException naming the folder when it cannot be created
   */
  public void createFolder(Path folder) {
    if (folder == null || Files.isDirectory(folder)) {
      return;
    }
    try {
      Files.createDirectories(folder);
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException(
          callback
              + ": cannot create the folder "
              + folder
              + " for \""
              + pattern
              + "\": "
              + (e instanceof java.nio.file.FileAlreadyExistsException
                  ? "a file of that name is in the way"
                  : e.toString()),
          e);
    }
  }

  /**
   * The file name for {@code epoch} (0-based; written 1-based, as Keras) and these logs.
   *
   * @param epoch the 0-based epoch
   * @param logs the epoch's logs
   * @return the path as text
   */
  public String expand(int epoch, Map<String, Double> logs) {
    StringBuilder out = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof Field f) {
        Object value;
        if (f.name().equals("epoch")) {
          value = f.integer() ? (Object) (epoch + 1) : (Object) (double) (epoch + 1);
        } else {
          Double v = logs.get(f.name());
          if (v == null) {
            throw unknown(
                f.name(), "the logs of this epoch hold no such value; ", names(logs.keySet()));
          }
          value = f.javaFormat().endsWith("%%") ? v * 100 : v;
        }
        out.append(String.format(Locale.ROOT, f.javaFormat(), value));
      } else {
        out.append((String) p);
      }
    }
    return out.toString();
  }

  private IllegalArgumentException bad(String what) {
    return new IllegalArgumentException(
        callback + ": the file path \"" + pattern + "\" has " + what);
  }

  /** {epoch}, then each logged name and its val_ twin, as the text of an error. */
  private static String names(Collection<String> logged) {
    Set<String> valid = new LinkedHashSet<>();
    valid.add("{epoch}");
    for (String l : logged) {
      valid.add("{" + l + "}");
    }
    for (String l : logged) {
      if (!l.startsWith("val_")) {
        valid.add("{val_" + l + "}");
      }
    }
    return String.join(", ", valid);
  }

  private IllegalArgumentException unknown(String name, String hint, String valid) {
    return new IllegalArgumentException(
        callback
            + ": unknown placeholder {"
            + name
            + "} in the file path \""
            + pattern
            + "\"; "
            + hint
            + "valid placeholders are "
            + valid
            + " (each may carry a format, as {epoch:02d} or {val_loss:.2f})");
  }
}
