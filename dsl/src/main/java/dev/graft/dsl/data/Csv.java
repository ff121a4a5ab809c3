package dev.graft.dsl.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CSV and TSV files as a dataset of {@link Row}s ({@code tf.data.experimental.CsvDataset} / {@code
 * make_csv_dataset}): a header line naming the columns, typed columns (declared numeric columns are
 * checked on every row, others are strings), RFC 4180 quoting ({@code "a, b"}, {@code ""} for a
 * quote, line breaks inside quotes), gzip files ({@code .gz}), several files with one header.
 *
 * <pre>{@code
 * Dataset<Row> rows = Csv.tsv(Path.of("packages.tsv.gz"))
 *     .numericColumns("installed_size_kb", "n_depends")
 *     .dataset();
 * var samples = rows.map(r -> List.of(r.numbers("installed_size_kb", "n_depends"),
 *                                     Tensor.scalar(label(r.string("section")))));
 * }</pre>
 *
 * <p>Every file's header is read and checked when the dataset is made (declared columns present,
 * the same columns in every file), so those mistakes show before training. A malformed row (a field
 * count that differs from the header's, a broken quote) or a numeric field that is not a number is
 * an error naming the file, the line and the column, unless {@link #ignoreErrors()} asks to skip
 * such rows: the count is then printed at the end of each pass and kept by {@link #skipped()}.
 */
public final class Csv {
  private final List<Path> files;
  private char delimiter = ',';
  private boolean quoting = true;
  private boolean header = true;
  private List<String> columnNames;
  private final Map<String, Float> numeric = new LinkedHashMap<>();
  private boolean ignoreErrors;
  private final AtomicLong skipped = new AtomicLong();

  private Csv(List<Path> files) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("Csv: no files given");
    }
    this.files = List.copyOf(files);
  }

  /**
   * Comma-separated files with quoting.
   *
   * @param files the files, read one after another
   * @return the options, to refine before {@link #dataset()}
   */
  public static Csv from(Path... files) {
    return new Csv(List.of(files));
  }

  /**
   * Tab-separated files: fields never quoted (a {@code "} is an ordinary character, as in most TSV
   * exports); {@link #useQuoteDelim} turns quoting on.
   *
   * @param files the files, read one after another
   * @return the options, to refine before {@link #dataset()}
   */
  public static Csv tsv(Path... files) {
    return new Csv(List.of(files)).fieldDelim('\t').useQuoteDelim(false);
  }

  /**
   * The field separator (default {@code ','}); returns this.
   *
   * @param c the separator character
   * @return these options, for chaining
   */
  public Csv fieldDelim(char c) {
    if (c == '"' || c == '\n' || c == '\r') {
      throw new IllegalArgumentException("Csv: the field delimiter cannot be " + repr(c));
    }
    this.delimiter = c;
    return this;
  }

  /**
   * Whether {@code "} quotes fields (default true; false for {@link #tsv}); returns this.
   *
   * @param value false to read {@code "} as an ordinary character
   * @return these options, for chaining
   */
  public Csv useQuoteDelim(boolean value) {
    this.quoting = value;
    return this;
  }

  /**
   * Whether the first line of each file names the columns (default true); returns this.
   *
   * @param value false if the files start with data
   * @return these options, for chaining
   */
  public Csv header(boolean value) {
    this.header = value;
    return this;
  }

  /**
   * The column names, for files without a header (or to rename them); returns this.
   *
   * @param names one name per field, in file order
   * @return these options, for chaining
   */
  public Csv columnNames(String... names) {
    this.columnNames = List.of(names);
    return this;
  }

  /**
   * Declares columns numeric: every row's field must be a number; returns this.
   *
   * @param names column names from the header or {@link #columnNames}
   * @return these options, for chaining
   */
  public Csv numericColumns(String... names) {
    for (String n : names) {
      numeric.put(n, null);
    }
    return this;
  }

  /**
   * Declares a numeric column whose empty fields take {@code defaultValue}; returns this.
   *
   * @param name a column name
   * @param defaultValue the value of an empty field
   * @return these options, for chaining
   */
  public Csv numericColumn(String name, float defaultValue) {
    numeric.put(name, defaultValue);
    return this;
  }

  /**
   * Skips malformed rows instead of failing, counting them; returns this.
   *
   * @return these options, for chaining
   */
  public Csv ignoreErrors() {
    this.ignoreErrors = true;
    return this;
  }

  /**
   * Rows skipped so far by {@link #ignoreErrors()}.
   *
   * @return the count, growing while a dataset is read
   */
  public long skipped() {
    return skipped.get();
  }

  /**
   * The dataset of rows; every file's header is checked now.
   *
   * @return a dataset of {@link Row}s, in file order; each pass reads the files again
   */
  public Dataset<Row> dataset() {
    CsvColumns cols = null;
    for (Path f : files) {
      TextSources.requireFile("Csv", f);
      CsvColumns c = new CsvColumns(names(f), numeric, f);
      if (cols != null && !c.names().equals(cols.names())) {
        throw new DataException(
            "Csv: "
                + f
                + " has columns "
                + c.names()
                + " but "
                + files.get(0)
                + " has "
                + cols.names());
      }
      cols = c;
    }
    CsvColumns columns = cols;
    return Dataset.lazy(Dataset.UNKNOWN, () -> new RowCursor(columns));
  }

  /** The column names of {@code f}: given, or its header line. */
  private List<String> names(Path f) {
    if (columnNames != null) {
      return columnNames;
    }
    if (!header) {
      throw new IllegalArgumentException(
          "Csv: without a header line, give the column names with columnNames(...)");
    }
    try (BufferedReader in = TextSources.reader(f)) {
      Parser p = new Parser(in, f);
      String[] h = p.next();
      if (h == null) {
        throw new DataException("Csv: " + f + " is empty: no header line");
      }
      return List.of(h);
    } catch (IOException e) {
      throw new DataException("Csv: cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  private static String repr(char c) {
    return c == '\n' ? "\\n" : c == '\r' ? "\\r" : "'" + c + "'";
  }

  /** Reads records: fields split at the delimiter, quotes honoured, the start line tracked. */
  private final class Parser {
    private final BufferedReader in;
    private final Path file;
    private long line;
    private long recordLine;
    private final StringBuilder field = new StringBuilder();

    Parser(BufferedReader in, Path file) {
      this.in = in;
      this.file = file;
    }

    /** The next record's fields, or null at the end; blank lines are not records. */
    String[] next() throws IOException {
      String text = in.readLine();
      while (text != null && text.isEmpty()) {
        line++;
        text = in.readLine();
      }
      if (text == null) {
        return null;
      }
      line++;
      recordLine = line;
      List<String> fields = new ArrayList<>();
      field.setLength(0);
      int i = 0;
      boolean quotedField = false;
      while (true) {
        if (i == text.length()) {
          fields.add(field.toString());
          return fields.toArray(new String[0]);
        }
        char c = text.charAt(i);
        if (c == delimiter) {
          fields.add(field.toString());
          field.setLength(0);
          quotedField = false;
          i++;
        } else if (quoting && c == '"' && field.length() == 0 && !quotedField) {
          quotedField = true;
          i++;
          // inside quotes: until a lone quote, reading more lines if the field spans them
          while (true) {
            if (i == text.length()) {
              String more = in.readLine();
              if (more == null) {
                throw malformed("a quoted field is not closed before the end of the file");
              }
              line++;
              field.append('\n');
              text = more;
              i = 0;
              continue;
            }
            char q = text.charAt(i++);
            if (q != '"') {
              field.append(q);
            } else if (i < text.length() && text.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          }
          if (i < text.length() && text.charAt(i) != delimiter) {
            throw malformed(
                "text after the closing quote of field "
                    + (fields.size() + 1)
                    + " (a quote inside a field is written \"\")");
          }
        } else {
          if (quotedField) {
            throw malformed("text after the closing quote of field " + (fields.size() + 1));
          }
          field.append(c);
          i++;
        }
      }
    }

    DataException malformed(String why) {
      return new DataException(file + ", line " + recordLine + ": malformed row: " + why);
    }
  }

  /** One pass over every file in turn. */
  private final class RowCursor implements Cursor<Row> {
    private final CsvColumns columns;
    private int file = -1;
    private BufferedReader in;
    private Parser parser;
    private long skippedThisPass;
    private String firstSkip;

    RowCursor(CsvColumns columns) {
      this.columns = columns;
    }

    @Override
    public Row next() {
      while (true) {
        try {
          if (parser == null) {
            if (++file >= files.size()) {
              report();
              return null;
            }
            in = TextSources.reader(files.get(file));
            parser = new Parser(in, files.get(file));
            if (header) {
              parser.next();
            }
          }
          Row r = read();
          if (r != null) {
            return r;
          }
          in.close();
          parser = null;
        } catch (IOException e) {
          throw new DataException("Csv: cannot read " + files.get(file) + ": " + e.getMessage(), e);
        } catch (DataException e) {
          if (!ignoreErrors) {
            throw e;
          }
          skipped.incrementAndGet();
          if (skippedThisPass++ == 0) {
            firstSkip = e.getMessage();
          }
        }
      }
    }

    /** The next row of the current file, or null at its end. */
    private Row read() throws IOException {
      String[] fields = parser.next();
      if (fields == null) {
        return null;
      }
      Path f = files.get(file);
      if (fields.length != columns.size()) {
        throw parser.malformed(
            "expected " + columns.size() + " fields " + columns.names() + ", got " + fields.length);
      }
      return new Row(
          columns, f, parser.recordLine, fields, columns.numbers(fields, f, parser.recordLine));
    }

    private void report() {
      if (skippedThisPass > 0) {
        System.err.println(
            "Csv: skipped "
                + skippedThisPass
                + " malformed row(s) in this pass (the first: "
                + firstSkip
                + ")");
        skippedThisPass = 0;
      }
    }

    @Override
    public void close() {
      if (in != null) {
        try {
          in.close();
        } catch (IOException e) {
          // the pass is over
        }
        in = null;
      }
      parser = null;
      file = files.size();
    }
  }
}
