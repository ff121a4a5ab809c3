package dev.graft.spark;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How the columns of a {@code Dataset<Row>} feed a model's inputs (or a training run's targets):
 * one group of columns per tensor, whose values are concatenated in order into the tensor's
 * per-sample row (numeric columns give one value, arrays and ml {@code Vector}s their length).
 * Checked on the driver against the schema (names and types) and on executors row by row (nulls and
 * lengths), with errors naming the column.
 */
final class InputColumns implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int NUMBER = 0;
  private static final int ARRAY = 1;
  private static final int VECTOR = 2;
  private static final int TEXT = 3;

  private final String owner;
  private final String[] names;
  private final String[][] groups;
  private final int[] widths;
  private final int[][] fields;
  private final int[][] kinds;

  private InputColumns(
      String owner,
      String[] names,
      String[][] groups,
      int[] widths,
      int[][] fields,
      int[][] kinds) {
    this.owner = owner;
    this.names = names;
    this.groups = groups;
    this.widths = widths;
    this.fields = fields;
    this.kinds = kinds;
  }

  /**
   * Resolves {@code specs} (one per tensor: a column name, or several separated by commas) against
   * {@code schema} for tensors named {@code names} with per-sample shapes {@code shapes} (batch
   * axis first, unknown).
   *
   * @param owner who asks, for messages ({@code GraftTransformer}, {@code SparkTrainer})
   * @param param the parameter that named the columns, for messages ({@code inputCols})
   * @throws IllegalArgumentException naming the missing or mistyped column
   */
  static InputColumns resolve(
      String owner,
      String param,
      StructType schema,
      String[] specs,
      List<String> names,
      List<Shape> shapes) {
    if (specs == null || specs.length != names.size()) {
      throw new IllegalArgumentException(
          owner
              + ": "
              + param
              + " has "
              + (specs == null ? 0 : specs.length)
              + " entries but the model has "
              + names.size()
              + " ("
              + String.join(", ", names)
              + "); give one column, or several separated by commas, for each");
    }
    int n = specs.length;
    String[][] groups = new String[n][];
    int[] widths = new int[n];
    int[][] fields = new int[n][];
    int[][] kinds = new int[n][];
    List<String> available = Arrays.asList(schema.fieldNames());
    for (int i = 0; i < n; i++) {
      Shape s = shapes.get(i);
      if (!s.withBatch(1).isFullyDefined()) {
        throw new IllegalArgumentException(
            owner
                + ": model input \""
                + names.get(i)
                + "\" has shape "
                + s
                + "; only the batch axis may be None");
      }
      widths[i] = s.sizeFrom(1);
      groups[i] = Arrays.stream(specs[i].split(",")).map(String::trim).toArray(String[]::new);
      fields[i] = new int[groups[i].length];
      kinds[i] = new int[groups[i].length];
      for (int c = 0; c < groups[i].length; c++) {
        String col = groups[i][c];
        if (!available.contains(col)) {
          throw new IllegalArgumentException(
              owner
                  + ": column \""
                  + col
                  + "\" ("
                  + param
                  + ") not found; the Dataset has columns "
                  + available);
        }
        StructField f = schema.apply(col);
        fields[i][c] = schema.fieldIndex(col);
        kinds[i][c] = kind(owner, col, f.dataType());
        if (kinds[i][c] == TEXT && groups[i].length != 1) {
          throw new IllegalArgumentException(
              owner
                  + ": column \""
                  + col
                  + "\" has type string; a string column must feed model input \""
                  + names.get(i)
                  + "\" alone (one read by TextVectorization or StringLookup), not with other"
                  + " columns");
        }
      }
    }
    return new InputColumns(owner, names.toArray(String[]::new), groups, widths, fields, kinds);
  }

  private static int kind(String owner, String col, DataType t) {
    if (t instanceof NumericType) {
      return NUMBER;
    }
    if (t instanceof ArrayType a && a.elementType() instanceof NumericType) {
      return ARRAY;
    }
    if (t instanceof VectorUDT) {
      return VECTOR;
    }
    if (t instanceof StringType) {
      return TEXT; // for a model input read by TextVectorization or StringLookup
    }
    throw new IllegalArgumentException(
        owner
            + ": column \""
            + col
            + "\" has type "
            + t.simpleString()
            + "; expected a number, an array of numbers, an ml Vector or a string");
  }

  /** How many tensors (model inputs or outputs) these columns feed. */
  int count() {
    return groups.length;
  }

  /** The per-sample width of tensor {@code i}. */
  int width(int i) {
    return widths[i];
  }

  /** All column names, in order. */
  String[] columns() {
    return Arrays.stream(groups).flatMap(Arrays::stream).toArray(String[]::new);
  }

  /** True when some tensor is fed by a string column (the model then preprocesses it). */
  boolean hasText() {
    for (int[] k : kinds) {
      if (k.length == 1 && k[0] == TEXT) {
        return true;
      }
    }
    return false;
  }

  /**
   * Each model input's raw batch of {@code rows}: the strings of a string column, the tensor of
   * {@link #tensors} otherwise (for {@code Model.encodeInputs}).
   *
   * @throws IllegalArgumentException naming the column holding a null
   */
  Object[] raw(List<Row> rows, List<Shape> shapes) {
    Object[] out = new Object[count()];
    for (int i = 0; i < count(); i++) {
      if (kinds[i].length == 1 && kinds[i][0] == TEXT) {
        String[] texts = new String[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
          if (rows.get(r).isNullAt(fields[i][0])) {
            throw new IllegalArgumentException(
                owner + ": column \"" + groups[i][0] + "\" is null in a row");
          }
          texts[r] = rows.get(r).getString(fields[i][0]);
        }
        out[i] = texts;
      } else {
        out[i] = tensor(rows, i, shapes.get(i));
      }
    }
    return out;
  }

  /**
   * The tensors of {@code rows}, tensor {@code i} shaped {@code shapes[i]} with their count as
   * batch.
   */
  List<Tensor> tensors(List<Row> rows, List<Shape> shapes) {
    List<Tensor> out = new ArrayList<>();
    for (int i = 0; i < count(); i++) {
      out.add(tensor(rows, i, shapes.get(i)));
    }
    return out;
  }

  private Tensor tensor(List<Row> rows, int i, Shape shape) {
    int w = widths[i];
    float[] data = new float[rows.size() * w];
    for (int r = 0; r < rows.size(); r++) {
      fill(rows.get(r), i, data, r * w);
    }
    return Tensor.wrap(data, 0, shape.withBatch(rows.size()));
  }

  /**
   * Writes {@code row}'s values for tensor {@code i} into {@code dst[offset .. offset+width)}.
   *
   * @throws IllegalArgumentException naming the column, when a value is null or the row's values do
   *     not fill the tensor's width
   */
  void fill(Row row, int i, float[] dst, int offset) {
    int at = offset;
    int end = offset + widths[i];
    for (int c = 0; c < fields[i].length; c++) {
      int f = fields[i][c];
      if (row.isNullAt(f)) {
        throw new IllegalArgumentException(
            owner + ": column \"" + groups[i][c] + "\" is null in a row");
      }
      switch (kinds[i][c]) {
        case NUMBER -> {
          checkRoom(row, i, at, 1, end);
          dst[at++] = ((Number) row.get(f)).floatValue();
        }
        case ARRAY -> {
          List<Object> values = row.getList(f);
          checkRoom(row, i, at, values.size(), end);
          for (int k = 0; k < values.size(); k++) {
            Object v = values.get(k);
            if (v == null) {
              throw new IllegalArgumentException(
                  owner + ": column \"" + groups[i][c] + "\" holds a null element at index " + k);
            }
            dst[at++] = ((Number) v).floatValue();
          }
        }
        default -> {
          Vector v = (Vector) row.get(f);
          checkRoom(row, i, at, v.size(), end);
          for (int k = 0; k < v.size(); k++) {
            dst[at++] = (float) v.apply(k);
          }
        }
      }
    }
    if (at != end) {
      throw lengthError(i, at - offset);
    }
  }

  private void checkRoom(Row row, int i, int at, int count, int end) {
    if (at + count > end) {
      throw lengthError(i, groupWidth(row, i));
    }
  }

  /** How many values the group's columns hold in {@code row} (for the error message). */
  private int groupWidth(Row row, int i) {
    int total = 0;
    for (int c = 0; c < fields[i].length; c++) {
      int f = fields[i][c];
      total +=
          switch (kinds[i][c]) {
            case NUMBER -> 1;
            case ARRAY -> row.getList(f).size();
            default -> ((Vector) row.get(f)).size();
          };
    }
    return total;
  }

  private IllegalArgumentException lengthError(int i, int got) {
    return new IllegalArgumentException(
        owner
            + ": "
            + (groups[i].length == 1
                ? "column \"" + groups[i][0] + "\""
                : "columns " + Arrays.toString(groups[i]))
            + " gave "
            + got
            + " values in a row, but \""
            + names[i]
            + "\" takes "
            + widths[i]
            + " per sample"
            + (kinds[i][0] == NUMBER && groups[i].length == 1
                ? ""
                : " (check the array or vector lengths)"));
  }
}
