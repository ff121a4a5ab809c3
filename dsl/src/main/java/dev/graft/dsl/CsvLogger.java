package dev.graft.dsl;

import dev.graft.dsl.internal.Arguments;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Keras's {@code CSVLogger}: writes one row per epoch ({@code epoch}, then the logs in sorted key
 * order) to a CSV file, flushed after each row so it can be watched during training.
 */
public final class CsvLogger implements Callback {
  private final Path file;
  private String separator = ",";
  private boolean append;
  private BufferedWriter out;
  private List<String> keys;

  /**
   * Logs to {@code file}, replacing it.
   *
   * @param file the CSV file, written after each epoch
   */
  public CsvLogger(Path file) {
    this.file = Arguments.notNull("CsvLogger", "file", file);
  }

  /**
   * The column separator (default {@code ","}); returns this.
   *
   * @param value the separator between columns
   * @return this callback, for chaining
   */
  public CsvLogger separator(String value) {
    if (Arguments.notNull("separator", "value", value).isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid value for argument separator of CSVLogger. Received: separator=" + value);
    }
    this.separator = value;
    return this;
  }

  /**
   * Appends to an existing file (no second header) instead of replacing it; returns this.
   *
   * @param value true to append
   * @return this callback, for chaining
   */
  public CsvLogger append(boolean value) {
    this.append = value;
    return this;
  }

  @Override
  public void onTrainBegin(Training t) {
    try {
      boolean hasHeader = append && Files.exists(file) && Files.size(file) > 0;
      out =
          Files.newBufferedWriter(
              file,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE);
      keys = hasHeader ? List.of() : null;
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger cannot open " + file, e);
    }
  }

  @Override
  public void onEpochEnd(Training t, int epoch, Map<String, Double> logs) {
    try {
      if (keys == null || keys.isEmpty()) {
        boolean writeHeader = keys == null;
        keys = new ArrayList<>(new TreeSet<>(logs.keySet()));
        if (writeHeader) {
          out.write("epoch" + separator + String.join(separator, keys));
          out.newLine();
        }
      }
      StringBuilder row = new StringBuilder().append(epoch);
      for (String k : keys) {
        Double v = logs.get(k);
        row.append(separator).append(v == null ? "" : v.toString());
      }
      out.write(row.toString());
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger cannot write " + file, e);
    }
  }

  @Override
  public void onTrainEnd(Training t) {
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("CSVLogger cannot close " + file, e);
    } finally {
      out = null;
    }
  }
}
