package dev.graft.layers;

import dev.graft.tensor.Shape;
import java.util.List;

/**
 * A batch of strings as preprocessing layers read it: the values in row-major order and their shape
 * ({@code (n)} for one string per sample, {@code (n, k)} for rows of {@code k}).
 *
 * @param values the strings, row-major
 * @param shape {@code (n)} or {@code (n, k)}
 */
public record StringBatch(String[] values, Shape shape) {
  /**
   * Reads a {@code String[]}, {@code String[][]} (rows of equal length) or {@code List} of strings.
   *
   * @param batch the raw batch
   * @param layer the layer's name, for messages
   * @return the batch's strings with its shape
   * @throws IllegalArgumentException naming {@code layer} for any other type, ragged rows or a
   *     {@code null} string
   */
  public static StringBatch of(Object batch, String layer) {
    if (batch instanceof String s) {
      return of(new String[] {s}, layer);
    }
    if (batch instanceof List<?> list) {
      String[] out = new String[list.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(list.get(i) instanceof String s)) {
          throw wrong(layer, "a list holding " + describe(list.get(i)));
        }
        out[i] = s;
      }
      return of(out, layer);
    }
    if (batch instanceof String[] flat) {
      for (int i = 0; i < flat.length; i++) {
        if (flat[i] == null) {
          throw new IllegalArgumentException(
              "Layer \"" + layer + "\" received a null string at position " + i);
        }
      }
      return new StringBatch(flat.clone(), Shape.of(flat.length));
    }
    if (batch instanceof String[][] rows) {
      int k = rows.length == 0 ? 1 : rows[0].length;
      String[] out = new String[rows.length * k];
      for (int r = 0; r < rows.length; r++) {
        if (rows[r].length != k) {
          throw new IllegalArgumentException(
              "Layer \""
                  + layer
                  + "\" received ragged rows: row 0 has "
                  + k
                  + " strings, row "
                  + r
                  + " has "
                  + rows[r].length);
        }
        for (int j = 0; j < k; j++) {
          if (rows[r][j] == null) {
            throw new IllegalArgumentException(
                "Layer \"" + layer + "\" received a null string at row " + r + ", column " + j);
          }
          out[r * k + j] = rows[r][j];
        }
      }
      return new StringBatch(out, Shape.of(rows.length, k));
    }
    throw wrong(layer, describe(batch));
  }

  /**
   * True if {@code batch} is one of the string forms {@link #of} reads.
   *
   * @param batch any object
   * @return true for a string array or list
   */
  public static boolean isStrings(Object batch) {
    return batch instanceof String
        || batch instanceof String[]
        || batch instanceof String[][]
        || batch instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String;
  }

  /**
   * The number of samples.
   *
   * @return the batch size
   */
  public int rows() {
    return shape.dim(0);
  }

  private static IllegalArgumentException wrong(String layer, String got) {
    return new IllegalArgumentException(
        "Layer \""
            + layer
            + "\" takes strings (String[] with one string per sample, String[][] with one row per"
            + " sample, or a List of strings); received "
            + got);
  }

  private static String describe(Object o) {
    return o == null ? "null" : o.getClass().getSimpleName();
  }
}
