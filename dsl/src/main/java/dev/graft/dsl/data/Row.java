package dev.graft.dsl.data;

import dev.graft.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;

/**
 * One record of a {@link Csv} file: its fields by column name or index, as strings or numbers. A
 * column declared numeric was checked when the row was read; {@link #number} on another column
 * parses it now, with the same error naming the file, line and column.
 */
public final class Row {
  private final CsvColumns columns;
  private final Path file;
  private final long line;
  private final String[] fields;
  private final float[] numbers;

  Row(CsvColumns columns, Path file, long line, String[] fields, float[] numbers) {
    this.columns = columns;
    this.file = file;
    this.line = line;
    this.fields = fields;
    this.numbers = numbers;
  }

  /**
   * The column names, in file order.
   *
   * @return the names, unmodifiable
   */
  public List<String> columnNames() {
    return columns.names();
  }

  /**
   * The file this row comes from.
   *
   * @return the file
   */
  public Path file() {
    return file;
  }

  /**
   * The line of the file where this row starts (1 = the first line, the header if any).
   *
   * @return the 1-based line number
   */
  public long line() {
    return line;
  }

  /**
   * The field of {@code column} as written (unquoted).
   *
   * @param column a column name
   * @return the field's text
   */
  public String string(String column) {
    return fields[columns.index(column)];
  }

  /**
   * The field at {@code index}.
   *
   * @param index the 0-based column index
   * @return the field's text
   */
  public String string(int index) {
    return fields[columns.check(index)];
  }

  /**
   * The field of {@code column} as a number.
   *
   * @param column a column name
   * @return the field's value
   * @throws DataException naming the file, line and column if it is not a number
   */
  public float number(String column) {
    return number(columns.index(column));
  }

  /**
   * The field at {@code index} as a number.
   *
   * @param index the 0-based column index
   * @return the field's value
   */
  public float number(int index) {
    columns.check(index);
    return columns.numeric(index)
        ? numbers[index]
        : CsvColumns.parse(fields[index], file, line, columns.names().get(index));
  }

  /**
   * The numbers of several columns as a {@code (k,)} tensor, the features of a sample.
   *
   * @param names column names
   * @return a new tensor of the fields' values, in the order given
   */
  public Tensor numbers(String... names) {
    float[] v = new float[names.length];
    for (int i = 0; i < names.length; i++) {
      v[i] = number(names[i]);
    }
    return Tensor.wrap(v, names.length);
  }

  @Override
  public String toString() {
    return file.getFileName() + ":" + line + " " + List.of(fields);
  }
}
